/** The PhysioNet/CinC 2019 normalized utility score, as the official evaluate_sepsis_score.py computes it. */
import { MetricInputError } from './metric-input';

/*
 * Reference: physionetchallenges/evaluation-2019 @ 4edb43177ee7d89dc86ab211705753c2d27b71e4,
 * evaluate_sepsis_score.py (compute_prediction_utility and the normalization in evaluate_sepsis_score).
 * Rows are hours, indexed 0..n−1 within a patient. The challenge shifted SepsisLabel 6 h early, so the script
 * recovers onset as t_sepsis = (first row with label 1) − dt_optimal = first + 6, and every reward is a
 * function of t − t_sepsis. The arithmetic below performs the same floating-point operations in the same
 * order, and sums with numpy's pairwise summation, so results match the script bit for bit.
 */

const DT_EARLY = -12;
const DT_OPTIMAL = -6;
const DT_LATE = 3;
const MAX_U_TP = 1;
const MIN_U_FN = -2;
const U_FP = -0.05;
const U_TN = 0;

// The script's lines of the form u = m·t + b, kept in its exact form (e.g. b_1 = −m_1·dt_early) for identical rounding.
const M_1 = MAX_U_TP / (DT_OPTIMAL - DT_EARLY);
const B_1 = -M_1 * DT_EARLY;
const M_2 = -MAX_U_TP / (DT_LATE - DT_OPTIMAL);
const B_2 = -M_2 * DT_LATE;
const M_3 = MIN_U_FN / (DT_LATE - DT_OPTIMAL);
const B_3 = -M_3 * DT_OPTIMAL;
// The script's check_errors also asserts dt_early < dt_optimal < dt_late; with these constants it always holds.

/** Default candidate thresholds for bestUtilityThreshold: 0.01, 0.02, …, 0.99 (each k/100, not accumulated). */
export const UTILITY_THRESHOLD_GRID: readonly number[] = Array.from({ length: 99 }, (_, k) => (k + 1) / 100);

export interface PatientSeries {
  /** SepsisLabel per hour (0/1), in hour order. */
  labels: ArrayLike<number>;
  /** Per hour: binary alarms for the utility functions, or probabilities when grouped for thresholding. */
  predictions: ArrayLike<number>;
}

export interface GroupedPatient extends PatientSeries {
  group: number;
}

export interface UtilityScore {
  /**
   * (observed − inaction) / (best − inaction): 1 for optimal alarms, 0 for none.
   * Without septic patients best = inaction and, as in the script, the result is NaN or ±Infinity.
   */
  normalized: number;
  observed: number;
  /** Utility of alarming exactly on [t_sepsis − 12, t_sepsis + 3] (clipped to the stay). */
  best: number;
  /** Utility of never alarming. */
  inaction: number;
}

export interface AlarmSummary {
  septicPatients: number;
  nonSepticPatients: number;
  /** Fraction of septic patients with an alarm at any hour; null without septic patients. */
  septicAlarmedAnyTime: number | null;
  /**
   * Fraction of septic patients with an alarm at some hour in [t_sepsis − 12, t_sepsis + 3]; null if no septic patient.
   */
  septicAlarmedInWindow: number | null;
  /** Median over alarmed septic patients of t_sepsis − (hour of their first alarm, at any time); negative means after
   *  onset; null if no septic patient was alarmed. */
  medianLeadHours: number | null;
  /** Fraction of non-septic patients with an alarm at any hour; null without non-septic patients. */
  nonSepticAlarmedAnyTime: number | null;
  /** Alarm hours of non-septic patients per 24 of their hours (pooled over patients); null without non-septic hours. */
  falseAlarmHoursPerPatientDay: number | null;
}

export interface ThresholdChoice {
  /** The candidate with the highest normalized utility (ties: the smallest); NaN when no candidate scores finitely. */
  threshold: number;
  normalized: number;
  /** Normalized utility for every candidate, in the order given. */
  curve: { threshold: number; normalized: number }[];
}

