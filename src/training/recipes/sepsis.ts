/**
 * Recipe of the `sepsis` model: PhysioNet/CinC 2019 set A, carried-forward patient-hours, CV grouped by patient,
 * utility threshold.
 */
import { sepsisFeatureSet } from '@/features/sepsis';
import { loadSepsisDataset } from '../datasets/sepsis-dataset';
import { readIcuUnits } from '../datasets/sepsis-units';
import type { ModelRecipe } from './model-recipe';

export const sepsisRecipe: ModelRecipe = {
  id: 'sepsis',
  card: {
    name: 'Sepsis onset (ICU, next 6 hours)',
    version: '1.0.0',
    outcome:
      'Sepsis-3 onset within the next 6 hours for an ICU patient-hour (the challenge’s SepsisLabel: 1 from 6 hours before onset on)',
    description:
      'Hourly probability that an ICU patient is within 6 hours of sepsis onset (or past it), from the latest value of each vital sign and laboratory test, age, sex and time since admission.',
    intendedUse:
      'Early-warning decision support in adult ICUs: an hourly score and alarm that prompts a clinician to assess the patient for sepsis, with a per-feature explanation. Not a diagnosis and not a substitute for clinical assessment.',
    limitations: [
      'Trained on one hospital system (PhysioNet/CinC 2019 training set A, 20,336 ICU stays); set B, a second system, is held out for external validation and the challenge found that models lose utility across hospitals.',
      'Sees only the latest value of each measurement: no trends, no time since the last measurement, no treatments.',
      'The label marks every hour from 6 hours before onset on; hours long after onset count as positives, which inflates hourly metrics compared with early detection.',
      'Onset follows the challenge’s Sepsis-3 definition from charted data; patients whose sepsis was not documented count as negatives.',
      'Hourly metrics count each patient-hour; intervals are by bootstrap over patients.',
    ],
  },
  dataset: {
    name: 'PhysioNet/Computing in Cardiology Challenge 2019: Early Prediction of Sepsis from Clinical Data, training set A',
    citation:
      'Reyna MA, Josef CS, Jeter R, Shashikumar SP, Westover MB, Nemati S, Clifford GD, Sharma A. Early Prediction of Sepsis From Clinical Data: The PhysioNet/Computing in Cardiology Challenge 2019. Crit Care Med 2020;48(2):210–217. Goldberger AL et al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation 2000;101(23):e215–e220.',
    licence: 'CC BY 4.0',
    url: 'https://physionet.org/content/challenge-2019/1.0.0/',
    file: 'physionet2019/setA.csv.gz',
  },
  featureSet: sepsisFeatureSet,
  async load(dataDir, progress) {
    const data = await loadSepsisDataset(dataDir, {
      onProgress: ({ phase, done, total }) =>
        phase === 'build' && done === total && progress(`built ${total} patients' hours`),
    });
    return {
      data,
      sha256: data.source!.sha256,
      rows: data.stats.rows,
      positives: data.stats.positiveRows,
      patients: data.stats.patients,
      preprocessing: [
        'one row per patient-hour: the last observed value of every measurement up to that hour, missing until first measured',
        `recorded values outside an input’s plausible range are treated as not recorded (${data.stats.blankedTotal} values)`,
        'Unit1/Unit2 (ICU type) not used: site-specific and often missing',
      ],
    };
  },
  evaluation: { folds: 5, repeats: 1, reuseHoldoutFit: true },
  search: {
    base: {
      rounds: 600,
      learningRate: 0.05,
      maxDepth: 4,
      minChildWeight: 200,
      lambda: 1,
      gamma: 0,
      subsample: 0.3,
      colsample: 0.6,
      maxBins: 255,
      seed: 1,
    },
    // Patients contribute dozens of correlated hours, so loosely regularised trees learn patients, not
    // sepsis: on a grouped hold-out, depth 6 with min child weight 20 stopped improving after ~27 rounds.
    grid: [
      { maxDepth: 4, minChildWeight: 200 },
      { maxDepth: 6, minChildWeight: 500 },
    ],
    earlyStoppingRounds: 20,
    inner: { folds: 5, use: 1 },
  },
  // 500k+ rows leave the penalty almost no work; one value keeps the baseline's fit affordable.
  baseline: { l2Grid: [10], inner: { folds: 5, use: 1 } },
  thresholdRule: 'utility',
  transferCheck: {
    method:
      'Transfer check inside set A: the same recipe (search, seed) fitted on the medical-ICU patients (Unit1) and tested on the surgical-ICU patients (Unit2), then the reverse; patients with neither unit recorded are left out. The threshold is the best-utility one on out-of-fold predictions of a grouped 5-fold CV inside the training unit, never on the test unit. Hourly AUROC and normalized utility on the test unit. Septic patients are 10.8 % of Unit1 and 4.1 % of Unit2, so a threshold carried across units also carries a prevalence shift, as between hospitals.',
    thresholdFolds: 5,
    units: (dataDir) => readIcuUnits(dataDir, 'physionet2019/setA.csv.gz'),
  },
  seed: 20261123,
};
