/**
 * Trend features of the `sepsis` model from a patient's hours so far: per vital sign, change over 1/6/12 h, range
 * over 24 h and deviation from the patient's own baseline; a few clinical ones (shock index trend, SpO₂/FiO₂, SOFA-style
 * organ changes); and, apart, the measurement-habit features (hours since measured, measurements in 24 h).
 */
import type { ChallengeColumn } from './sepsis';

/** One recorded hour: values as measured that hour (NaN or absent = not measured), `ICULOS` the hour. */
export type SepsisTrendHour = Readonly<Partial<Record<ChallengeColumn, number>>>;

/** Physiology (travels between hospitals, by the prior) or measurement habit (hospital practice). */
export type TrendKind = 'physiology' | 'habit';

export interface TrendFeature {
  name: string;
  /** Clinician-readable: "Heart rate, change over 6 h". */
  label: string;
  description: string;
  kind: TrendKind;
}

const VITALS = [
  { column: 'HR', name: 'heart_rate', label: 'Heart rate', unit: 'beats/min' },
  { column: 'O2Sat', name: 'o2_sat', label: 'Pulse oximetry', unit: '%' },
  { column: 'Temp', name: 'temperature', label: 'Temperature', unit: '°C' },
  { column: 'SBP', name: 'sbp', label: 'Systolic blood pressure', unit: 'mm Hg' },
  { column: 'MAP', name: 'map', label: 'Mean arterial pressure', unit: 'mm Hg' },
  { column: 'DBP', name: 'dbp', label: 'Diastolic blood pressure', unit: 'mm Hg' },
  { column: 'Resp', name: 'resp_rate', label: 'Respiration rate', unit: 'breaths/min' },
] as const satisfies readonly { column: ChallengeColumn; name: string; label: string; unit: string }[];

/** Hours over which changes are taken. */
const CHANGE_HOURS = [1, 6, 12] as const;
/** Window of the lowest/highest value and of the measurement count. */
const WINDOW_HOURS = 24;
/** The patient's own baseline: the median of what was measured in the first hours of the stay. */
const BASELINE_HOURS = 6;
/** Window of the SOFA-style laboratory changes (creatinine rise, platelet fall, bilirubin rise). */
const LAB_WINDOW_HOURS = 48;

const physiology = (name: string, label: string, description: string): TrendFeature => ({
  name,
  label,
  description,
  kind: 'physiology',
});

function vitalFeatures(v: (typeof VITALS)[number]): TrendFeature[] {
  const { name, label, unit } = v;
  return [
    ...CHANGE_HOURS.map((h) =>
      physiology(
        `${name}_change_${h}h`,
        `${label}, change over ${h} h`,
        `Latest value minus the value held ${h} h earlier (${unit}); missing when either is unknown.`,
      ),
    ),
    physiology(
      `${name}_min_24h`,
      `${label}, lowest in 24 h`,
      `Lowest value measured in the last ${WINDOW_HOURS} h (${unit}).`,
    ),
    physiology(
      `${name}_max_24h`,
      `${label}, highest in 24 h`,
      `Highest value measured in the last ${WINDOW_HOURS} h (${unit}).`,
    ),
    physiology(
      `${name}_from_baseline`,
      `${label}, change from the patient’s baseline`,
      `Latest value minus the median of the values measured in the stay’s first ${BASELINE_HOURS} h (${unit}); during those hours, the median so far.`,
    ),
  ];
}

function habitFeatures(v: (typeof VITALS)[number]): TrendFeature[] {
  return [
    {
      name: `${v.name}_hours_since`,
      label: `${v.label}, hours since measured`,
      description: 'Hours since the last measurement (0 = measured this hour); missing until first measured.',
      kind: 'habit',
    },
    {
      name: `${v.name}_count_24h`,
      label: `${v.label}, measurements in 24 h`,
      description: `How many hours of the last ${WINDOW_HOURS} h have a measurement.`,
      kind: 'habit',
    },
  ];
}

const CLINICAL: TrendFeature[] = [
  physiology(
    'shock_index_change_6h',
    'Shock index, change over 6 h',
    'Heart rate ÷ systolic pressure now minus 6 h earlier; rising in developing circulatory compromise.',
  ),
  physiology(
    'spo2_fio2_ratio',
    'SpO₂/FiO₂ ratio',
    'Pulse oximetry (%) ÷ fraction of inspired oxygen: the SOFA respiratory component’s bedside proxy (no PaO₂ in the data).',
  ),
  physiology(
    'creatinine_rise_48h',
    'Creatinine, rise over 48 h',
    `Latest creatinine minus the lowest in the last ${LAB_WINDOW_HOURS} h (mg/dL): the SOFA renal component’s change.`,
  ),
  physiology(
    'platelets_fall_48h',
    'Platelets, fall over 48 h',
    `Share by which the latest platelet count is below the highest in the last ${LAB_WINDOW_HOURS} h (0–1): the SOFA coagulation component’s change.`,
  ),
  physiology(
    'bilirubin_rise_48h',
    'Bilirubin, rise over 48 h',
    `Latest total bilirubin minus the lowest in the last ${LAB_WINDOW_HOURS} h (mg/dL): the SOFA liver component’s change.`,
  ),
];