/**
 * np.sum of a contiguous float64 vector: pairwise summation with 8 accumulators in blocks of at most 128
 * (numpy's pairwise_sum). Checked bit-exact against numpy for lengths 1–300 and up to 40,000.
 */
function numpySum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start];
    let r1 = a[start + 1];
    let r2 = a[start + 2];
    let r3 = a[start + 3];
    let r4 = a[start + 4];
    let r5 = a[start + 5];
    let r6 = a[start + 6];
    let r7 = a[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      r0 += a[start + i];
      r1 += a[start + i + 1];
      r2 += a[start + i + 2];
      r3 += a[start + i + 3];
      r4 += a[start + i + 4];
      r5 += a[start + i + 5];
      r6 += a[start + i + 6];
      r7 += a[start + i + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, start, n2) + numpySum(a, start + n2, n - n2);
}

/** The body of the script's loop over t: the reward of hour t given onset and whether an alarm was raised. */
function hourUtility(t: number, tSepsis: number, septic: boolean, alarm: boolean): number {
  if (!(t <= tSepsis + DT_LATE)) return 0;
  if (septic && alarm) {
    return t <= tSepsis + DT_OPTIMAL ? Math.max(M_1 * (t - tSepsis) + B_1, U_FP) : M_2 * (t - tSepsis) + B_2;
  }
  if (!septic && alarm) return U_FP;
  if (septic && !alarm) return t <= tSepsis + DT_OPTIMAL ? 0 : M_3 * (t - tSepsis) + B_3;
  return U_TN;
}

/** First row with label 1 (np.argmax), or −1 when the patient never has sepsis. */
function firstPositive(labels: ArrayLike<number>, start: number, n: number): number {
  for (let t = 0; t < n; t++) if (labels[start + t] === 1) return t;
  return -1;
}

/**
 * compute_prediction_utility for the n hours of one patient, whose labels start at labels[labelStart] and
 * predictions at predictions[predictionStart]; an hour alarms when its prediction >= alarmAt (1 for binary
 * predictions, a threshold for probabilities, Infinity for never).
 */
function patientUtility(
  labels: ArrayLike<number>,
  labelStart: number,
  predictions: ArrayLike<number>,
  predictionStart: number,
  n: number,
  alarmAt: number,
  scratch: Float64Array,
): number {
  const first = firstPositive(labels, labelStart, n);
  const septic = first >= 0;
  const tSepsis = septic ? first - DT_OPTIMAL : Infinity;
  for (let t = 0; t < n; t++) scratch[t] = hourUtility(t, tSepsis, septic, predictions[predictionStart + t] >= alarmAt);
  return numpySum(scratch, 0, n);
}

/** np.sum over patients of a per-patient utility, as the script sums its per-file vectors. */
function cohortSum<T>(patients: readonly T[], utility: (patient: T) => number): number {
  const perPatient = new Float64Array(patients.length);
  patients.forEach((patient, k) => {
    perPatient[k] = utility(patient);
  });
  return numpySum(perPatient, 0, perPatient.length);
}

/** best_predictions of the script: 1 on [max(0, t_sepsis + dt_early), min(t_sepsis + dt_late + 1, n)), else 0. */
function optimalAlarms(labels: ArrayLike<number>, start: number, n: number, out: Uint8Array): void {
  out.fill(0, 0, n);
  const first = firstPositive(labels, start, n);
  if (first < 0) return;
  const tSepsis = first - DT_OPTIMAL;
  const end = Math.min(tSepsis + DT_LATE + 1, n);
  for (let t = Math.max(0, tSepsis + DT_EARLY); t < end; t++) out[t] = 1;
}

