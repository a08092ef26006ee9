/** The observation codes of the `icu-mortality` model (PhysioNet/CinC 2012): units, plausible ranges and unit rules. */
import type { ObservationSpec, UnitRule } from './timeline';

/*
 * Units are the challenge's parameter table's (PROVENANCE.md §4) except Mg: the table says mmol/L, but set-a+b hold
 * a median of 2.0 (serum magnesium is 0.7–1.0 mmol/L = 1.7–2.4 mg/dL), so the values are mg/dL and the card says so.
 *
 * Ranges keep what a living ICU patient can have and refuse the rest (a value outside is an input error for the
 * API and is dropped when reading the training files). The comment after each gives set-a+b's observed
 * minimum–maximum (3,520,515 lines, `-1` read as missing); what falls outside is an artefact: zeros of blood pressure,
 * heart rate and blood gases (a disconnected line or an empty field), Temp −17.8 (0 °F converted to °C; PROVENANCE
 * counts these lines as Temp = −1), Weight 0, Height under 1 m.
 */

/**
 * Unit rules. PROVENANCE.md names no parameter whose unit changes; these three were found by reading set-a+b's
 * value distributions, and each rescales values that sit in a span no other reading of the parameter reaches.
 */
const PH_TIMES_100: UnitRule = {
  from: 650,
  to: 800,
  divideBy: 100,
  why: 'pH recorded ×100 (set-a+b: 733, 734 and 735 beside 48,166 values from 6.75 to 7.70 and 11 artefacts, 0–3 and 94–187)',
};
const HEIGHT_CM_AS_INCHES: UnitRule = {
  from: 300,
  to: 600,
  divideBy: 2.54,
  why: 'height in cm converted again as if inches (set-a+b: 8 heights from 365.8 to 462.3, each 2.54 × a whole number of cm, 144–182, to 0.1)',
};
const WBC_PER_MICROLITRE: UnitRule = {
  from: 2000,
  to: 1_000_000,
  divideBy: 1000,
  why: 'white cells counted per µL instead of per nL (set-a+b: one 12,500 beside 26,001 values from 0 to 528)',
};

function series(
  name: string,
  label: string,
  unit: string | null,
  min: number,
  max: number,
  description: string,
  more: Partial<ObservationSpec> = {},
): ObservationSpec {
  return { name, label, unit, description, kind: 'continuous', min, max, ...more };
}

const BINARY_01 = [
  { value: 0, label: 'no' },
  { value: 1, label: 'yes' },
];

/** The challenge's general descriptors but RecordID: facts of the stay, observed at time 0. */
export const ICU_MORTALITY_DESCRIPTORS: readonly ObservationSpec[] = [
  // 15–90 in set-a+b.
  series('Age', 'Age', 'years', 15, 90, 'Age at ICU admission, in years.', { atAdmissionOnly: true }),
  {
    name: 'Gender',
    label: 'Gender',
    unit: null,
    description: 'Gender: 0 = female, 1 = male.',
    kind: 'binary',
    codes: [
      { value: 0, label: 'female' },
      { value: 1, label: 'male' },
    ],
    min: 0,
    max: 1,
    atAdmissionOnly: true,
  },
  // 1.8–462.3 cm; under 100 (1.8, 5.1, 13–17.8: 12 records) is no adult's height in cm.
  series('Height', 'Height', 'cm', 100, 250, 'Height in centimetres.', {
    atAdmissionOnly: true,
    units: [HEIGHT_CM_AS_INCHES],
  }),
  {
    name: 'ICUType',
    label: 'ICU type',
    unit: null,
    description: 'The ICU the patient was admitted to.',
    kind: 'categorical',
    codes: [
      { value: 1, label: 'Coronary Care Unit' },
      { value: 2, label: 'Cardiac Surgery Recovery Unit' },
      { value: 3, label: 'Medical ICU' },
      { value: 4, label: 'Surgical ICU' },
    ],
    min: 1,
    max: 4,
    atAdmissionOnly: true,
  },
];

/**
 * The challenge's time series, in its table's order (Weight last: at time 0 it is also the descriptor "weight at
 * admission", later it is measured again).
 */
