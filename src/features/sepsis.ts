/**
 * Inputs of the `sepsis` model: PhysioNet/CinC 2019 hourly measurements carried forward to a patient-hour snapshot,
 * plus bedside ratios.
 */
import { CodedError } from '@/errors/coded-error';
import type { DerivedFeature, FeatureSet, FeatureSpec, InputGroup } from './feature-set';

/** The 41 columns of a challenge `.psv` file, in the challenge's order (our CSVs add `patient_id` in front). */
export const SEPSIS_CHALLENGE_COLUMNS = [
  'HR',
  'O2Sat',
  'Temp',
  'SBP',
  'MAP',
  'DBP',
  'Resp',
  'EtCO2',
  'BaseExcess',
  'HCO3',
  'FiO2',
  'pH',
  'PaCO2',
  'SaO2',
  'AST',
  'BUN',
  'Alkalinephos',
  'Calcium',
  'Chloride',
  'Creatinine',
  'Bilirubin_direct',
  'Glucose',
  'Lactate',
  'Magnesium',
  'Phosphate',
  'Potassium',
  'Bilirubin_total',
  'TroponinI',
  'Hct',
  'Hgb',
  'PTT',
  'WBC',
  'Fibrinogen',
  'Platelets',
  'Age',
  'Gender',
  'Unit1',
  'Unit2',
  'HospAdmTime',
  'ICULOS',
  'SepsisLabel',
] as const;
export type ChallengeColumn = (typeof SEPSIS_CHALLENGE_COLUMNS)[number];

/** One hour of one patient as the challenge records it: every column by name, NaN where nothing was recorded. */
export type ChallengeRow = Readonly<Record<ChallengeColumn, number>>;

const CARRIED =
  'carried forward from the last observation; missing until first measured — the model routes missing values down each split\u2019s learned missing-value branch';
const REQUIRED =
  'required: present in every hour of the training data, so the model has learned nothing about its absence';
const CONTINUOUS = { kind: 'continuous' } as const;

function input<N extends string, C extends ChallengeColumn>(
  column: C,
  name: N,
  label: string,
  unit: string | null,
  min: number,
  max: number,
  description: string,
  required = false,
  missing = CARRIED,
  kind: Pick<FeatureSpec, 'kind' | 'codes'> = CONTINUOUS,
) {
  return { column, spec: { name, label, unit, description, ...kind, min, max, required, missing } };
}

/** Inputs of one group of the form; the challenge's columns already come group by group, so the order is kept. */
function group<G extends InputGroup, D extends ReturnType<typeof input>>(name: G, defs: readonly D[]) {
  return defs.map((d) => ({ ...d, group: name }));
}

/*
 * Ranges. Rule: [min, max] keeps at least 99.9 % of set A's observed values of the column and rejects
 * what no living ICU patient can have (or, for ICULOS, what the model has no evidence for). Measured on
 * set A (790,215 hours; values counted where recorded), the comment after each input gives the observed
 * minimum–maximum and how many recorded values fall outside. Set A's vital signs bottom out at exactly
 * 20 (HR, O2Sat, MAP, DBP), apparently the source's own artefact filter, so 20 is the floor there: the
 * model has never seen lower readings. The one column below 99.9 % is FiO2 (see there): physiology wins.
 * Units are those of the values: the challenge's table says FiO2 "%", Lactate "mg/dL" and Magnesium
 * "mmol/dL", but set A holds FiO2 as a fraction (median 0.5), lactate in mmol/L (median 1.8) and
 * magnesium in mg/dL (median 2.0), and a client must send the scale the model learned.
 */
