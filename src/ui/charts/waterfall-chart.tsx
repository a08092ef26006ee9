/**
 * One prediction explained: from the base value, one log-odds step per feature (largest first) to the output, with
 * probabilities on a second scale.
 */
import { computedValue, featureValue, percent, signedLogOdds } from '../format';
import { HorizontalAxis, VerticalGrid } from './axis';
import { ChartFrame } from './chart-frame';
import { chartId } from './chart-id';
import { colours, estimateTextWidth, font } from './chart-theme';
import { labelledTicks, linearScale, logit, probabilityTicks, sigmoid } from './scale';
import {
  DEFAULT_MAX_STEPS,
  waterfallSteps,
  type Waterfall,
  type WaterfallContribution,
  type WaterfallStep,
} from './waterfall-steps';

export interface WaterfallChartProps {
  /** Log-odds: the model's average output over its background data. */
  baseValue: number;
  /** In display order, normally by |contribution| descending; contributions in log-odds. */
  contributions: readonly WaterfallContribution[];
  probability: number;
  threshold?: number;
  title?: string;
  maxSteps?: number;
}

const WIDTH = 720;
const LABEL_X = 10;
const PLOT_LEFT = 262;
const PLOT_RIGHT = WIDTH - 56;
/** Room either side of the plot for a contribution label printed beyond an arrow tip at the domain's edge. */
const SPILL = 50;
const ROW = 34;
const BAR = 16;
const PROB_AXIS_Y = 96;
const ROWS_TOP = 122;
const THRESHOLD_DASH = '6 4';
/** A white outline behind the threshold label, so the dashed line does not cross through it. */
const halo = { stroke: colours.background, strokeWidth: 4, paintOrder: 'stroke' } as const;

type Direction = 'increase' | 'decrease' | 'none';

function direction(contribution: number): Direction {
  return contribution > 0 ? 'increase' : contribution < 0 ? 'decrease' : 'none';
}

const directionColour: Record<Direction, string> = {
  increase: colours.increase,
  decrease: colours.decrease,
  none: colours.neutral,
};
const directionWords: Record<Direction, string> = {
  increase: 'raises risk',
  decrease: 'lowers risk',
  none: 'no effect',
};

/** Log-odds and the probability it stands for, e.g. "−0.90 (28.9%)". */
function logOddsWithProbability(x: number): string {
  return `${signedLogOdds(x)} (${percent(sigmoid(x))})`;
}

/** A code by what it stands for (the table beside gives the code too), a computed value rounded. */
function stepValue(step: WaterfallStep): string {
  if (step.codeLabel !== null) return step.codeLabel;
  return (step.computed ? computedValue : featureValue)(step.value, step.unit);
}

function rowDetail(step: WaterfallStep): string {
  return step.features > 1 ? 'combined' : stepValue(step);
}

/** The axis domain: every position the chart draws (and the threshold), padded so arrow tips do not touch the frame. */
function domainOf(waterfall: Waterfall, thresholdAt: number | null): [number, number] {
  const values = [
    ...waterfall.extent,
    ...(thresholdAt !== null && Number.isFinite(thresholdAt) ? [thresholdAt] : []),
  ].filter(Number.isFinite);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = Math.max(hi - lo, 1);
  const mid = (lo + hi) / 2;
  return [Math.min(lo, mid - span / 2) - span * 0.06, Math.max(hi, mid + span / 2) + span * 0.06];
}

function describe(waterfall: Waterfall, probability: number, threshold: number | undefined, title: string): string {
  const steps = waterfall.steps.map((s) => {
    const what = s.features > 1 ? s.label : `${s.label} (${stepValue(s)})`;
    return `${what} ${signedLogOdds(s.contribution)}, ${directionWords[direction(s.contribution)]}`;
  });
  const parts = [
    `${title}. How the prediction is built on the log-odds scale (contributions are log-odds, not probabilities).`,
    `Starts at the base value ${logOddsWithProbability(waterfall.baseValue)}, the model's average.`,
    steps.length ? `Then, in order: ${steps.join('; ')}.` : 'No feature contributions.',
    `Ends at ${signedLogOdds(waterfall.output, 3)} log-odds, probability ${percent(sigmoid(waterfall.output))}.`,
  ];
  if (threshold !== undefined) {
    const at = logit(threshold);
    parts.push(
      `Decision threshold ${percent(threshold)} (${signedLogOdds(at)} log-odds): the output is ${waterfall.output >= at ? 'at or above' : 'below'} it.`,
    );
  }
  if (!waterfall.consistent) parts.push(mismatchNote(waterfall, probability).join(' '));
  return parts.join(' ');
}

