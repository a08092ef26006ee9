/** Inputs of the `diabetes` model (Pima Indians Diabetes cohort). */
import type { FeatureSet } from './feature-set';

const MISSING_AS_NAN =
  'may be omitted (null): the model routes a missing value down each split’s learned missing-value branch. In the training data a 0 here meant “not measured” and was read as missing';
const REQUIRED = 'required: never missing in the training data, so the model has learned nothing about its absence';

export const diabetesFeatureSet: FeatureSet = {
  inputs: [
    {
      name: 'pregnancies',
      label: 'Pregnancies',
      unit: 'count',
      description: 'Number of times pregnant.',
      min: 0,
      max: 20,
      required: true,
      missing: REQUIRED,
    },
    {
      name: 'glucose',
      label: 'Plasma glucose (2 h OGTT)',
      unit: 'mg/dL',
      description: 'Plasma glucose concentration 2 hours into an oral glucose tolerance test.',
      min: 20,
      max: 600,
      required: false,
      missing: MISSING_AS_NAN,
    },
    {
      name: 'blood_pressure',
      label: 'Diastolic blood pressure',
      unit: 'mm Hg',
      description: 'Diastolic blood pressure.',
      min: 20,
      max: 160,
      required: false,
      missing: MISSING_AS_NAN,
    },
    {
      name: 'skin_thickness',
      label: 'Triceps skin-fold thickness',
      unit: 'mm',
      description: 'Triceps skin-fold thickness.',
      min: 3,
      max: 110,
      required: false,
      missing: MISSING_AS_NAN,
    },
    {
      name: 'insulin',
      label: '2-hour serum insulin',
      unit: 'µU/mL',
      description: 'Serum insulin 2 hours into an oral glucose tolerance test.',
      min: 5,
      max: 1000,
      required: false,
      missing: MISSING_AS_NAN,
    },
    {
      name: 'bmi',
      label: 'Body mass index',
      unit: 'kg/m²',
      description: 'Weight in kg divided by the square of height in m.',
      min: 10,
      max: 80,
      required: false,
      missing: MISSING_AS_NAN,
    },
    {
      name: 'diabetes_pedigree_function',
      label: 'Diabetes pedigree function',
      unit: null,
      description: 'A score of the family history of diabetes (Smith et al. 1988).',
      min: 0.05,
      max: 3,
      required: true,
      missing: REQUIRED,
    },
    {
      name: 'age',
      label: 'Age',
      unit: 'years',
      description: 'Age in years; the cohort is women aged 21 or more.',
      min: 21,
      max: 100,
      required: true,
      missing: REQUIRED,
    },
  ],
  derived: [],
};
