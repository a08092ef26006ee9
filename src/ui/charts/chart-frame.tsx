/**
 * The accessible, responsive <svg> every chart renders into: role="img", named by its <title>, described by its <desc>.
 */
import type { ReactNode } from 'react';
import { colours, font, maxScale, minScale } from './chart-theme';

export interface ChartFrameProps {
  id: string;
  width: number;
  height: number;
  title: string;
  /** The data in words: what a screen reader announces, since role="img" hides the drawing's parts. */
  desc: string;
  children: ReactNode;
}

export function ChartFrame({ id, width, height, title, desc, children }: ChartFrameProps) {
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <svg
      id={id}
      role="img"
      aria-labelledby={titleId}
      aria-describedby={descId}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      // Height follows the viewBox's aspect ratio; text stays between minScale and maxScale × its design size
      // (below the minimum width a wrapper with overflow-x: auto scrolls instead of shrinking the text further).
      style={{
        display: 'block',
        height: 'auto',
        minWidth: `${Math.round(width * minScale)}px`,
        maxWidth: `${Math.round(width * maxScale)}px`,
      }}
      fontFamily={font.family}
      fill={colours.ink}
    >
      <title id={titleId}>{title}</title>
      <desc id={descId}>{desc}</desc>
      <rect x={0} y={0} width={width} height={height} fill={colours.background} />
      {/* The visible title: the <title> element only shows as a tooltip. */}
      <text x={8} y={20} fontSize={font.title} fontWeight={700} fill={colours.ink}>
        {title}
      </text>
      {children}
    </svg>
  );
}
