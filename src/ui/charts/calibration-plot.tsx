/**
 * Calibration: observed event rate against mean predicted probability per bin, beside the perfect-calibration diagonal,
 * with each bin's count.
 */
import type { ModelMetrics } from '@/inference/model-card';
import { percent } from '../format';
import { ChartFrame } from './chart-frame';
import { chartId } from './chart-id';
import { colours, font, seriesStyle } from './chart-theme';
import { Legend, SeriesMarker, type LegendEntry } from './legend';
import {
  clamp01,
  diagonalLegendEntry,
  UNIT_SQUARE_WIDTH,
  unitSquare,
  UnitSquarePlot,
  unitSquarePath,
} from './unit-square-plot';

/** A reliability bin as the model card stores it; bins with count 0 are skipped. */
export type CalibrationBin = ModelMetrics['calibration'][number];

export interface CalibrationSeries {
  name: string;
  bins: readonly CalibrationBin[];
}

export interface CalibrationPlotProps {
  series: readonly CalibrationSeries[];
  title?: string;
}

const LEGEND_LINE = 19;
const STRIP_LINE = 17;
const MIN_RADIUS = 2.5;
const MAX_RADIUS = 7;

type FilledBin = CalibrationBin & { meanPredicted: number; observedRate: number };

/** Bins with data; an empty bin has no rate to plot, and joining across it would invent one. */
export function filledBins(bins: readonly CalibrationBin[]): FilledBin[] {
  return bins.filter(
    (b): b is FilledBin =>
      b.count > 0 &&
      b.meanPredicted !== null &&
      b.observedRate !== null &&
      Number.isFinite(b.meanPredicted) &&
      Number.isFinite(b.observedRate),
  );
}

/** A count short enough to sit beside a point: 626, 5.8k, 27k, 756k, 1.2M. */
export function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/**
 * Marker radius grows with log(count): bin counts span 1 to 10^6 (sepsis), where a linear size would leave all but one
 * bin at the minimum.
 */
export function markerRadius(count: number, maxCount: number): number {
  if (!(maxCount > 1) || !(count > 1)) return MIN_RADIUS;
  return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.min(1, Math.log(count) / Math.log(maxCount));
}

function range(b: CalibrationBin): string {
  return `${b.lower.toFixed(1)}–${b.upper.toFixed(1)}`;
}

function describe(series: readonly CalibrationSeries[], title: string): string {
  const parts = series.map((s) => {
    const filled = filledBins(s.bins);
    const empty = s.bins.length - filled.length;
    const bins = filled.map(
      (b) =>
        `bin ${range(b)}: n = ${b.count.toLocaleString('en-US')}, mean predicted ${percent(b.meanPredicted)}, observed ${percent(b.observedRate)}`,
    );
    return `${s.name}: ${s.bins.length} bins${empty ? `, ${empty} empty and not shown` : ''}; ${bins.join('; ')}.`;
  });
  return `${title}. Observed event rate against mean predicted probability in each bin of predicted probability; points on the dotted diagonal are perfectly calibrated. ${parts.join(' ')}`;
}

export function CalibrationPlot({ series, title = 'Calibration' }: CalibrationPlotProps) {
  const square = unitSquare();
  const { x0, x, y } = square;
  const drawn = series.map((s) => filledBins(s.bins));
  const maxCount = Math.max(0, ...drawn.flat().map((b) => b.count));

  // Counts sit in a strip under the axis, one row per series at each bin's centre: beside the points they overprint.
  const stripTitleY = square.yBottom + 62;
  const stripRowY = (i: number) => stripTitleY + 18 + i * STRIP_LINE;
  const legendTop = stripRowY(series.length - 1) + 28;
  const entries: LegendEntry[] = series.map((s, i) => {
    const style = seriesStyle(i);
    return { key: `s${i}`, text: s.name, colour: style.colour, dash: style.dash, marker: style.marker, hollow: true };
  });
  entries.push(diagonalLegendEntry('perfect', 'Perfect calibration'));
  const height = legendTop + (entries.length - 1) * LEGEND_LINE + 14;

  const desc = describe(series, title);
  return (
    <ChartFrame id={chartId('calibration', desc)} width={UNIT_SQUARE_WIDTH} height={height} title={title} desc={desc}>
      <UnitSquarePlot
        square={square}
        xAxis={{ name: 'predicted', label: 'Mean predicted probability' }}
        yAxis={{ name: 'observed', label: 'Observed event rate' }}
      >
        {drawn.map((bins, i) => {
          const style = seriesStyle(i);
          const d = unitSquarePath(
            square,
            bins.map((b) => [b.meanPredicted, b.observedRate]),
          );
          return (
            <g key={`s${i}`} data-series={series[i].name}>
              {bins.length > 1 ? (
                <path
                  d={d}
                  fill="none"
                  stroke={style.colour}
                  strokeWidth={2}
                  strokeDasharray={style.dash}
                  strokeLinejoin="round"
                />
              ) : null}
              {bins.map((b) => {
                const cx = x(clamp01(b.meanPredicted));
                const cy = y(clamp01(b.observedRate));
                const r = markerRadius(b.count, maxCount);
                return (
                  <g key={`${b.lower}-${b.upper}`}>
                    <SeriesMarker shape={style.marker} x={cx} y={cy} r={r} colour={style.colour} hollow />
                  </g>
                );
              })}
            </g>
          );
        })}
      </UnitSquarePlot>
      <g className="bin-counts" fontSize={font.small}>
        <text x={8} y={stripTitleY} fill={colours.ink}>
          Predictions per bin (larger markers, more predictions):
        </text>
        {series.map((s, i) => {
          const style = seriesStyle(i);
          return (
            <g key={`s${i}`} fill={style.colour} style={{ fontVariantNumeric: 'tabular-nums' }}>
              <SeriesMarker shape={style.marker} x={x0 - 14} y={stripRowY(i) - 4} r={4} colour={style.colour} hollow />
              {s.bins.map((b) => (
                <text
                  key={`${b.lower}-${b.upper}`}
                  x={x(clamp01((b.lower + b.upper) / 2))}
                  y={stripRowY(i)}
                  textAnchor="middle"
                >
                  {compactCount(b.count)}
                </text>
              ))}
            </g>
          );
        })}
      </g>
      <Legend entries={entries} x={x0} y={legendTop} lineHeight={LEGEND_LINE} />
    </ChartFrame>
  );
}