function checkBinary(values: ArrayLike<number>, what: string, patient: number): void {
  for (let t = 0; t < values.length; t++) {
    if (values[t] !== 0 && values[t] !== 1) {
      throw new MetricInputError(`patient ${patient}, hour ${t}: ${what} is ${values[t]}; ${what}s must be 0 or 1`);
    }
  }
}

/** The script's check_errors: equal lengths, labels and predictions each 0 or 1. */
function checkPatient(patient: PatientSeries, k: number): void {
  if (patient.labels.length !== patient.predictions.length) {
    throw new MetricInputError(
      `patient ${k}: ${patient.labels.length} labels but ${patient.predictions.length} predictions; ` +
        'they must be the same length',
    );
  }
  checkBinary(patient.labels, 'label', k);
  checkBinary(patient.predictions, 'prediction', k);
}

function scratchFor(patients: readonly { labels: ArrayLike<number> }[]): Float64Array {
  let longest = 0;
  for (const patient of patients) longest = Math.max(longest, patient.labels.length);
  return new Float64Array(longest);
}

/** The challenge score of binary hourly alarms over a cohort (one entry per patient, hours in order). */
export function normalizedUtility(patients: readonly PatientSeries[]): UtilityScore {
  patients.forEach(checkPatient);
  const scratch = scratchFor(patients);
  const optimal = new Uint8Array(scratch.length);
  const observed = cohortSum(patients, ({ labels, predictions }) =>
    patientUtility(labels, 0, predictions, 0, labels.length, 1, scratch),
  );
  const best = cohortSum(patients, ({ labels }) => {
    optimalAlarms(labels, 0, labels.length, optimal);
    return patientUtility(labels, 0, optimal, 0, labels.length, 1, scratch);
  });
  const inaction = cohortSum(patients, ({ labels }) =>
    patientUtility(labels, 0, labels, 0, labels.length, Infinity, scratch),
  );
  return { normalized: (observed - inaction) / (best - inaction), observed, best, inaction };
}

interface Span {
  group: number;
  start: number;
  end: number;
}

/** Runs of equal group id; a group that reappears after another one means the rows are not grouped, which throws. */
function patientSpans(groups: Int32Array): Span[] {
  const spans: Span[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < groups.length; i++) {
    if (i > 0 && groups[i] === groups[i - 1]) continue;
    if (seen.has(groups[i])) {
      throw new MetricInputError(`group ${groups[i]} reappears at row ${i}; rows of one patient must be contiguous`);
    }
    seen.add(groups[i]);
    if (spans.length > 0) spans[spans.length - 1].end = i;
    spans.push({ group: groups[i], start: i, end: groups.length });
  }
  return spans;
}

function copyRows(values: ArrayLike<number>, start: number, end: number): Float64Array {
  const out = new Float64Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = values[i];
  return out;
}

function checkSameLength(groups: Int32Array, labels: ArrayLike<number>, predictions: ArrayLike<number>): void {
  if (labels.length !== groups.length || predictions.length !== groups.length) {
    throw new MetricInputError(
      `${groups.length} group ids, ${labels.length} labels and ${predictions.length} predictions; ` +
        'they must be the same length',
    );
  }
}

