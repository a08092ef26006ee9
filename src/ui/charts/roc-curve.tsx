/** ROC curves of one or more models on the unit square, with the chance diagonal and each curve's AUROC in the legend. */
import { HorizontalAxis, HorizontalGrid, LeftAxis, VerticalGrid } from './axis';
import { ChartFrame } from './chart-frame';
import { chartId } from './chart-id';
import { colours, referenceDash, seriesStyle } from './chart-theme';
import { Legend, type LegendEntry } from './legend';
import { tprAtFpr, type RocPoint } from './roc-points';
import { labelledTicks, linearScale } from './scale';

export interface RocSeries {
  name: string;
  auroc: number;
  points: readonly RocPoint[];
}

export interface RocCurveProps {
  series: readonly RocSeries[];
  title?: string;
}

const WIDTH = 460;
const PLOT = { left: 64, top: 40, size: 360 };
const LEGEND_LINE = 19;

/** The operating points the summary reads off each curve. */
const SUMMARY_FPRS = [0.1, 0.2];

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

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
  const x0 = PLOT.left;
  const x1 = PLOT.left + PLOT.size;
  const yTop = PLOT.top;
  const yBottom = PLOT.top + PLOT.size;
  const x = linearScale([0, 1], [x0, x1]);
  const y = linearScale([0, 1], [yBottom, yTop]);
  const ticks = labelledTicks(0, 1, 5);

  const legendTop = yBottom + 66;
  const entries: LegendEntry[] = series.map((s, i) => {
    const style = seriesStyle(i);
    return { key: `s${i}`, text: `${s.name}: AUROC ${s.auroc.toFixed(3)}`, colour: style.colour, dash: style.dash };
  });
  entries.push({ key: 'chance', text: 'Chance: AUROC 0.500', colour: colours.reference, dash: referenceDash, strokeWidth: 1.5 });
  const height = legendTop + (entries.length - 1) * LEGEND_LINE + 16;

  const desc = describe(series, title);
  return (
    <ChartFrame id={chartId('roc', desc)} width={WIDTH} height={height} title={title} desc={desc}>
      <VerticalGrid scale={x} ticks={ticks} y0={yTop} y1={yBottom} />
      <HorizontalGrid scale={y} ticks={ticks} x0={x0} x1={x1} />
      <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke={colours.reference} strokeWidth={1.5} strokeDasharray={referenceDash} />
      {series.map((s, i) => {
        const style = seriesStyle(i);
        const points = [...s.points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
        const d = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(clamp01(p.fpr)).toFixed(2)},${y(clamp01(p.tpr)).toFixed(2)}`).join('');
        return (
          <path
            key={`s${i}`}
            d={d}
            fill="none"
            stroke={style.colour}
            strokeWidth={2.5}
            strokeDasharray={style.dash}
            strokeLinejoin="round"
            data-series={s.name}
          />
        );
      })}
      <HorizontalAxis scale={x} ticks={ticks} y={yBottom} x0={x0} x1={x1} side="bottom" name="fpr" label="False-positive rate (1 − specificity)" />
      <LeftAxis scale={y} ticks={ticks} x={x0} y0={yTop} y1={yBottom} name="tpr" label="True-positive rate (sensitivity)" />
      <Legend entries={entries} x={x0} y={legendTop} lineHeight={LEGEND_LINE} />
    </ChartFrame>
  );
}
