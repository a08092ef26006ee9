/**
 * ROC curves of one or more models on the unit square, with the chance diagonal and each curve's AUROC in the legend.
 */
import { ChartFrame } from './chart-frame';
import { chartId } from './chart-id';
import { seriesStyle } from './chart-theme';
import { Legend, type LegendEntry } from './legend';
import { tprAtFpr, type RocPoint } from './roc-points';
import { diagonalLegendEntry, UNIT_SQUARE_WIDTH, unitSquare, UnitSquarePlot, unitSquarePath } from './unit-square-plot';

export interface RocSeries {
  name: string;
  auroc: number;
  points: readonly RocPoint[];
}

export interface RocCurveProps {
  series: readonly RocSeries[];
  title?: string;
}

const LEGEND_LINE = 19;

/** The operating points the summary reads off each curve. */
const SUMMARY_FPRS = [0.1, 0.2];

function describe(series: readonly RocSeries[], title: string): string {
  const parts = series.map((s) => {
    const reads = SUMMARY_FPRS.map((f) => ({ f, tpr: tprAtFpr(s.points, f) }))
      .filter((r) => Number.isFinite(r.tpr))
      .map((r) => `${r.tpr.toFixed(2)} at ${Math.round(r.f * 100)}%`);
    return `${s.name}: AUROC ${s.auroc.toFixed(3)}${reads.length ? `, sensitivity ${reads.join(' and ')} false-positive rate` : ''}.`;
  });
  return `${title}. True-positive rate (sensitivity) against false-positive rate (1 − specificity), both from 0 to 1. ${parts.join(' ')} The dotted diagonal is chance (AUROC 0.5).`;
}

export function RocCurve({ series, title = 'ROC curve' }: RocCurveProps) {
  const square = unitSquare();
  const legendTop = square.yBottom + 66;
  const entries: LegendEntry[] = series.map((s, i) => {
    const style = seriesStyle(i);
    return { key: `s${i}`, text: `${s.name}: AUROC ${s.auroc.toFixed(3)}`, colour: style.colour, dash: style.dash };
  });
  entries.push(diagonalLegendEntry('chance', 'Chance: AUROC 0.500'));
  const height = legendTop + (entries.length - 1) * LEGEND_LINE + 16;

  const desc = describe(series, title);
  return (
    <ChartFrame id={chartId('roc', desc)} width={UNIT_SQUARE_WIDTH} height={height} title={title} desc={desc}>
      <UnitSquarePlot
        square={square}
        xAxis={{ name: 'fpr', label: 'False-positive rate (1 − specificity)' }}
        yAxis={{ name: 'tpr', label: 'True-positive rate (sensitivity)' }}
      >
        {series.map((s, i) => {
          const style = seriesStyle(i);
          const points = [...s.points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
          return (
            <path
              key={`s${i}`}
              d={unitSquarePath(
                square,
                points.map((p) => [p.fpr, p.tpr]),
              )}
              fill="none"
              stroke={style.colour}
              strokeWidth={2.5}
              strokeDasharray={style.dash}
              strokeLinejoin="round"
              data-series={s.name}
            />
          );
        })}
      </UnitSquarePlot>
      <Legend entries={entries} x={square.x0} y={legendTop} lineHeight={LEGEND_LINE} />
    </ChartFrame>
  );
}
