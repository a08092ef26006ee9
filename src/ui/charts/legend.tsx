/** Legend entries and series markers: each series differs in dash pattern and marker shape as well as colour. */
import { colours, font, type MarkerShape } from './chart-theme';

/** Hollow markers stay readable where points of two series coincide. */
export function SeriesMarker({
  shape,
  x,
  y,
  r,
  colour,
  hollow = false,
}: {
  shape: MarkerShape;
  x: number;
  y: number;
  r: number;
  colour: string;
  hollow?: boolean;
}) {
  const common = hollow
    ? { fill: colours.background, fillOpacity: 0.6, stroke: colour, strokeWidth: 2 }
    : { fill: colour, stroke: colours.background, strokeWidth: 1 };
  switch (shape) {
    case 'circle':
      return <circle cx={x} cy={y} r={r} {...common} />;
    case 'square':
      return <rect x={x - r * 0.9} y={y - r * 0.9} width={r * 1.8} height={r * 1.8} {...common} />;
    case 'diamond':
      return (
        <polygon
          points={`${x},${y - r * 1.2} ${x + r * 1.2},${y} ${x},${y + r * 1.2} ${x - r * 1.2},${y}`}
          {...common}
        />
      );
    case 'triangle':
      return (
        <polygon
          points={`${x},${y - r * 1.2} ${x + r * 1.1},${y + r * 0.9} ${x - r * 1.1},${y + r * 0.9}`}
          {...common}
        />
      );
  }
}

export interface LegendEntry {
  key: string;
  text: string;
  colour: string;
  dash: string | undefined;
  marker?: MarkerShape;
  hollow?: boolean;
  strokeWidth?: number;
}

/** One entry per line, so long series names never collide. */
export function Legend({
  entries,
  x,
  y,
  lineHeight = 19,
}: {
  entries: readonly LegendEntry[];
  x: number;
  y: number;
  lineHeight?: number;
}) {
  return (
    <g className="legend" fontSize={font.label}>
      {entries.map((e, i) => {
        const cy = y + i * lineHeight;
        return (
          <g key={e.key}>
            <line
              x1={x}
              x2={x + 30}
              y1={cy}
              y2={cy}
              stroke={e.colour}
              strokeWidth={e.strokeWidth ?? 2.5}
              strokeDasharray={e.dash}
            />
            {e.marker ? (
              <SeriesMarker shape={e.marker} x={x + 15} y={cy} r={4} colour={e.colour} hollow={e.hollow} />
            ) : null}
            <text x={x + 38} y={cy + 4} fill={colours.ink}>
              {e.text}
            </text>
          </g>
        );
      })}
    </g>
  );
}
