/**
 * The sepsis model's challenge utility at its threshold, with a bootstrap interval over patients and the alarm
 * behaviour it implies.
 */
import { Rng } from '../random';
import { groupByPatient, normalizedUtility, patientAlarmSummary } from './sepsis-utility';

export interface UtilityReport {
  utility: { estimate: number; lower: number; upper: number };
  alarms: Record<string, number>;
}

export function utilityReport(
  groups: Int32Array,
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  threshold: number,
  options: { replicates: number; seed: number },
): UtilityReport {
  const alarms = Float64Array.from(probabilities, (p) => (p >= threshold ? 1 : 0));
  const patients = groupByPatient(groups, labels, alarms);
  // The normalized utility is a ratio of sums over patients, so a bootstrap reweights per-patient parts.
  const parts = patients.map((patient) => normalizedUtility([patient]));
  const total = normalizedUtility(patients);
  const rng = new Rng(options.seed);
  const draws = new Float64Array(patients.length);
  const values: number[] = [];
  for (let r = 0; r < options.replicates; r++) {
    draws.fill(0);
    for (let i = 0; i < patients.length; i++) draws[rng.int(0, patients.length - 1)]++;
    let observed = 0;
    let best = 0;
    let inaction = 0;
    parts.forEach((part, i) => {
      observed += draws[i] * part.observed;
      best += draws[i] * part.best;
      inaction += draws[i] * part.inaction;
    });
    const value = (observed - inaction) / (best - inaction);
    if (Number.isFinite(value)) values.push(value);
  }
  values.sort((a, b) => a - b);
  const quantile = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(q * (values.length - 1))))];
  const summary = patientAlarmSummary(patients);
  const numeric: Record<string, number> = {};
  for (const [key, value] of Object.entries(summary)) if (typeof value === 'number') numeric[key] = value;
  return { utility: { estimate: total.normalized, lower: quantile(0.025), upper: quantile(0.975) }, alarms: numeric };
}
