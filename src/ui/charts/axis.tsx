/** Axes drawn the same way on every chart: a base line, outward tick marks, tick labels and a visible axis title. */
import { colours, font } from './chart-theme';
import type { Tick } from './scale';

interface HorizontalAxisProps {
  scale: (value: number) => number;
  ticks: readonly Tick[];
  /** y of the axis line. */
  y: number;
  x0: number;
  x1: number;
  label?: string;
  /** 'bottom' draws ticks and labels below the line, 'top' above it. */
  side: 'bottom' | 'top';
  /** What the axis measures, as data-axis: lets tests (and styles) tell a chart's two scales apart. */
  name?: string;
}

export function HorizontalAxis({ scale, ticks, y, x0, x1, label, side, name }: HorizontalAxisProps) {
  const dir = side === 'bottom' ? 1 : -1;
  return (
    <g className="axis" data-axis={name} fontSize={font.tick} fill={colours.muted}>
      <line x1={x0} x2={x1} y1={y} y2={y} stroke={colours.axis} strokeWidth={1} />
      {ticks.map((t) => {
        const x = scale(t.value);
        return (
          <g key={`${t.value}`}>
            <line x1={x} x2={x} y1={y} y2={y + 5 * dir} stroke={colours.axis} strokeWidth={1} />
            <text
              x={x}
              y={side === 'bottom' ? y + 18 : y - 9}
              textAnchor="middle"
              style={{ fontVariantNumeric: 'tabular-nums' }}
            >
              {t.label}
            </text>
          </g>
        );
      })}
      {label ? (
        <text
          x={(x0 + x1) / 2}
          y={side === 'bottom' ? y + 38 : y - 28}
          textAnchor="middle"
          fontSize={font.label}
          fill={colours.ink}
        >
          {label}
        </text>
      ) : null}
    </g>
  );
}

interface VerticalAxisProps {
  scale: (value: number) => number;
  ticks: readonly Tick[];
  /** x of the axis line (ticks and labels go to its left). */
  x: number;
  y0: number;
  y1: number;
  label?: string;
  name?: string;
}

export function LeftAxis({ scale, ticks, x, y0, y1, label, name }: VerticalAxisProps) {
  const labelX = x - 44;
  const labelY = (y0 + y1) / 2;
  return (
    <g className="axis" data-axis={name} fontSize={font.tick} fill={colours.muted}>
      <line x1={x} x2={x} y1={y0} y2={y1} stroke={colours.axis} strokeWidth={1} />
      {ticks.map((t) => {
        const y = scale(t.value);
        return (
          <g key={`${t.value}`}>
            <line x1={x - 5} x2={x} y1={y} y2={y} stroke={colours.axis} strokeWidth={1} />
            <text x={x - 8} y={y + 4} textAnchor="end" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {t.label}
            </text>
          </g>
        );
      })}
      {label ? (
        <text
          x={labelX}
          y={labelY}
          textAnchor="middle"
          fontSize={font.label}
          fill={colours.ink}
          transform={`rotate(-90 ${labelX} ${labelY})`}
        >
          {label}
        </text>
      ) : null}
    </g>
  );
}

/** Light grid lines at tick positions, behind the data. */
export function VerticalGrid({
  scale,
  ticks,
  y0,
  y1,
}: {
  scale: (value: number) => number;
  ticks: readonly Tick[];
  y0: number;
  y1: number;
}) {
  return (
    <g className="grid" aria-hidden="true">
      {ticks.map((t) => (
        <line
          key={`${t.value}`}
          x1={scale(t.value)}
          x2={scale(t.value)}
          y1={y0}
          y2={y1}
          stroke={colours.grid}
          strokeWidth={1}
        />
      ))}
    </g>
  );
}

export function HorizontalGrid({
  scale,
  ticks,
  x0,
  x1,
}: {
  scale: (value: number) => number;
  ticks: readonly Tick[];
  x0: number;
  x1: number;
}) {
  return (
    <g className="grid" aria-hidden="true">
      {ticks.map((t) => (
        <line
          key={`${t.value}`}
          x1={x0}
          x2={x1}
          y1={scale(t.value)}
          y2={scale(t.value)}
          stroke={colours.grid}
          strokeWidth={1}
        />
      ))}
    </g>
  );
}
