/** Pure chart geometry: linear scales, nice ticks and the log-odds ↔ probability conversions. */

export type Domain = readonly [number, number];

/** Maps domain linearly onto range; a zero-width domain maps to the middle of the range instead of dividing by zero. */
export function linearScale(domain: Domain, range: Domain): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over [min, max] (d3's thresholds: √50, √10, √2). */
export function tickStep(min: number, max: number, count: number): number {
  const raw = Math.abs(max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 0;
  const power = 10 ** Math.floor(Math.log10(raw));
  const error = raw / power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1;
  return factor * power;
}

/** Decimal places a tick step needs (0.05 → 2, 5 → 0). */
export function stepDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** Ticks at multiples of a nice step inside [min, max], rounded so that 0.1 + 0.2 reads 0.3. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  const [lo, hi] = min <= max ? [min, max] : [max, min];
  if (lo === hi) return [lo];
  const step = tickStep(lo, hi, count);
  const decimals = stepDecimals(step);
  // The epsilon keeps a bound that is itself a multiple of the step (e.g. 1.0000000000000002) as a tick.
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)) || 0);
  return ticks;
}

/** [min, max] widened outwards to multiples of the tick step, so the axis ends on a labelled tick. */
export function niceExtent(min: number, max: number, count = 5): [number, number] {
  const step = tickStep(min, max, count);
  if (step === 0) return [min, max];
  const decimals = stepDecimals(step);
  return [
    Number((Math.floor(min / step + 1e-9) * step).toFixed(decimals)) || 0,
    Number((Math.ceil(max / step - 1e-9) * step).toFixed(decimals)) || 0,
  ];
}

/**
 * A tick label with the decimals its step needs and a true minus sign (U+2212), as the rest of the dashboard writes it.
 */
export function formatTick(value: number, step: number): string {
  const text = value.toFixed(stepDecimals(step));
  return Number(text) === 0 ? text.replace('-', '') : text.replace('-', '−');
}

/** Log-odds of a probability: ±Infinity at 0 and 1, NaN outside [0, 1]; log1p keeps digits near p = 0. */
export function logit(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  return Math.log(p) - Math.log1p(-p);
}

/**
 * Probability of a log-odds value; the branch on the sign keeps exp() from overflowing and tiny results from
 * underflowing early.
 */
export function sigmoid(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** A tick with its label, as axes draw it. */
export interface Tick {
  value: number;
  label: string;
}

/** Nice ticks over [min, max], labelled with the decimals their step needs. */
export function labelledTicks(min: number, max: number, count = 5): Tick[] {
  const values = niceTicks(min, max, count);
  const step = values.length > 1 ? values[1] - values[0] : tickStep(min, max, count);
  return values.map((value) => ({ value, label: formatTick(value, step) }));
}

/**
 * The probabilities readers know, tried first; finer ones fill in only when a narrow axis would otherwise show fewer
 * than three.
 */
export const PROBABILITY_TICKS = [
  0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999,
] as const;
const FINER_PROBABILITY_TICKS = [
  0.02, 0.03, 0.15, 0.2, 0.3, 0.35, 0.4, 0.45, 0.55, 0.6, 0.65, 0.7, 0.8, 0.85, 0.97, 0.98,
] as const;

/** "1%", "2.5%", "0.1%": a probability tick as a percentage with no trailing zeros. */
export function probabilityLabel(p: number): string {
  return `${Number((p * 100).toPrecision(3))}%`;
}

/**
 * Probability ticks for a log-odds axis: each placed at logit(p) inside [min, max], and at least minGap (log-odds) from
 * every tick chosen before it, so labels do not overprint. Sorted by position.
 */
export function probabilityTicks(min: number, max: number, minGap = 0): Tick[] {
  const chosen: number[] = [];
  const tryAdd = (p: number) => {
    const at = logit(p);
    if (at < min || at > max) return;
    if (chosen.some((q) => Math.abs(logit(q) - at) < minGap)) return;
    chosen.push(p);
  };
  PROBABILITY_TICKS.forEach(tryAdd);
  if (chosen.length < 3) FINER_PROBABILITY_TICKS.forEach(tryAdd);
  return chosen.sort((a, b) => a - b).map((p) => ({ value: logit(p), label: probabilityLabel(p) }));
}
