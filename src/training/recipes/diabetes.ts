/** Recipe of the `diabetes` model: Pima Indians Diabetes, zeros read as missing, 5×5 repeated stratified CV. */
import { diabetesFeatureSet } from '@/features/diabetes';
import { loadDiabetes } from '../datasets/diabetes';
import { SMALL_TABLE_SEARCH } from './small-table-search';
import type { ModelRecipe } from './model-recipe';

export const diabetesRecipe: ModelRecipe = {
  id: 'diabetes',
  card: {
    name: 'Diabetes (Pima cohort)',
    version: '1.0.0',
    outcome: 'Diabetes by WHO criteria (2-hour post-load plasma glucose ≥ 200 mg/dL) in the Pima cohort',
    description:
      'Probability that a woman of the Pima cohort has diabetes, from pregnancies, an oral glucose tolerance test, blood pressure, skin-fold thickness, insulin, BMI, family history and age.',
    intendedUse:
      'Decision support and teaching: ranking adult women by diabetes risk from routine measurements, with a per-feature explanation. Not a diagnosis; diabetes is diagnosed by the tests themselves.',
    limitations: [
      'Trained on 768 women of Pima (Akimel O’odham) heritage aged 21 or more, examined before 1988; performance elsewhere is unknown.',
      'Skin thickness and insulin were not measured for about a third and half of the cohort; the model has seen few complete rows.',
      'The outcome is itself defined by the glucose tolerance test, so glucose dominates the prediction.',
      'Cross-validated metrics are estimates on this cohort only; no external validation has been made.',
    ],
  },
  dataset: {
    name: 'Pima Indians Diabetes Database (NIDDK), Kaggle “uciml/pima-indians-diabetes-database” copy of the UCI table',
    citation:
      'Smith JW, Everhart JE, Dickson WC, Knowler WC, Johannes RS. Using the ADAP learning algorithm to forecast the onset of diabetes mellitus. Proc Annu Symp Comput Appl Med Care 1988:261–265.',
    licence: 'CC0 1.0 (public domain) as listed by Kaggle; the original UCI entry states no licence',
    url: 'https://www.kaggle.com/datasets/uciml/pima-indians-diabetes-database',
    file: 'diabetes/diabetes.csv',
  },
  featureSet: diabetesFeatureSet,
  async load(dataDir) {
    const table = loadDiabetes(dataDir);
    return {
      ...table,
      preprocessing: ['0 in glucose, blood_pressure, skin_thickness, insulin and bmi read as missing (not measured)'],
    };
  },
  evaluation: { folds: 5, repeats: 5 },
  search: SMALL_TABLE_SEARCH,
  baseline: { l2Grid: [0.1, 1, 10, 100], inner: { folds: 5, use: 5 } },
  thresholdRule: 'youden',
  seed: 20261123,
};