const DEFS = [
  ...group('vitals', [
    input('HR', 'heart_rate', 'Heart rate', 'beats/min', 20, 300, 'Heart rate.'), // 20–280, none outside
    input('O2Sat', 'o2_sat', 'Pulse oximetry', '%', 20, 100, 'Peripheral oxygen saturation (SpO₂).'), // 20–100, none
    input('Temp', 'temperature', 'Temperature', '°C', 20, 45, 'Body temperature.'), // 20.9–42.22, none
    input('SBP', 'sbp', 'Systolic blood pressure', 'mm Hg', 20, 300, 'Systolic arterial blood pressure.'), // 22–281, none
    // 20–300; 94 readings above 250 (0.013 %): a mean of 250 needs about 300/225 mm Hg, beyond every systolic in set A
    // (max 281).
    input('MAP', 'map', 'Mean arterial pressure', 'mm Hg', 20, 250, 'Mean arterial blood pressure.'),
    // 20–298; 13 readings above 200 (0.003 %), the highest above every systolic in set A.
    input('DBP', 'dbp', 'Diastolic blood pressure', 'mm Hg', 20, 200, 'Diastolic arterial blood pressure.'),
    input('Resp', 'resp_rate', 'Respiration rate', 'breaths/min', 1, 80, 'Respiration rate.'), // 1–69, none
    // Never recorded in set A (0 values): kept so a client that has it is not refused, but the model cannot use it.
    input('EtCO2', 'etco2', 'End-tidal CO₂', 'mm Hg', 0, 100, 'End-tidal carbon dioxide.'),
  ]),
  // The challenge's 26 laboratory values (FiO2 among them, read with the blood gas).
  ...group('labs', [
    // −32–100; 3 values above 40 (44, 49.5, 100; 0.004 %).
    input('BaseExcess', 'base_excess', 'Base excess', 'mmol/L', -40, 40, 'Base excess (arterial blood gas).'),
    input('HCO3', 'hco3', 'Bicarbonate', 'mmol/L', 2, 60, 'Serum bicarbonate.'), // 0–55; two 0s (0.003 %)
    // 0–10. FiO2 below room air (0.21) is not breathable gas; 266 values (0.24 %: 81 zeros, 0.02–0.18 which
    // look like oxygen flows in L/min ÷ 100) fall below 0.2 and 2 above 1 (7, 10). 0.2 itself is allowed as a
    // rounded room air. Coverage 99.76 %, the one deliberate exception to the 99.9 % rule.
    input(
      'FiO2',
      'fio2',
      'Fraction of inspired oxygen',
      'fraction',
      0.2,
      1,
      'Fraction of inspired oxygen (0.21 = room air).',
    ),
    input('pH', 'ph', 'pH', null, 6.5, 8, 'Arterial blood pH.'), // 6.62–7.93, none
    input('PaCO2', 'paco2', 'PaCO₂', 'mm Hg', 5, 200, 'Arterial partial pressure of carbon dioxide.'), // 10–100, none
    input('SaO2', 'sao2', 'Arterial O₂ saturation', '%', 20, 100, 'Arterial oxygen saturation (blood gas).'), // 24–100, none
    input('AST', 'ast', 'AST', 'IU/L', 1, 20000, 'Aspartate aminotransferase.'), // 3–9890, none
    input('BUN', 'bun', 'Blood urea nitrogen', 'mg/dL', 1, 300, 'Blood urea nitrogen.'), // 1–266, none
    input('Alkalinephos', 'alkaline_phosphatase', 'Alkaline phosphatase', 'IU/L', 1, 5000, 'Alkaline phosphatase.'), // 7–3833, none
    // 1.6–22; 3 values below 3 (1.6, 2.8, 2.8; 0.008 %) look like ionised calcium in mmol/L.
    input('Calcium', 'calcium', 'Calcium', 'mg/dL', 3, 25, 'Total serum calcium.'),
    input('Chloride', 'chloride', 'Chloride', 'mmol/L', 50, 150, 'Serum chloride.'), // 26–145; 26 and 38 (0.003 %)
    input('Creatinine', 'creatinine', 'Creatinine', 'mg/dL', 0.1, 50, 'Serum creatinine.'), // 0.1–46.6, none
    input('Bilirubin_direct', 'bilirubin_direct', 'Direct bilirubin', 'mg/dL', 0, 50, 'Direct (conjugated) bilirubin.'), // 0.1–37.5, none
    input('Glucose', 'glucose', 'Glucose', 'mg/dL', 5, 2000, 'Serum glucose.'), // 10–988, none
    input('Lactate', 'lactate', 'Lactate', 'mmol/L', 0.1, 40, 'Blood lactate.'), // 0.2–31, none
    input('Magnesium', 'magnesium', 'Magnesium', 'mg/dL', 0.5, 15, 'Serum magnesium.'), // 0.2–9.7; one 0.2 (0.002 %)
    input('Phosphate', 'phosphate', 'Phosphate', 'mg/dL', 0.1, 25, 'Serum phosphate.'), // 0.2–18.8, none
    // 1–27.5; 13 and 27.5 (0.002 %) are beyond cardiac arrest, i.e. haemolysed samples.
    input('Potassium', 'potassium', 'Potassium', 'mmol/L', 1, 12, 'Serum potassium.'),
    input('Bilirubin_total', 'bilirubin_total', 'Total bilirubin', 'mg/dL', 0, 60, 'Total bilirubin.'), // 0.1–46.6, none
    input('TroponinI', 'troponin_i', 'Troponin I', 'ng/mL', 0, 500, 'Cardiac troponin I.'), // 0.3–49.3, none
    input('Hct', 'hct', 'Haematocrit', '%', 5, 75, 'Haematocrit.'), // 5.5–71.7, none
    input('Hgb', 'hgb', 'Haemoglobin', 'g/dL', 1, 25, 'Haemoglobin.'), // 2.2–32; one 32 (0.001 %)
    input('PTT', 'ptt', 'Partial thromboplastin time', 's', 10, 250, 'Activated partial thromboplastin time.'), // 12.5–150, none
    input('WBC', 'wbc', 'White blood cells', '10^3/µL', 0, 500, 'Leukocyte count.'), // 0.1–422.9, none
    input('Fibrinogen', 'fibrinogen', 'Fibrinogen', 'mg/dL', 10, 2000, 'Plasma fibrinogen.'), // 34–1760, none
    input('Platelets', 'platelets', 'Platelets', '10^3/µL', 1, 2500, 'Platelet count.'), // 5–1783, none
  ]),
  ...group('demographics', [
    // 18.11–89. Adults only; the challenge records every age of 90 or more as 100.
    input('Age', 'age', 'Age', 'years', 18, 100, 'Age in years (100 stands for 90 or older).', true, REQUIRED),
    // The challenge's data description codes Gender as female (0) or male (1); set A holds only 0 and 1.
    input('Gender', 'gender', 'Gender', null, 0, 1, 'Gender: 0 = female, 1 = male.', true, REQUIRED, {
      kind: 'binary',
      codes: [
        { value: 0, label: 'female' },
        { value: 1, label: 'male' },
      ],
    }),
    // −3710.66–23.99, 8 hours missing. 8,513 hours (1.1 %) are positive (ICU before the hospital
    // registration, up to a day), so the upper bound is 24 h, not 0; the lower bound is one year.
    input(
      'HospAdmTime',
      'hosp_adm_time',
      'Hospital-to-ICU time',
      'h',
      -8760,
      24,
      'Hours between hospital admission and ICU admission (negative: the hospital admission came first).',
      false,
      'missing when the hospital admission time is unknown — the model routes missing values down each split\u2019s learned missing-value branch',
    ),
    // 1–336. The challenge cut every stay at 336 h (14 days), so the model has no evidence for later hours
    // and refuses them rather than extrapolate.
    // An hour's index, whole in every row of set A: the model has never seen a fractional hour.
    input(
      'ICULOS',
      'iculos',
      'Hours in ICU',
      'h',
      1,
      336,
      'Hours since ICU admission (1 = the first hour).',
      true,
      REQUIRED,
      { kind: 'integer' },
    ),
  ]),
];