/** Every trend feature, in vector order: the vitals' physiology, the clinical ones, then the habits. */
export const SEPSIS_TREND_FEATURES: readonly TrendFeature[] = [
  ...VITALS.flatMap(vitalFeatures),
  ...CLINICAL,
  ...VITALS.flatMap(habitFeatures),
];

export const SEPSIS_TREND_NAMES: readonly string[] = SEPSIS_TREND_FEATURES.map((f) => f.name);

const NAN = Number.NaN;
const isNaNumber = Number.isNaN;

function valueOf(hour: SepsisTrendHour, column: ChallengeColumn): number {
  const v = hour[column];
  return v === undefined ? NAN : v;
}

/** Index of the latest row at or before `hour`, scanning back from `from`; −1 when none. */
function rowAtOrBefore(hours: readonly SepsisTrendHour[], from: number, hour: number): number {
  for (let i = from; i >= 0; i--) if ((hours[i].ICULOS ?? NAN) <= hour) return i;
  return -1;
}

/** The last value of `column` measured at or before row `i` (carried forward), NaN when never. */
function heldAt(hours: readonly SepsisTrendHour[], i: number, column: ChallengeColumn): number {
  for (let k = i; k >= 0; k--) {
    const v = valueOf(hours[k], column);
    if (!isNaNumber(v)) return v;
  }
  return NAN;
}

function median(values: number[]): number {
  if (values.length === 0) return NAN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Lowest and highest value of `column` measured in rows whose hour is > `after`, scanning back from row `i`. */
function extremes(
  hours: readonly SepsisTrendHour[],
  i: number,
  column: ChallengeColumn,
  after: number,
): { min: number; max: number; count: number } {
  let min = NAN;
  let max = NAN;
  let count = 0;
  for (let k = i; k >= 0 && (hours[k].ICULOS ?? NAN) > after; k--) {
    const v = valueOf(hours[k], column);
    if (isNaNumber(v)) continue;
    count++;
    if (!(v >= min)) min = v;
    if (!(v <= max)) max = v;
  }
  return { min, max, count };
}

function ratio(a: number, b: number): number {
  return !isNaNumber(a) && !isNaNumber(b) && b > 0 ? a / b : NAN;
}

/**
 * The trend vector (SEPSIS_TREND_NAMES order) at row `at` of a patient's hours, reading only rows 0…`at` (nothing
 * from later hours). Rows are one patient's, in increasing ICULOS; values outside plausible ranges should already be
 * blanked. A single hour with no history is a valid course: changes and baseline deviations are missing (the model
 * routes them down the learned missing branch), ranges hold that hour's values.
 */
export function sepsisTrendsAt(hours: readonly SepsisTrendHour[], at: number): Float64Array {
  if (at < 0 || at >= hours.length) throw new RangeError(`hour index ${at} outside 0…${hours.length - 1}`);
  const out = new Float64Array(SEPSIS_TREND_NAMES.length);
  const now = hours[at].ICULOS ?? NAN;
  const first = hours[0].ICULOS ?? NAN;
  let j = 0;
  const physiologyOf = VITALS.map((v) => {
    const latest = heldAt(hours, at, v.column);
    for (const h of CHANGE_HOURS) {
      const before = rowAtOrBefore(hours, at, now - h);
      out[j++] = before < 0 ? NAN : latest - heldAt(hours, before, v.column);
    }
    const range = extremes(hours, at, v.column, now - WINDOW_HOURS);
    out[j++] = range.min;
    out[j++] = range.max;
    const baseline: number[] = [];
    for (let k = 0; k <= at && (hours[k].ICULOS ?? NAN) < first + BASELINE_HOURS; k++) {
      const value = valueOf(hours[k], v.column);
      if (!isNaNumber(value)) baseline.push(value);
    }
    out[j++] = latest - median(baseline);
    return { latest, count: range.count };
  });

  const shockIndex = (i: number) => ratio(heldAt(hours, i, 'HR'), heldAt(hours, i, 'SBP'));
  const sixBefore = rowAtOrBefore(hours, at, now - 6);
  out[j++] = sixBefore < 0 ? NAN : shockIndex(at) - shockIndex(sixBefore);
  out[j++] = ratio(heldAt(hours, at, 'O2Sat'), heldAt(hours, at, 'FiO2'));
  const lab = (column: ChallengeColumn) => ({
    latest: heldAt(hours, at, column),
    ...extremes(hours, at, column, now - LAB_WINDOW_HOURS),
  });
  const creatinine = lab('Creatinine');
  out[j++] = creatinine.latest - creatinine.min;
  const platelets = lab('Platelets');
  out[j++] = platelets.max > 0 ? (platelets.max - platelets.latest) / platelets.max : NAN;
  const bilirubin = lab('Bilirubin_total');
  out[j++] = bilirubin.latest - bilirubin.min;

  VITALS.forEach((v, i) => {
    let since = NAN;
    for (let k = at; k >= 0; k--) {
      if (!isNaNumber(valueOf(hours[k], v.column))) {
        since = now - (hours[k].ICULOS ?? NAN);
        break;
      }
    }
    out[j++] = since;
    out[j++] = physiologyOf[i].count;
  });
  return out;
}

/** The trend vector of every hour of a patient's stay, each from the hours up to it. */
export function sepsisTrends(hours: readonly SepsisTrendHour[]): Float64Array[] {
  return hours.map((_, at) => sepsisTrendsAt(hours, at));
}
