/**
 * Recipe of the `heart-failure` model: UCI heart failure records without `time`; extra inputs only where CV shows a
 * gain.
 */
import { heartFailureFeatureSet } from '@/features/heart-failure';
import { loadHeartFailure } from '../datasets/heart-failure';
import { SMALL_TABLE_SEARCH } from './small-table-search';
import type { ModelRecipe } from './model-recipe';

const CORE = ['age', 'ejection_fraction', 'serum_creatinine'];

export const heartFailureRecipe: ModelRecipe = {
  id: 'heart-failure',
  card: {
    name: 'Heart-failure mortality',
    version: '1.0.0',
    outcome: 'Death during the follow-up period (4–285 days) of a patient with left-ventricular systolic dysfunction',
    description:
      'Probability that a heart-failure patient dies during follow-up, from age, ejection fraction and serum creatinine, and other routine values where they help.',
    intendedUse:
      'Decision support: flags heart-failure patients at high risk of death in the months after an admission, with a per-feature explanation, so that follow-up can be prioritised. Not for patients outside heart failure with reduced ejection fraction.',
    limitations: [
      'Trained on 299 patients (NYHA class III–IV) of one cardiology institute in Faisalabad, Pakistan, in 2015; performance elsewhere is unknown.',
      'Follow-up length varies from 4 to 285 days and censoring is ignored: the outcome is death within each patient’s follow-up, not within a fixed horizon.',
      'Some values in the source data were imputed before release (e.g. platelets 263,358.03, CPK 582).',
      'With 96 deaths, metrics have wide confidence intervals.',
    ],
  },
  dataset: {
    name: 'Heart failure clinical records (UCI Machine Learning Repository #519)',
    citation:
      'Chicco D, Jurman G. Machine learning can predict survival of patients with heart failure from serum creatinine and ejection fraction alone. BMC Med Inform Decis Mak 2020;20:16. Data: Ahmad T, Munir A, Bhatti SH, Aftab M, Raza MA. Survival analysis of heart failure patients: a case study. PLoS ONE 2017;12(7):e0181001.',
    licence: 'CC BY 4.0',
    url: 'https://archive.ics.uci.edu/dataset/519/heart+failure+clinical+records',
    file: 'heart-failure/heart_failure_clinical_records_dataset.csv',
  },
  featureSet: heartFailureFeatureSet,
  async load(dataDir) {
    const table = loadHeartFailure(dataDir);
    return { ...table, preprocessing: ['`time` (follow-up days) dropped: it leaks the outcome'] };
  },
  evaluation: { folds: 5, repeats: 5 },
  search: SMALL_TABLE_SEARCH,
  baseline: { l2Grid: [0.1, 1, 10, 100], inner: { folds: 5, use: 5 } },
  thresholdRule: 'youden',
  featureCandidates: [
    {
      name: 'core',
      description: 'age, ejection fraction and serum creatinine: what every client sends',
      inputs: CORE,
      hideOptionalShare: 0,
    },
    {
      name: 'core+sodium',
      description: 'the core three and serum sodium, hidden in half of the training rows',
      inputs: [...CORE, 'serum_sodium'],
      hideOptionalShare: 0.5,
    },
    {
      name: 'all',
      description: 'every recorded value but `time`, the optional ones hidden in half of the training rows',
      inputs: heartFailureFeatureSet.inputs.map((f) => f.name),
      hideOptionalShare: 0.5,
    },
  ],
  seed: 20261123,
};