/** Two lines, so the note fits the chart's width. */
function mismatchNote(waterfall: Waterfall, probability: number): [string, string] {
  const stated = Number.isFinite(waterfall.expectedOutput)
    ? `${signedLogOdds(waterfall.expectedOutput, 4)} log-odds`
    : 'not a finite log-odds';
  return [
    `Mismatch: base value plus contributions is ${signedLogOdds(waterfall.output, 4)} log-odds,`,
    `but the stated probability ${percent(probability)} is ${stated}; the chart shows the computed sum.`,
  ];
}

/** An arrow from start to end: the pointed tip shows the direction, so colour is not the only cue. */
function arrowPoints(x0: number, x1: number, y: number, height: number): string {
  const dir = x1 >= x0 ? 1 : -1;
  const length = Math.abs(x1 - x0);
  const tip = Math.min(7, length / 2);
  const neck = x1 - dir * tip;
  return [`${x0},${y}`, `${neck},${y}`, `${x1},${y + height / 2}`, `${neck},${y + height}`, `${x0},${y + height}`].join(
    ' ',
  );
}

/** Where a step's number goes: past the arrow tip, or before its tail when the tip is too close to the frame's edge. */
function labelPlacement(
  start: number,
  end: number,
  text: string,
  left: number,
  right: number,
): { x: number; anchor: 'start' | 'end' } {
  const width = estimateTextWidth(text, font.small);
  if (end >= start) return end + 4 + width <= right ? { x: end + 4, anchor: 'start' } : { x: start - 4, anchor: 'end' };
  return end - 4 - width >= left ? { x: end - 4, anchor: 'end' } : { x: start + 4, anchor: 'start' };
}

/** A number in the plot on a white backdrop: the threshold and grid lines pass behind it, not through it. */
function PlotNumber({
  place,
  y,
  text,
  fill,
  weight,
}: {
  place: { x: number; anchor: 'start' | 'end' };
  y: number;
  text: string;
  fill: string;
  weight: number;
}) {
  const width = estimateTextWidth(text, font.small);
  return (
    <>
      <rect
        x={place.anchor === 'start' ? place.x - 1 : place.x - width - 1}
        y={y - font.small + 1}
        width={width + 2}
        height={font.small + 3}
        fill={colours.background}
      />
      <text
        x={place.x}
        y={y}
        textAnchor={place.anchor}
        fontSize={font.small}
        fontWeight={weight}
        fill={fill}
        style={{ fontVariantNumeric: 'tabular-nums' }}
      >
        {text}
      </text>
    </>
  );
}

function RowLabel({ y, title, detail }: { y: number; title: string; detail: string }) {
  return (
    <text x={LABEL_X} y={y} fontSize={font.label} fill={colours.ink}>
      {title}
      <tspan x={LABEL_X} dy={14} fontSize={font.small} fill={colours.muted}>
        {detail}
      </tspan>
    </text>
  );
}