export type SepsisInputName = (typeof DEFS)[number]['spec']['name'];

/** A patient-hour as the model sees it: every input by name, NaN where nothing has been observed yet. */
export type SepsisSnapshot = Record<SepsisInputName, number>;

/**
 * Original column → feature name; `null` for the columns the model does not use (Unit1/Unit2 are site-specific,
 * SepsisLabel is the label).
 */
export const SEPSIS_COLUMN_TO_FEATURE: Readonly<Record<ChallengeColumn, SepsisInputName | null>> = {
  ...(Object.fromEntries(DEFS.map((d) => [d.column, d.spec.name])) as Record<
    (typeof DEFS)[number]['column'],
    SepsisInputName
  >),
  Unit1: null,
  Unit2: null,
  SepsisLabel: null,
};

const INPUT_PAIRS: ReadonlyArray<readonly [ChallengeColumn, SepsisInputName]> = DEFS.map(
  (d) => [d.column, d.spec.name] as const,
);

/** The challenge's 26 laboratory values (columns 9–34), the ones `measured_lab_count` counts. */
export const SEPSIS_LAB_INPUTS: readonly SepsisInputName[] = SEPSIS_CHALLENGE_COLUMNS.slice(
  SEPSIS_CHALLENGE_COLUMNS.indexOf('BaseExcess'),
  SEPSIS_CHALLENGE_COLUMNS.indexOf('Platelets') + 1,
).map((column) => SEPSIS_COLUMN_TO_FEATURE[column]!);

// jest runs modules inside a vm context, where every read of a global (`NaN`, `Number`) costs about
// 0.5 µs; the derived features and carry-forward run for each of set A's 790k hours, so they use
// module-scope copies.
const NAN = Number.NaN;
const isNaNumber = Number.isNaN;
const isFiniteNumber = Number.isFinite;

const present = (v: number | undefined): v is number => v !== undefined && !isNaNumber(v);

/**
 * a / b, NaN when either is missing; a non-positive denominator (never a valid input) also gives NaN rather than
 * ±Infinity.
 */
