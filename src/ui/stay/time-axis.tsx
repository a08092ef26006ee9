/**
 * The stay page's one time axis: every chart of a stay maps hours since admission to the same x, so the small multiples
 * line up hour under hour; with the chosen hour shaded in each.
 */
import { HorizontalAxis, VerticalGrid } from '../charts/axis';
import { labelledTicks, linearScale, type Tick } from '../charts/scale';

export const STAY_CHART_WIDTH = 720;
export const PLOT_LEFT = 76;
export const PLOT_RIGHT = STAY_CHART_WIDTH - 24;
/** The chosen hour's band: pale enough for every series colour to keep its contrast on it. */
export const SELECTED_HOUR_FILL = '#fdf1c7';

export interface TimeAxis {
  /** The axis runs from admission (0) to the end of `lastHour`. */
  lastHour: number;
  x: (hours: number) => number;
  ticks: Tick[];
}

export function timeAxis(lastHour: number): TimeAxis {
  const end = Math.max(1, lastHour);
  return {
    lastHour: end,
    x: linearScale([0, end], [PLOT_LEFT, PLOT_RIGHT]),
    // Whole hours only: a short stay's axis reads 0, 1, 2, 3, not 0.5 steps of an hour no assessment has.
    ticks: labelledTicks(0, end, Math.min(8, end)),
  };
}

/** The axis under a plot, with grid lines above it and the chosen hour (h−1, h] shaded. */
export function TimeAxisLayer({
  axis,
  top,
  bottom,
  selectedHour,
  label = true,
}: {
  axis: TimeAxis;
  top: number;
  bottom: number;
  selectedHour: number | null;
  label?: boolean;
}) {
  return (
    <>
      {selectedHour !== null && selectedHour <= axis.lastHour ? (
        <rect
          className="selected-hour"
          data-hour={selectedHour}
          x={axis.x(selectedHour - 1)}
          width={axis.x(selectedHour) - axis.x(selectedHour - 1)}
          y={top}
          height={bottom - top}
          fill={SELECTED_HOUR_FILL}
        />
      ) : null}
      <VerticalGrid scale={axis.x} ticks={axis.ticks} y0={top} y1={bottom} />
      <HorizontalAxis
        scale={axis.x}
        ticks={axis.ticks}
        y={bottom}
        x0={PLOT_LEFT}
        x1={PLOT_RIGHT}
        side="bottom"
        name="hours"
        label={label ? 'Hours since admission' : undefined}
      />
    </>
  );
}