export function WaterfallChart({
  baseValue,
  contributions,
  probability,
  threshold,
  title = 'Why: contributions in log-odds',
  maxSteps = DEFAULT_MAX_STEPS,
}: WaterfallChartProps) {
  const waterfall = waterfallSteps({ baseValue, contributions, probability, maxSteps });
  const thresholdAt = threshold === undefined ? null : logit(threshold);
  const domain = domainOf(waterfall, thresholdAt);
  const x = linearScale(domain, [PLOT_LEFT, PLOT_RIGHT]);
  const pxPerUnit = (PLOT_RIGHT - PLOT_LEFT) / (domain[1] - domain[0]);
  const ticks = labelledTicks(domain[0], domain[1], 6);
  const pTicks = probabilityTicks(domain[0], domain[1], 38 / pxPerUnit);

  const rowCount = waterfall.steps.length + 2;
  const rowY = (i: number) => ROWS_TOP + i * ROW;
  const barY = (i: number) => rowY(i) + (ROW - BAR) / 2;
  const plotBottom = rowY(rowCount) + 4;
  const axisLabelY = plotBottom + 38;
  const height = axisLabelY + (waterfall.consistent ? 14 : 50);

  const desc = describe(waterfall, probability, threshold, title);
  const base = x(waterfall.baseValue);
  const out = x(waterfall.output);
  const baseText = logOddsWithProbability(waterfall.baseValue);
  const basePlace = labelPlacement(base - 2, base + 2, baseText, PLOT_LEFT - SPILL, PLOT_RIGHT + SPILL);
  const outText = `${signedLogOdds(waterfall.output)} → ${percent(sigmoid(waterfall.output))}`;
  const outPlace = labelPlacement(out - 6, out + 6, outText, PLOT_LEFT - SPILL, PLOT_RIGHT + SPILL);
  const lastRow = rowCount - 1;

  return (
    <ChartFrame id={chartId('waterfall', desc)} width={WIDTH} height={height} title={title} desc={desc}>
      <g className="legend" fontSize={font.small} fill={colours.ink}>
        <polygon points={arrowPoints(LABEL_X, LABEL_X + 26, 34, 12)} fill={colours.increase} />
        <text x={LABEL_X + 32} y={44}>
          + raises risk
        </text>
        <polygon points={arrowPoints(LABEL_X + 140, LABEL_X + 114, 34, 12)} fill={colours.decrease} />
        <text x={LABEL_X + 146} y={44}>
          − lowers risk
        </text>
        {threshold !== undefined ? (
          <>
            <line
              x1={LABEL_X + 250}
              x2={LABEL_X + 250}
              y1={32}
              y2={48}
              stroke={colours.ink}
              strokeWidth={1.5}
              strokeDasharray="4 3"
            />
            <text x={LABEL_X + 258} y={44}>
              decision threshold
            </text>
          </>
        ) : null}
      </g>

      <VerticalGrid scale={x} ticks={ticks} y0={PROB_AXIS_Y} y1={plotBottom} />
      <HorizontalAxis
        scale={x}
        ticks={pTicks}
        y={PROB_AXIS_Y}
        x0={PLOT_LEFT}
        x1={PLOT_RIGHT}
        side="top"
        name="probability"
        label="Probability at the same position"
      />

      {threshold !== undefined && thresholdAt !== null && Number.isFinite(thresholdAt) ? (
        <g className="threshold">
          <line
            x1={x(thresholdAt)}
            x2={x(thresholdAt)}
            y1={PROB_AXIS_Y}
            y2={plotBottom}
            stroke={colours.ink}
            strokeWidth={1.5}
            strokeDasharray={THRESHOLD_DASH}
          />
          <text
            x={x(thresholdAt)}
            y={PROB_AXIS_Y + 16}
            textAnchor={x(thresholdAt) < PLOT_LEFT + 50 ? 'start' : x(thresholdAt) > PLOT_RIGHT - 50 ? 'end' : 'middle'}
            fontSize={font.small}
            fontWeight={600}
            fill={colours.ink}
            {...halo}
          >
            threshold {percent(threshold)}
          </text>
        </g>
      ) : null}

      <g className="base" data-row="base">
        <RowLabel y={rowY(0) + 15} title="Base value" detail="model average" />
        <line x1={base} x2={base} y1={barY(0) - 2} y2={barY(0) + BAR + 2} stroke={colours.ink} strokeWidth={2.5} />
        <PlotNumber place={basePlace} y={barY(0) + BAR - 3} text={baseText} fill={colours.ink} weight={400} />
      </g>

      {waterfall.steps.map((s, i) => {
        const row = i + 1;
        const dir = direction(s.contribution);
        const colour = directionColour[dir];
        const start = x(s.start);
        const end = x(s.end);
        const text = signedLogOdds(s.contribution);
        const place = labelPlacement(start, end, text, PLOT_LEFT - SPILL, PLOT_RIGHT + SPILL);
        return (
          <g key={s.key} data-row={s.key} data-direction={dir}>
            <RowLabel y={rowY(row) + 15} title={s.label} detail={rowDetail(s)} />
            {/* Dotted connector: this step starts where the previous one ended. */}
            <line
              x1={start}
              x2={start}
              y1={barY(row - 1) + BAR}
              y2={barY(row)}
              stroke={colours.reference}
              strokeWidth={1}
              strokeDasharray="2 2"
            />
            {dir === 'none' ? (
              <line x1={start} x2={start} y1={barY(row)} y2={barY(row) + BAR} stroke={colour} strokeWidth={2} />
            ) : (
              <polygon points={arrowPoints(start, end, barY(row), BAR)} fill={colour} />
            )}
            <PlotNumber place={place} y={barY(row) + BAR - 3.5} text={text} fill={colour} weight={600} />
          </g>
        );
      })}

      <g className="output" data-row="output">
        <RowLabel y={rowY(lastRow) + 15} title="Output" detail={`probability ${percent(sigmoid(waterfall.output))}`} />
        <line
          x1={out}
          x2={out}
          y1={barY(lastRow - 1) + BAR}
          y2={barY(lastRow) + BAR + 2}
          stroke={colours.ink}
          strokeWidth={1.5}
        />
        <circle cx={out} cy={barY(lastRow) + BAR / 2} r={5} fill={colours.ink} />
        <PlotNumber place={outPlace} y={barY(lastRow) + BAR - 3} text={outText} fill={colours.ink} weight={700} />
      </g>

      <HorizontalAxis
        scale={x}
        ticks={ticks}
        y={plotBottom}
        x0={PLOT_LEFT}
        x1={PLOT_RIGHT}
        side="bottom"
        name="log-odds"
        label="Log-odds (contributions add up on this scale)"
      />
      {waterfall.consistent
        ? null
        : mismatchNote(waterfall, probability).map((line, i) => (
            <text
              key={i}
              x={LABEL_X}
              y={axisLabelY + 22 + i * 16}
              fontSize={font.small}
              fontWeight={600}
              fill={colours.warning}
            >
              {line}
            </text>
          ))}
    </ChartFrame>
  );
}
