/**
 * A plot on the unit square [0,1]×[0,1] with its dotted diagonal: the geometry and the grid, diagonal and axes drawn
 * around its series (ROC curve, calibration plot).
 */
import type { ReactNode } from 'react';
import { HorizontalAxis, HorizontalGrid, LeftAxis, VerticalGrid } from './axis';
import { colours, referenceDash } from './chart-theme';
import type { LegendEntry } from './legend';
import { labelledTicks, linearScale, type Tick } from './scale';

/** The chart's width; the square starts PLOT.left from the left edge and PLOT.top from the top. */
export const UNIT_SQUARE_WIDTH = 460;
const PLOT = { left: 64, top: 40, size: 360 };

/** Where the square sits in the chart, and its two scales from [0,1] to pixels (y grows upwards). */
export interface UnitSquare {
  x0: number;
  x1: number;
  yTop: number;
  yBottom: number;
  x: (value: number) => number;
  y: (value: number) => number;
  ticks: readonly Tick[];
}

export function unitSquare(): UnitSquare {
  const x0 = PLOT.left;
  const x1 = PLOT.left + PLOT.size;
  const yTop = PLOT.top;
  const yBottom = PLOT.top + PLOT.size;
  return {
    x0,
    x1,
    yTop,
    yBottom,
    x: linearScale([0, 1], [x0, x1]),
    y: linearScale([0, 1], [yBottom, yTop]),
    ticks: labelledTicks(0, 1, 5),
  };
}

/** A value held to the square, so a rounding error past 0 or 1 is not drawn outside it. */
export const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** An SVG path through points given in the square's units, in the order given. */
export function unitSquarePath(square: UnitSquare, points: readonly (readonly [number, number])[]): string {
  return points
    .map(
      ([px, py], j) => `${j === 0 ? 'M' : 'L'}${square.x(clamp01(px)).toFixed(2)},${square.y(clamp01(py)).toFixed(2)}`,
    )
    .join('');
}

/** The diagonal's entry in a chart's legend, drawn as the diagonal is. */
export function diagonalLegendEntry(key: string, text: string): LegendEntry {
  return { key, text, colour: colours.reference, dash: referenceDash, strokeWidth: 1.5 };
}

interface AxisNames {
  /** data-axis of the axis, for tests and styles. */
  name: string;
  label: string;
}

/** Grid and diagonal behind the series (`children`), axes in front of them. */
export function UnitSquarePlot({
  square,
  xAxis,
  yAxis,
  children,
}: {
  square: UnitSquare;
  xAxis: AxisNames;
  yAxis: AxisNames;
  children: ReactNode;
}) {
  const { x0, x1, yTop, yBottom, x, y, ticks } = square;
  return (
    <>
      <VerticalGrid scale={x} ticks={ticks} y0={yTop} y1={yBottom} />
      <HorizontalGrid scale={y} ticks={ticks} x0={x0} x1={x1} />
      <line
        x1={x(0)}
        y1={y(0)}
        x2={x(1)}
        y2={y(1)}
        stroke={colours.reference}
        strokeWidth={1.5}
        strokeDasharray={referenceDash}
      />
      {children}
      <HorizontalAxis
        scale={x}
        ticks={ticks}
        y={yBottom}
        x0={x0}
        x1={x1}
        side="bottom"
        name={xAxis.name}
        label={xAxis.label}
      />
      <LeftAxis scale={y} ticks={ticks} x={x0} y0={yTop} y1={yBottom} name={yAxis.name} label={yAxis.label} />
    </>
  );
}