function ratio(a: number | undefined, b: number | undefined): number {
  return present(a) && present(b) && b > 0 ? a / b : NAN;
}

const derived: DerivedFeature[] = [
  {
    name: 'shock_index',
    label: 'Shock index',
    description: 'Heart rate ÷ systolic blood pressure; above about 0.9 suggests circulatory compromise.',
    unit: null,
    compute: (v) => ratio(v.heart_rate, v.sbp),
  },
  {
    name: 'modified_shock_index',
    label: 'Modified shock index',
    description: 'Heart rate ÷ mean arterial pressure.',
    unit: null,
    compute: (v) => ratio(v.heart_rate, v.map),
  },
  {
    name: 'pulse_pressure',
    label: 'Pulse pressure',
    description: 'Systolic minus diastolic blood pressure (mm Hg); wide in vasodilatory shock.',
    unit: 'mm Hg',
    compute: (v) => (present(v.sbp) && present(v.dbp) ? v.sbp - v.dbp : NAN),
  },
  {
    name: 'bun_creatinine_ratio',
    label: 'BUN/creatinine ratio',
    description: 'Blood urea nitrogen ÷ creatinine (both mg/dL); high in pre-renal kidney injury.',
    unit: null,
    compute: (v) => ratio(v.bun, v.creatinine),
  },
  {
    name: 'measured_lab_count',
    label: 'Laboratory values measured',
    description:
      'How many of the 26 laboratory values have been measured so far in the stay (0–26): how closely the patient is being worked up.',
    // Read after the count: "4 of 26".
    unit: 'of 26',
    compute: (v) => {
      let n = 0;
      for (const name of SEPSIS_LAB_INPUTS) if (present(v[name])) n++;
      return n;
    },
  },
];

export const sepsisFeatureSet: FeatureSet = {
  inputs: DEFS.map((d): FeatureSpec => ({ ...d.spec })),
  derived,
  groups: Object.fromEntries(DEFS.map((d) => [d.spec.name, d.group])),
};

/** Thrown when a patient's hours are not in strictly increasing ICULOS order (or an hour has none). */
export class SepsisHourOrderError extends CodedError {
  readonly code = 'SEPSIS_HOUR_ORDER';
  constructor(message: string) {
    super(message);
  }
}

/**
 * One patient's hourly rows (in hour order) → one snapshot per hour holding, for every input, the last
 * value observed at or before that hour. Nothing comes from a later hour or from another patient (the
 * caller passes one patient); an input is NaN until its first observation. ICULOS is the hour itself.
 * Training and batch scoring both build their rows here, so they cannot disagree.
 */
export function carryForward(rows: readonly ChallengeRow[]): SepsisSnapshot[] {
  const last = Object.fromEntries(INPUT_PAIRS.map(([, name]) => [name, NAN])) as SepsisSnapshot;
  let previousHour = -Infinity;
  return rows.map((row, i) => {
    const hour = row.ICULOS;
    if (!isFiniteNumber(hour) || hour <= previousHour) {
      throw new SepsisHourOrderError(
        `hour ${i + 1}: ICULOS must be a number greater than the previous hour's (${previousHour}), got ${hour}`,
      );
    }
    previousHour = hour;
    for (const [column, name] of INPUT_PAIRS) {
      const v = row[column];
      if (present(v)) last[name] = v;
    }
    return { ...last };
  });
}

const SCREENED = new Map<ChallengeColumn, { min: number; max: number }>(
  // ICULOS is left alone: it orders the hours and is checked there.
  DEFS.filter((d) => d.column !== 'ICULOS').map((d) => [d.column, { min: d.spec.min, max: d.spec.max }]),
);

/** The range outside which a recorded value of `column` is an artefact, or null for a column not screened. */
export function plausibleRange(column: ChallengeColumn): { min: number; max: number } | null {
  return SCREENED.get(column) ?? null;
}

/**
 * The row with every value outside its input's plausible range blanked (NaN), and the columns blanked.
 * Carrying the cleaned rows forward keeps the last plausible value instead of an artefact, and every
 * snapshot stays a valid request.
 */
export function blankImplausible(row: ChallengeRow): { row: ChallengeRow; blanked: ChallengeColumn[] } {
  const blanked: ChallengeColumn[] = [];
  for (const [column, { min, max }] of SCREENED) {
    const v = row[column];
    if (present(v) && (v < min || v > max)) blanked.push(column);
  }
  if (blanked.length === 0) return { row, blanked };
  const copy: Record<ChallengeColumn, number> = { ...row };
  for (const c of blanked) copy[c] = NAN;
  return { row: copy, blanked };
}
