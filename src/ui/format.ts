/** How numbers, probabilities and times read on every page: one place, so every view agrees. */

/** A probability as a percentage, with more digits where small values would otherwise all read "0%". */
export function percent(p: number): string {
  if (!Number.isFinite(p)) return '–';
  const pct = p * 100;
  const digits = pct !== 0 && Math.abs(pct) < 1 ? 2 : 1;
  return `${pct.toFixed(digits)}%`;
}

/** A metric estimate with its 95% interval, e.g. "0.796 (0.738–0.846)". */
export function withInterval(i: { estimate: number; lower: number; upper: number }, digits = 3): string {
  return `${i.estimate.toFixed(digits)} (${i.lower.toFixed(digits)}–${i.upper.toFixed(digits)})`;
}

/** Just the 95% interval, e.g. "0.738–0.846". */
export function interval(i: { lower: number; upper: number }, digits = 3): string {
  return `${i.lower.toFixed(digits)}–${i.upper.toFixed(digits)}`;
}

/** A log-odds contribution with its sign, e.g. "+0.42" or "−0.07" (a true minus sign). */
export function signedLogOdds(x: number, digits = 2): string {
  const text = Math.abs(x).toFixed(digits);
  if (Number(text) === 0) return `±${text}`;
  return `${x > 0 ? '+' : '−'}${text}`;
}

/** A feature value as entered, with its unit; null reads "missing". */
export function featureValue(value: number | null, unit?: string | null): string {
  if (value === null) return 'missing';
  const text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return unit ? `${text} ${unit}` : text;
}

/** An instant in UTC, to the second: audit views must not depend on the reader's time zone. */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
