/** How numbers, probabilities and times read on every page: one place, so every view agrees. */

/** A probability as a percentage to three significant digits, so a small threshold (2.75%) keeps its digits. */
export function percent(p: number, significant = 3): string {
  if (!Number.isFinite(p)) return '–';
  const pct = p * 100;
  return pct >= 100 ? '100%' : `${pct.toPrecision(significant)}%`;
}

/**
 * Two probabilities with as many digits as it takes for unequal values to read differently: "33.36%
 * is below the threshold of 33.37%", never "33.4% is below 33.4%".
 */
export function distinctPercents(a: number, b: number): [string, string] {
  for (let digits = 3; digits < 8; digits++) {
    const pair: [string, string] = [percent(a, digits), percent(b, digits)];
    if (a === b || pair[0] !== pair[1]) return pair;
  }
  return [percent(a, 8), percent(b, 8)];
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

/** A feature value as entered, with its unit as clinicians write it; null reads "missing". */
export function featureValue(value: number | null, unit?: string | null): string {
  if (value === null) return 'missing';
  const text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return withUnit(text, unit);
}

/** A number with its unit as clinicians write it: "98 mmHg", but "95%" and "112/min" (a unit read as "per …"). */
export function withUnit(text: string, unit: string | null | undefined): string {
  const spelled = clinicalUnit(unit ?? null);
  if (!spelled) return text;
  return /^[%/]/.test(spelled) ? `${text}${spelled}` : `${text} ${spelled}`;
}

/**
 * A computed feature's value (a ratio, a difference, a count) to three significant digits: "1.28", not the float32
 * "1.28261"; from 100 on, a whole number. Inputs keep the digits they were sent with (featureValue).
 */
export function computedValue(value: number | null, unit?: string | null): string {
  if (value === null) return 'missing';
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3));
  return withUnit(String(rounded), unit);
}

/**
 * Units spelled as clinicians write them on a chart. The spelling only: each stands for the same quantity on the same
 * scale as the card's unit, so a value typed against either means the same.
 */
const CLINICAL_SPELLING: Readonly<Record<string, string>> = {
  'mm Hg': 'mmHg',
  'beats/min': '/min',
  'breaths/min': '/min',
  '10^3/µL': '×10³/µL',
};

/** A card's unit as a clinician writes it ("mm Hg" → "mmHg", "beats/min" → "/min"); other units as they are. */
export function clinicalUnit(unit: string | null): string | null {
  return unit === null ? null : (CLINICAL_SPELLING[unit] ?? unit);
}

/** A probability as a multiple of a base rate, to two significant digits below 10: "≈ 4.1×", "≈ 0.42×", "≈ 12×". */
export function timesBaseRate(probability: number, baseRate: number): string {
  const ratio = probability / baseRate;
  if (!Number.isFinite(ratio)) return '–';
  return `≈ ${ratio >= 10 ? Math.round(ratio) : Number(ratio.toPrecision(2))}×`;
}

/** A text as a sentence: a full stop added unless it already ends with one (or with ! or ?). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** An instant in UTC, to the second: audit views must not depend on the reader's time zone. */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Minutes from admission as "+HH:MM" (hours may pass 24: "+47:30"), the challenge's record-file clock. */
export function fromAdmission(minutes: number): string {
  const whole = Math.round(minutes);
  const h = Math.floor(whole / 60);
  const m = whole - h * 60;
  return `+${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
