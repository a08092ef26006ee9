/**
 * Global feature importance: mean |TreeSHAP contribution| per feature as horizontal bars, largest first, in log-odds.
 */
import { HorizontalAxis, VerticalGrid } from './axis';
import { ChartFrame } from './chart-frame';
import { chartId } from './chart-id';
import { colours, estimateTextWidth, font } from './chart-theme';
import { labelledTicks, linearScale, niceExtent } from './scale';

export interface ImportanceFeature {
  name: string;
  label: string;
  /** Log-odds. */
  meanAbsContribution: number;
}

export interface ImportanceChartProps {
  features: readonly ImportanceFeature[];
  title?: string;
}

const WIDTH = 640;
const ROW = 20;
const BAR = 13;
const MAX_LABEL_WIDTH = 250;
const VALUE_ROOM = 56;
/** Beyond this many rows the bottom axis scrolls out of view: repeat it on top. */
const TOP_AXIS_FROM = 16;

/** Largest first; ties keep their given order. */
export function rankFeatures(features: readonly ImportanceFeature[]): ImportanceFeature[] {
  return [...features].sort((a, b) => b.meanAbsContribution - a.meanAbsContribution);
}

/** Three decimals, but never "0.000" for a feature that does contribute. */
export function importanceValue(v: number): string {
  return v > 0 && v < 0.0005 ? '<0.001' : v.toFixed(3);
}

function fitLabel(text: string): string {
  if (estimateTextWidth(text, font.label) <= MAX_LABEL_WIDTH) return text;
  const chars = Math.floor(MAX_LABEL_WIDTH / (font.label * 0.58)) - 1;
  return `${Array.from(text).slice(0, chars).join('')}…`;
}

export function ImportanceChart({ features, title = 'Feature importance' }: ImportanceChartProps) {
  const ranked = rankFeatures(features);
  const labelWidth = Math.min(
    MAX_LABEL_WIDTH,
    Math.max(80, ...ranked.map((f) => estimateTextWidth(f.label, font.label))),
  );
  const x0 = 12 + labelWidth + 10;
  const x1 = WIDTH - VALUE_ROOM;
  const max = Math.max(0, ...ranked.map((f) => f.meanAbsContribution).filter(Number.isFinite));
  const domain = max > 0 ? niceExtent(0, max, 5) : ([0, 1] as const);
  const x = linearScale(domain, [x0, x1]);
  const ticks = labelledTicks(domain[0], domain[1], 5);

  const topAxis = ranked.length >= TOP_AXIS_FROM;
  const plotTop = topAxis ? 76 : 40;
  const plotBottom = plotTop + ranked.length * ROW + 4;
  const height = plotBottom + 52;

  const axisLabel = 'Mean |contribution| (log-odds)';
  const desc = `${title}. ${ranked.length} features ranked by mean absolute contribution in log-odds (not probability): ${ranked
    .map((f) => `${f.label} ${importanceValue(f.meanAbsContribution)}`)
    .join('; ')}.`;
  return (
    <ChartFrame id={chartId('importance', desc)} width={WIDTH} height={height} title={title} desc={desc}>
      <VerticalGrid scale={x} ticks={ticks} y0={plotTop} y1={plotBottom} />
      {ranked.map((f, i) => {
        const y = plotTop + i * ROW + (ROW - BAR) / 2 + 2;
        const value = Number.isFinite(f.meanAbsContribution) ? Math.max(0, f.meanAbsContribution) : 0;
        const end = x(value);
        return (
          <g key={f.name} data-feature={f.name}>
            <text x={x0 - 10} y={y + BAR - 2.5} textAnchor="end" fontSize={font.label} fill={colours.ink}>
              {fitLabel(f.label)}
            </text>
            <rect x={x0} y={y} width={Math.max(0, end - x0)} height={BAR} fill={colours.bar} />
            <text
              x={end + 5}
              y={y + BAR - 2.5}
              fontSize={font.small}
              fill={colours.muted}
              style={{ fontVariantNumeric: 'tabular-nums' }}
            >
              {importanceValue(f.meanAbsContribution)}
            </text>
          </g>
        );
      })}
      <line x1={x0} x2={x0} y1={plotTop} y2={plotBottom} stroke={colours.axis} strokeWidth={1} />
      {topAxis ? (
        <HorizontalAxis
          scale={x}
          ticks={ticks}
          y={plotTop}
          x0={x0}
          x1={x1}
          side="top"
          name="importance-top"
          label={axisLabel}
        />
      ) : null}
      <HorizontalAxis
        scale={x}
        ticks={ticks}
        y={plotBottom}
        x0={x0}
        x1={x1}
        side="bottom"
        name="importance"
        label={axisLabel}
      />
    </ChartFrame>
  );
}
