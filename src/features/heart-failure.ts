/** Inputs of the `heart-failure` model (UCI heart failure clinical records); `time` is never an input, it leaks the outcome. */
import type { FeatureSet } from './feature-set';

const REQUIRED = 'required: every client of the heart-failure API sends it';
const OPTIONAL =
  'may be omitted (null): the model was trained with this value hidden in part of the rows, so it routes a missing value down a learned branch';

export const heartFailureFeatureSet: FeatureSet = {
  inputs: [
    { name: 'age', label: 'Age', unit: 'years', description: 'Age in years.', min: 18, max: 110, required: true, missing: REQUIRED },
    {
      name: 'ejection_fraction',
      label: 'Ejection fraction',
      unit: '%',
      description: 'Percentage of blood leaving the left ventricle at each contraction.',
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
      min: 10000,
      max: 1000000,
      required: false,
      missing: OPTIONAL,
    },
    { name: 'anaemia', label: 'Anaemia', unit: '0/1', description: 'Decrease of red blood cells or haemoglobin (1 = yes).', min: 0, max: 1, required: false, missing: OPTIONAL },
    { name: 'diabetes', label: 'Diabetes', unit: '0/1', description: 'The patient has diabetes (1 = yes).', min: 0, max: 1, required: false, missing: OPTIONAL },
    {
      name: 'high_blood_pressure',
      label: 'Hypertension',
      unit: '0/1',
      description: 'The patient has hypertension (1 = yes).',
      min: 0,
      max: 1,
      required: false,
      missing: OPTIONAL,
    },
    { name: 'sex', label: 'Sex', unit: '0/1', description: '0 = woman, 1 = man.', min: 0, max: 1, required: false, missing: OPTIONAL },
    { name: 'smoking', label: 'Smoking', unit: '0/1', description: 'The patient smokes (1 = yes).', min: 0, max: 1, required: false, missing: OPTIONAL },
  ],
  derived: [],
};
