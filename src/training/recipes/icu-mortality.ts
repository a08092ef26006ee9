/**
 * Recipe of the `icu-mortality` model: PhysioNet/CinC 2012 set-a + set-b (8,000 stays), the timeline function's
 * 301-entry vector at 48 h, 5×5 repeated stratified CV with nested selection, Event 1 threshold, SAPS-I beside it.
 */
import { DEFAULT_WINDOW_MINUTES, icuMortalityFeatures } from '@/features/icu-mortality';
import { loadIcuMortalityTable } from '../datasets/icu-mortality-dataset';
import type { ModelRecipe } from './model-recipe';

/**
 * The logistic baseline reads the stay's facts and each series' lowest, highest and latest value (116 columns, with
 * missing indicators about 230): on all 301 columns one Newton fit took about a minute per fold on this machine.
 */
const BASELINE_FEATURES = icuMortalityFeatures()
  .filter(
    (f) => f.statistic === 'at_admission' || f.statistic === 'min' || f.statistic === 'max' || f.statistic === 'last',
  )
  .map((f) => f.name);

export const icuMortalityRecipe: ModelRecipe = {
  id: 'icu-mortality',
  card: {
    name: 'In-hospital mortality from the first 48 hours in the ICU',
    version: '1.0.0',
    outcome:
      'Death in hospital (the challenge’s In-hospital_death), for a patient scored at 48 hours after ICU admission',
    description:
      'Probability that an adult ICU patient dies in hospital, from the first 48 hours of the stay: age, sex, height, ICU type and admission weight, and per vital sign or laboratory test the first, last, lowest, highest and mean value, how often and how long ago it was measured, and its trend.',
    intendedUse:
      'Decision support and benchmarking in adult ICUs: a mortality risk at 48 hours with a per-feature explanation, to support prioritisation and case-mix adjustment. Not a triage rule on its own and not for patients scored before 48 hours: earlier courses hold fewer measurements than the model was trained on.',
    limitations: [
      'Trained and cross-validated on the PhysioNet/CinC 2012 challenge’s set-a and set-b only (8,000 adult ICU stays of a single source, MIMIC-II at one Boston hospital, released in 2012); set-c is held out for external validation and performance at other hospitals or in later years is unknown.',
      'The outcome is death in hospital as the outcomes files record it (during or after the ICU stay), not ICU or 30-day mortality.',
      'The model scores at 48 hours after ICU admission from what was charted by then; it sees no treatments, diagnoses or notes, and a stay scored earlier has fewer measurements than its training stays (missing values are routed, not imputed).',
      'Measurement habits of the source hospital (which labs were drawn, how often) are features; they may not transfer.',
      'Values outside plausible ranges were dropped as artefacts and three unit errors rescaled (see preprocessing).',
    ],
  },
  dataset: {
    name: 'PhysioNet/Computing in Cardiology Challenge 2012: Predicting Mortality of ICU Patients, set-a and set-b',
    citation:
      'Silva I, Moody G, Scott DJ, Celi LA, Mark RG. Predicting In-Hospital Mortality of ICU Patients: The PhysioNet/Computing in Cardiology Challenge 2012. Comput Cardiol 2012;39:245–248. Goldberger AL et al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation 2000;101(23):e215–e220.',
    licence: 'ODC-By 1.0 (Open Data Commons Attribution), as stated on the PhysioNet project page',
    url: 'https://physionet.org/content/challenge-2012/1.0.0/',
    file: 'physionet2012/{set-a,set-b,Outcomes-a.txt,Outcomes-b.txt}',
  },
  featureSet: { inputs: [], derived: [] },
  timeline: 'icu-mortality',
  async load(dataDir, progress) {
    const table = await loadIcuMortalityTable(dataDir, DEFAULT_WINDOW_MINUTES);
    progress(`read ${table.recordIds.length} stays`);
    const screened = Object.entries(
      table.sets.reduce<Record<string, number>>((all, set) => {
        for (const [code, n] of Object.entries(set.screenedOut)) all[code] = (all[code] ?? 0) + n;
        return all;
      }, {}),
    ).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const positives = table.data.y.reduce((a, b) => a + b, 0);
    const sapsMissing = table.sapsI.filter((v) => Number.isNaN(v)).length;
    return {
      data: table.data,
      score: table.sapsI,
      sha256: table.sha256,
      rows: table.data.y.length,
      positives,
      preprocessing: [
        'one row per stay: the timeline function icu-mortality at 48 h (2,880 minutes) over the stay’s observations, exactly as served',
        'descriptors read by parameter name, wherever they sit among the 00:00 lines; -1 read as missing',
        `values outside each observation code’s plausible range dropped as artefacts (${screened.map(([c, n]) => `${c} ${n}`).join(', ')})`,
        'unit rules: pH recorded ×100, heights converted twice, white cells per µL (see the timeline section)',
        `SAPS-I from the outcomes files, for the score baseline only (unknown in ${sapsMissing} stays)`,
        'dataset sha256: of the SHA256SUMS lines of Outcomes-a/b and every set-a/set-b record file, each file checked against its line',
      ],
    };
  },
  evaluation: { folds: 5, repeats: 5, reuseHoldoutFit: true },
  search: {
    base: {
      rounds: 2000,
      learningRate: 0.05,
      maxDepth: 3,
      minChildWeight: 5,
      lambda: 1,
      gamma: 0,
      subsample: 0.8,
      colsample: 0.3,
      maxBins: 255,
      seed: 1,
    },
    grid: [{ maxDepth: 3 }, { maxDepth: 4, minChildWeight: 10 }],
    earlyStoppingRounds: 50,
    inner: { folds: 5, use: 1 },
  },
  baseline: { l2Grid: [30], inner: { folds: 5, use: 1 }, features: BASELINE_FEATURES },
  thresholdRule: 'event1',
  hosmerLemeshow: true,
  scoreBaseline: {
    name: 'SAPS-I',
    description:
      'SAPS-I (Simplified Acute Physiology Score, first 24 hours) as the challenge’s outcomes files give it, turned into a probability by a logistic recalibration (SAPS-I and a missing indicator, for the stays without it) fitted in each outer training fold; every figure is of those out-of-fold probabilities, pooled (AUROC and AUPRC thus mix the folds’ recalibrations, which differ little from one another). The fold thresholds are chosen by the Event 1 rule on each training fold’s recalibrated scores.',
    l2: 1,
  },
  seed: 20261123,
};
