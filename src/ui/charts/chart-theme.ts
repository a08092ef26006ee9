/** One visual language for every chart: colours, fonts, sizes and series styles, matching globals.css. */

/** Text colours pass 4.5:1 on white (ink ≈ 16:1, muted ≈ 7.6:1); grid and reference lines carry no text. */
export const colours = {
  ink: '#1a1f29',
  muted: '#4a5361',
  axis: '#4a5361',
  grid: '#e3e7ec',
  reference: '#6b7280',
  background: '#ffffff',
  /** Waterfall steps: red raises risk, blue lowers it (not red/green, which many readers cannot tell apart). */
  increase: '#b3261e',
  decrease: '#0b5cad',
  neutral: '#4a5361',
  bar: '#0b5cad',
  warning: '#b3261e',
} as const;

export const font = {
  family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  title: 15,
  label: 12.5,
  tick: 11.5,
  small: 11,
} as const;

export type MarkerShape = 'circle' | 'square' | 'diamond' | 'triangle';

export interface SeriesStyle {
  colour: string;
  /** stroke-dasharray; each series differs in dash and marker as well as colour. */
  dash: string | undefined;
  marker: MarkerShape;
}

/** Series 0 is the shipped model (solid), later ones are comparisons; colours also pass 4.5:1 as text. */
export const seriesStyles: readonly SeriesStyle[] = [
  { colour: '#0b5cad', dash: undefined, marker: 'circle' },
  { colour: '#8a5300', dash: '7 4', marker: 'square' },
  { colour: '#6a3d9a', dash: '2 3', marker: 'diamond' },
  { colour: '#1d6b36', dash: '9 3 2 3', marker: 'triangle' },
];

export function seriesStyle(index: number): SeriesStyle {
  return seriesStyles[index % seriesStyles.length];
}

/** Dotted, so the reference line (chance, perfect calibration) never looks like a series. */
export const referenceDash = '2 4';

/**
 * Rendered text cannot be measured on the server: an average glyph width of the system sans fonts, generous so labels
 * are not clipped.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  return Array.from(text).length * fontSize * 0.58;
}

/**
 * Charts are drawn in viewBox units and scale with their container: beyond maxScale text grows oversized, below
 * minScale it is too small to read.
 */
export const maxScale = 1.25;
export const minScale = 0.7;