export const ICU_MORTALITY_TIME_SERIES: readonly ObservationSpec[] = [
  series('Albumin', 'Albumin', 'g/dL', 0.5, 7, 'Serum albumin.'), // 1–5.3
  series('ALP', 'Alkaline phosphatase', 'IU/L', 1, 5000, 'Alkaline phosphatase.'), // 12–2205
  series('ALT', 'ALT', 'IU/L', 1, 20000, 'Alanine transaminase.'), // 1–16920
  series('AST', 'AST', 'IU/L', 1, 20000, 'Aspartate transaminase.'), // 4–18430
  series('Bilirubin', 'Bilirubin', 'mg/dL', 0, 70, 'Total bilirubin.'), // 0–59.4
  series('BUN', 'Blood urea nitrogen', 'mg/dL', 0, 300, 'Blood urea nitrogen.'), // 0–209
  series('Cholesterol', 'Cholesterol', 'mg/dL', 10, 1000, 'Serum cholesterol.'), // 28–360
  series('Creatinine', 'Creatinine', 'mg/dL', 0.1, 30, 'Serum creatinine.'), // 0.1–22.1
  series(
    'DiasABP',
    'Diastolic blood pressure (arterial line)',
    'mmHg',
    10,
    200,
    'Invasive diastolic arterial pressure.',
  ), // 0–272
  // 0.21–1: recorded as a fraction throughout (no percentages in set-a+b).
  series('FiO2', 'Fraction of inspired oxygen', 'fraction', 0.21, 1, 'Fraction of inspired oxygen (0.21 = room air).'),
  series('GCS', 'GCS', 'points', 3, 15, 'Glasgow Coma Score (3–15).', { kind: 'integer' }), // 3–15
  series('Glucose', 'Glucose', 'mg/dL', 5, 2000, 'Serum glucose.'), // 8–1289
  series('HCO3', 'Bicarbonate', 'mmol/L', 2, 60, 'Serum bicarbonate.'), // 5–52
  series('HCT', 'Haematocrit', '%', 5, 75, 'Haematocrit.'), // 5–61.8
  series('HR', 'Heart rate', 'beats/min', 20, 300, 'Heart rate.'), // 0–300
  series('K', 'Potassium', 'mEq/L', 1, 12, 'Serum potassium.'), // 1.8–22.9
  series('Lactate', 'Lactate', 'mmol/L', 0.1, 40, 'Blood lactate.'), // 0.3–31
  series('Mg', 'Magnesium', 'mg/dL', 0.5, 15, 'Serum magnesium.'), // 0–21
  series('MAP', 'Mean arterial pressure (arterial line)', 'mmHg', 20, 300, 'Invasive mean arterial pressure.'), // 0–300
  // Only 1 is ever recorded (61,359 lines): the absence of a line is the "no".
  series('MechVent', 'Mechanical ventilation', null, 0, 1, 'Mechanical ventilation: 1 = ventilated.', {
    kind: 'binary',
    codes: BINARY_01,
  }),
  series('Na', 'Sodium', 'mEq/L', 90, 200, 'Serum sodium.'), // 98–177
  series('NIDiasABP', 'Diastolic blood pressure (cuff)', 'mmHg', 10, 200, 'Non-invasive diastolic pressure.'), // 0–211
  series('NIMAP', 'Mean arterial pressure (cuff)', 'mmHg', 20, 300, 'Non-invasive mean arterial pressure.'), // 0–218
  series('NISysABP', 'Systolic blood pressure (cuff)', 'mmHg', 20, 300, 'Non-invasive systolic pressure.'), // 0–300
  series('PaCO2', 'PaCO₂', 'mmHg', 5, 200, 'Arterial partial pressure of carbon dioxide.'), // 0–100
  series('PaO2', 'PaO₂', 'mmHg', 10, 800, 'Arterial partial pressure of oxygen.'), // 0–500
  // 0–735; 94–187 (6 values) look like saturations typed into pH; 733–735 are pH ×100.
  series('pH', 'pH', null, 6.5, 8, 'Arterial pH.', { units: [PH_TIMES_100] }),
  series('Platelets', 'Platelets', 'cells/nL', 1, 2500, 'Platelet count.'), // 5–2292
  series('RespRate', 'Respiration rate', 'breaths/min', 1, 100, 'Respiration rate.'), // 0–100
  series('SaO2', 'Arterial O₂ saturation', '%', 20, 100, 'Arterial oxygen saturation.'), // 1.06–100
  // 0–295
  series('SysABP', 'Systolic blood pressure (arterial line)', 'mmHg', 20, 300, 'Invasive systolic arterial pressure.'),
  series('Temp', 'Temperature', '°C', 20, 45, 'Body temperature.'), // −17.8–42.2
  series('TroponinI', 'Troponin I', 'µg/L', 0, 100, 'Cardiac troponin I.'), // 0.3–49.6
  series('TroponinT', 'Troponin T', 'µg/L', 0, 100, 'Cardiac troponin T.'), // 0.01–24.91
  series('Urine', 'Urine output', 'mL', 0, 10000, 'Urine output since the previous measurement.'), // 0–19990
  // 0–12500 (12,500 is per µL: see the unit rule).
  series('WBC', 'White blood cells', 'cells/nL', 0, 1000, 'White blood cell count.', { units: [WBC_PER_MICROLITRE] }),
  series('Weight', 'Weight', 'kg', 20, 500, 'Body weight.'), // 0–472
];

/** Every code a stay's timeline may hold, descriptors first. */
export const ICU_MORTALITY_OBSERVATIONS: readonly ObservationSpec[] = [
  ...ICU_MORTALITY_DESCRIPTORS,
  ...ICU_MORTALITY_TIME_SERIES,
];