/** Splits flat row arrays into patients; rows of one patient must be contiguous and in hour order. */
export function groupByPatient(
  groups: Int32Array,
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
): GroupedPatient[] {
  checkSameLength(groups, labels, predictions);
  return patientSpans(groups).map(({ group, start, end }) => ({
    group,
    labels: copyRows(labels, start, end),
    predictions: copyRows(predictions, start, end),
  }));
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function fraction(count: number, total: number): number | null {
  return total === 0 ? null : count / total;
}

/** Patient-level view of binary alarms, with t_sepsis = first labelled hour + 6 as in the utility score. */
export function patientAlarmSummary(patients: readonly PatientSeries[]): AlarmSummary {
  patients.forEach(checkPatient);
  let septic = 0;
  let septicAnyAlarm = 0;
  let septicWindowAlarm = 0;
  const leads: number[] = [];
  let nonSeptic = 0;
  let nonSepticAnyAlarm = 0;
  let falseAlarmHours = 0;
  let nonSepticHours = 0;
  patients.forEach(({ labels, predictions }) => {
    const n = labels.length;
    const first = firstPositive(labels, 0, n);
    let firstAlarm = -1;
    let alarmHours = 0;
    for (let t = 0; t < n; t++) {
      if (predictions[t] === 1) {
        if (firstAlarm < 0) firstAlarm = t;
        alarmHours++;
      }
    }
    if (first < 0) {
      nonSeptic++;
      nonSepticHours += n;
      falseAlarmHours += alarmHours;
      if (firstAlarm >= 0) nonSepticAnyAlarm++;
      return;
    }
    septic++;
    const tSepsis = first - DT_OPTIMAL;
    if (firstAlarm < 0) return;
    septicAnyAlarm++;
    leads.push(tSepsis - firstAlarm);
    const end = Math.min(tSepsis + DT_LATE, n - 1);
    for (let t = Math.max(0, tSepsis + DT_EARLY); t <= end; t++) {
      if (predictions[t] === 1) {
        septicWindowAlarm++;
        break;
      }
    }
  });
  return {
    septicPatients: septic,
    nonSepticPatients: nonSeptic,
    septicAlarmedAnyTime: fraction(septicAnyAlarm, septic),
    septicAlarmedInWindow: fraction(septicWindowAlarm, septic),
    medianLeadHours: median(leads),
    nonSepticAlarmedAnyTime: fraction(nonSepticAnyAlarm, nonSeptic),
    falseAlarmHoursPerPatientDay: nonSepticHours === 0 ? null : falseAlarmHours / (nonSepticHours / 24),
  };
}

/**
 * The candidate threshold (alarm when probability >= threshold) with the highest normalized utility, scoring
 * every candidate exactly as normalizedUtility would (O(candidates × rows)). The default grid is
 * UTILITY_THRESHOLD_GRID (0.01 … 0.99); with poorly calibrated or very low scores pass a grid of score quantiles.
 */
export function bestUtilityThreshold(
  groups: Int32Array,
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  candidates: readonly number[] = UTILITY_THRESHOLD_GRID,
): ThresholdChoice {
  checkSameLength(groups, labels, probabilities);
  const spans = patientSpans(groups);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new MetricInputError(`label at row ${i} is ${labels[i]}; labels must be 0 or 1`);
    }
    if (!Number.isFinite(probabilities[i])) {
      throw new MetricInputError(`probability at row ${i} is ${probabilities[i]}; probabilities must be finite`);
    }
  }
  let longest = 0;
  for (const { start, end } of spans) longest = Math.max(longest, end - start);
  const scratch = new Float64Array(longest);
  const optimal = new Uint8Array(longest);
  const hours = (span: Span): number => span.end - span.start;
  const best = cohortSum(spans, (span) => {
    optimalAlarms(labels, span.start, hours(span), optimal);
    return patientUtility(labels, span.start, optimal, 0, hours(span), 1, scratch);
  });
  const inaction = cohortSum(spans, (span) =>
    patientUtility(labels, span.start, probabilities, span.start, hours(span), Infinity, scratch),
  );

  const curve = candidates.map((threshold) => {
    const observed = cohortSum(spans, (span) =>
      patientUtility(labels, span.start, probabilities, span.start, hours(span), threshold, scratch),
    );
    return { threshold, normalized: (observed - inaction) / (best - inaction) };
  });
  let choice = { threshold: NaN, normalized: NaN };
  for (const point of curve) {
    if (!Number.isFinite(point.normalized)) continue;
    const better =
      Number.isNaN(choice.threshold) ||
      point.normalized > choice.normalized ||
      (point.normalized === choice.normalized && point.threshold < choice.threshold);
    if (better) choice = point;
  }
  return { ...choice, curve };
}
