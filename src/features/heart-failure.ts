/**
 * Inputs of the `heart-failure` model (UCI heart failure clinical records); `time` is never an input, it leaks the
 * outcome.
 */
import type { FeatureSet } from './feature-set';

const REQUIRED = 'required: every client of the heart-failure API sends it';
const OPTIONAL =
  'may be omitted (null): the model was trained with this value hidden in part of the rows, so it routes a missing value down a learned branch';

/** The source's coding of its yes/no columns (anaemia, diabetes, high_blood_pressure, smoking). */
const NO_YES = [
  { value: 0, label: 'no' },
  { value: 1, label: 'yes' },
];

/** An optional 0/1 column of the source, with its codes' meanings (key order as the cards list it). */
function binaryInput(name: string, label: string, description: string, codes = NO_YES): FeatureSet['inputs'][number] {
  return {
    name,
    label,
    unit: '0/1',
    description,
    kind: 'binary',
    codes,
    min: 0,
    max: 1,
    required: false,
    missing: OPTIONAL,
  };
}

export const heartFailureFeatureSet: FeatureSet = {
  inputs: [
    {
      name: 'age',
      label: 'Age',
      unit: 'years',
      description: 'Age in years.',
      kind: 'continuous',
      min: 18,
      max: 110,
      required: true,
      missing: REQUIRED,
    },
    {
      name: 'ejection_fraction',
      label: 'Ejection fraction',
      unit: '%',
      description: 'Percentage of blood leaving the left ventricle at each contraction.',
      kind: 'continuous',
      min: 5,
      max: 90,
      required: true,
      missing: REQUIRED,
    },
    {
      name: 'serum_creatinine',
      label: 'Serum creatinine',
      unit: 'mg/dL',
      description: 'Creatinine in the blood.',
      kind: 'continuous',
      min: 0.2,
      max: 15,
      required: true,
      missing: REQUIRED,
    },
    {
      name: 'serum_sodium',
      label: 'Serum sodium',
      unit: 'mEq/L',
      description: 'Sodium in the blood.',
      kind: 'continuous',
      min: 100,
      max: 170,
      required: false,
      missing: OPTIONAL,
    },
    {
      name: 'creatinine_phosphokinase',
      label: 'Creatinine phosphokinase',
      unit: 'mcg/L',
      description: 'Level of the CPK enzyme in the blood.',
      kind: 'continuous',
      min: 10,
      max: 10000,
      required: false,
      missing: OPTIONAL,
    },
    {
      name: 'platelets',
      label: 'Platelets',
      unit: '/µL',
      description: 'Platelet count per microlitre of blood.',
      kind: 'continuous',
      min: 10000,
      max: 1000000,
      required: false,
      missing: OPTIONAL,
    },
    binaryInput('anaemia', 'Anaemia', 'Decrease of red blood cells or haemoglobin (1 = yes).'),
    binaryInput('diabetes', 'Diabetes', 'The patient has diabetes (1 = yes).'),
    binaryInput('high_blood_pressure', 'Hypertension', 'The patient has hypertension (1 = yes).'),
    // Chicco & Jurman 2020, Table 1 (data/PROVENANCE.md): 0 = woman, 1 = man (194 men of 299).
    binaryInput('sex', 'Sex', '0 = woman, 1 = man.', [
      { value: 0, label: 'woman' },
      { value: 1, label: 'man' },
    ]),
    binaryInput('smoking', 'Smoking', 'The patient smokes (1 = yes).'),
  ],
  derived: [],
};
