/** The `sepsis` model's vector from a stay's course: the patient-hour training builds, from observations. */
import { SEPSIS_COLUMN_TO_FEATURE, SEPSIS_CHALLENGE_COLUMNS, sepsisFeatureSet, type ChallengeColumn } from './sepsis';
import type { Observation, ObservationSpec } from './timeline';
import type { VectorEntry } from './timeline-functions';

/*
 * Hours. A row of the challenge is "a single hour's worth of data" (the challenge's data description), the row with
 * ICULOS = h being the h-th hour since ICU admission, and a prediction for that row is made from the rows up to and
 * including it (the challenge's driver calls the model with rows 1..h). So the row of hour h is complete at the end of
 * that hour, minute h·60, and holds what was recorded in ((h−1)·60, h·60]; minute 0 (admission: the facts of the stay,
 * and a reading taken on arrival) belongs to hour 1. Hence, at a moment m (minutes since ICU admission):
 *   ICULOS = max(1, ceil(m / 60)), and the observations read are those with time ≤ m.
 * Scored at m = h·60, a course whose hour-h values carry times in ((h−1)·60, h·60] gives exactly training's row of
 * hour h (tests/unit/features/sepsis-course.test.ts checks every hour of set-A patients, as float32). Between two
 * hour ends (the monitor's moment need not fall on one) the current hour is partly recorded, as the bedside is.
 * Set A's facts (Age, Gender, HospAdmTime) are the same in every row of a patient, so they are observations at
 * time 0. Set A's ICULOS does not always start at 1 (7,497 of 20,336 patients start later): such a course simply has
 * no observations in its first hours.
 */

/** Minutes per challenge hour. */
const HOUR = 60;
/** The challenge cut every stay at 336 h: ICULOS beyond that is outside the model's range (its input spec refuses it). */
export const SEPSIS_LAST_HOUR = 336;

/** The challenge hour (ICULOS) that a moment, in minutes since ICU admission, falls in. */
export function sepsisHourAt(moment: number): number {
  return Math.max(1, Math.ceil(moment / HOUR));
}

/** The facts of the stay: the same in every hour of a set-A patient, observed at admission (time 0). */
const FACTS: ReadonlySet<string> = new Set<ChallengeColumn>(['Age', 'Gender', 'HospAdmTime']);

const INPUTS = sepsisFeatureSet.inputs;
const DERIVED = sepsisFeatureSet.derived;
const COLUMN_OF_INPUT = new Map<string, ChallengeColumn>(
  SEPSIS_CHALLENGE_COLUMNS.flatMap((c) => {
    const name = SEPSIS_COLUMN_TO_FEATURE[c];
    return name === null ? [] : [[name, c] as const];
  }),
);
const ICULOS_INPUT = INPUTS.findIndex((s) => s.name === SEPSIS_COLUMN_TO_FEATURE.ICULOS);

/**
 * The observation codes: the challenge's column names, in its order, for every input of the model but ICULOS (which
 * is the moment's hour, not an observation). Label, unit, description, kind and range are the model input's, so the
 * validation of a course refuses exactly what training blanks as implausible.
 */
export const SEPSIS_OBSERVATIONS: readonly ObservationSpec[] = INPUTS.flatMap((spec, i): ObservationSpec[] => {
  if (i === ICULOS_INPUT) return [];
  const column = COLUMN_OF_INPUT.get(spec.name)!;
  return [
    {
      name: column,
      label: spec.label,
      unit: spec.unit,
      description: spec.description,
      kind: spec.kind,
      ...(spec.codes ? { codes: spec.codes } : {}),
      min: spec.min,
      max: spec.max,
      ...(FACTS.has(column) ? { atAdmissionOnly: true } : {}),
    },
  ];
});

/** Observation code → the input's index in the vector. */
const INPUT_OF_CODE = new Map<string, number>(
  INPUTS.flatMap((spec, i) => (i === ICULOS_INPUT ? [] : [[COLUMN_OF_INPUT.get(spec.name)!, i] as const])),
);
const LOW = Float64Array.from(INPUTS, (s) => s.min);
const HIGH = Float64Array.from(INPUTS, (s) => s.max);

const DERIVED_UNITS: Readonly<Record<string, string | null>> = {
  pulse_pressure: 'mm Hg',
  measured_lab_count: 'count',
};

/** The vector's entries in order: the model's inputs, then its derived features (models/sepsis/card.json's order). */
export function sepsisCourseFeatures(): VectorEntry[] {
  return [
    ...INPUTS.map((s) => ({ name: s.name, label: s.label, unit: s.unit, description: s.description })),
    ...DERIVED.map((d) => ({
      name: d.name,
      label: d.label,
      unit: DERIVED_UNITS[d.name] ?? null,
      description: d.description,
    })),
  ];
}

/**
 * The sepsis vector (`sepsisCourseFeatures()` order) of the hour a moment falls in (minutes since ICU admission), from
 * the observations with time ≤ moment — what training builds for that patient-hour (sepsis-patient-hours.ts):
 * - each input is its latest value (carried forward), NaN until first observed; values at the same latest minute are
 *   averaged, so the vector does not depend on the order observations are sent in;
 * - a value outside its input's range is not an observation (training blanks it; validation refuses it), so the
 *   latest plausible value stays; a code the model does not read is ignored;
 * - ICULOS is `sepsisHourAt(moment)` (beyond SEPSIS_LAST_HOUR the input's range refuses it: the caller checks);
 * - the derived features are the feature set's own, computed from those inputs.
 * One hour with no history (a snapshot from the dashboard form, all at one time) is a valid course. Pure.
 */
export function sepsisCourseVector(observations: readonly Observation[], moment: number): Float64Array {
  const n = INPUTS.length;
  const latest = new Float64Array(n).fill(-Infinity);
  const sum = new Float64Array(n);
  const count = new Int32Array(n);
  for (const o of observations) {
    if (!(o.time <= moment)) continue;
    const i = INPUT_OF_CODE.get(o.name);
    if (i === undefined) continue;
    const v = o.value;
    if (!(v >= LOW[i] && v <= HIGH[i])) continue; // NaN fails too
    if (o.time > latest[i]) {
      latest[i] = o.time;
      sum[i] = v;
      count[i] = 1;
    } else if (o.time === latest[i]) {
      sum[i] += v;
      count[i]++;
    }
  }
  const out = new Float64Array(n + DERIVED.length);
  const snapshot: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const v = i === ICULOS_INPUT ? sepsisHourAt(moment) : count[i] === 0 ? NaN : sum[i] / count[i];
    out[i] = v;
    snapshot[INPUTS[i].name] = v;
  }
  DERIVED.forEach((d, j) => {
    out[n + j] = d.compute(snapshot);
  });
  return out;
}
