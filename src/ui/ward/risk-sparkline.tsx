/**
 * Sepsis risk over a stay's last hours as a small SVG line with the model's threshold dashed across it: shared chart
 * geometry (scale.ts), no chart library. The accessible name says in words what the line shows.
 */
import { linearScale } from '@/ui/charts/scale';
import { colours } from '@/ui/charts/chart-theme';
import { percent } from '@/ui/format';

export const SPARKLINE_WIDTH = 120;
export const SPARKLINE_HEIGHT = 32;
const PAD = 3;

export interface SparklineProps {
  points: readonly { hour: number; probability: number }[];
  threshold: number;
  /** The hours the x axis spans, ending at the latest hour (24 on the board). */
  spanHours: number;
}

/** The line's geometry, apart so a test can pin it: x by hour over the span, y from 0 to above the highest value. */
export function sparklineGeometry({ points, threshold, spanHours }: SparklineProps) {
  const last = points.at(-1)?.hour ?? spanHours;
  const x = linearScale([last - spanHours + 1, last], [PAD, SPARKLINE_WIDTH - PAD]);
  const top = Math.max(threshold, ...points.map((p) => p.probability)) * 1.15;
  const y = linearScale([0, top], [SPARKLINE_HEIGHT - PAD, PAD]);
  return {
    line: points.map((p) => `${x(p.hour).toFixed(1)},${y(p.probability).toFixed(1)}`).join(' '),
    // One decimal of a pixel is all a 120 × 32 drawing can show; 200 of them on the board, each digit costs.
    thresholdY: Number(y(threshold).toFixed(1)),
    last:
      points.length > 0
        ? { x: Number(x(last).toFixed(1)), y: Number(y(points[points.length - 1].probability).toFixed(1)) }
        : null,
  };
}

export function describeSparkline({ points, threshold }: SparklineProps): string {
  if (points.length === 0) return 'Sepsis risk: not scored yet';
  const first = points[0];
  const last = points[points.length - 1];
  const above = points.filter((p) => p.probability >= threshold).length;
  return (
    `Sepsis risk from ${percent(first.probability)} at hour ${first.hour} to ${percent(last.probability)} at hour ` +
    `${last.hour}; threshold ${percent(threshold)}; ${above} of ${points.length} hours at or above it`
  );
}

export function RiskSparkline(props: SparklineProps) {
  const { line, thresholdY, last } = sparklineGeometry(props);
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={describeSparkline(props)}
      width={SPARKLINE_WIDTH}
      height={SPARKLINE_HEIGHT}
      viewBox={`0 0 ${SPARKLINE_WIDTH} ${SPARKLINE_HEIGHT}`}
    >
      <line
        x1={PAD}
        x2={SPARKLINE_WIDTH - PAD}
        y1={thresholdY}
        y2={thresholdY}
        stroke={colours.warning}
        strokeDasharray="3 2"
        strokeWidth={1}
      />
      {props.points.length > 1 ? <polyline points={line} fill="none" stroke={colours.bar} strokeWidth={1.5} /> : null}
      {last ? <circle cx={last.x} cy={last.y} r={2.5} fill={colours.bar} /> : null}
    </svg>
  );
}
