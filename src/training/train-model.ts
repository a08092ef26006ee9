/**
 * Trains one model from its recipe: nested cross-validated evaluation, threshold, final fit, ONNX export and model
 * card.
 */
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { vectorNames } from '@/features/feature-set';
import type { ModelCard, ModelMetrics } from '@/inference/model-card';
import { modelCardDocument, type ModelEvaluation } from './card-document';
import type { Dataset } from './dataset';
import { bootstrapCI } from './evaluation/bootstrap';
import { auroc } from './evaluation/ranking-metrics';
import { event1At, maxEvent1Threshold, youdenThreshold } from './evaluation/threshold-metrics';
import { foldDecisions, foldThresholdMetrics, type ThresholdRule } from './evaluation/fold-thresholds';
import { repeatedHosmerLemeshow } from './evaluation/hosmer-lemeshow';
import type { Metric } from './evaluation/metric-input';
import { foldMeanAuroc, metricsReport, stackRepeats, type StackedPredictions } from './evaluation/metrics-report';
import { outOfFoldPredictions, type OutOfFold } from './evaluation/out-of-fold';
import { bestUtilityThreshold } from './evaluation/sepsis-utility';
import { utilityReport } from './evaluation/utility-report';
import { hideColumns, selectColumns } from './feature-columns';
import { fitGradientBoosting } from './gbdt/gradient-boosting';
import { globalImportance } from './global-importance';
import { selectGbdtParams, type InnerPredictions } from './model-selection';
import { exportOnnx } from './onnx-export';
import type { FeatureSetCandidate, ModelRecipe, Progress, TrainingData } from './recipes/model-recipe';
import { recipeTransferCheck } from './transfer-check';

export interface TrainedModel {
  card: ModelCard;
  onnx: Uint8Array;
  /** The final ensemble and the rows it was fitted on (before any hiding), for checks and explanations. */
  ensemble: TreeEnsemble;
  data: Dataset;
}

/**
 * Bootstrap replicates for the card's intervals: plenty for small tables, fewer where a replicate costs a pass over
 * 790k rows.
 */
const REPLICATES_SMALL = 1000;
const REPLICATES_LARGE = 200;
const LARGE = 50_000;

export async function trainModel(recipe: ModelRecipe, dataDir: string, progress: Progress): Promise<TrainedModel> {
  progress('loading data');
  const training = await recipe.load(dataDir, progress);
  const candidates = recipe.featureCandidates ?? [
    {
      name: 'all',
      description: 'every input of the feature set',
      inputs: recipe.featureSet.inputs.map((f) => f.name),
      hideOptionalShare: 0,
    },
  ];

  const evaluated = candidates.map((candidate) => {
    progress(
      `cross-validating feature set "${candidate.name}" (${recipe.evaluation.repeats}×${recipe.evaluation.folds} folds, nested selection)`,
    );
    return { candidate, ...evaluateCandidate(recipe, training, candidate, progress) };
  });
  const chosen = chooseCandidate(evaluated);
  const { candidate, data, oof } = chosen;
  const groups = data.groups;

  progress('computing metrics and threshold');
  const replicates = data.y.length > LARGE ? REPLICATES_LARGE : REPLICATES_SMALL;
  const report = { replicates, seed: recipe.seed };
  const rule = thresholdRuleOf(recipe);
  /**
   * A model's out-of-fold metrics at its own threshold (chosen on all out-of-fold predictions), the alarms it implies
   * (sepsis), and the threshold-dependent metrics again with each fold's threshold chosen inside its training fold.
   */
  const evaluate = (predictions: Float64Array[], inner: InnerPredictions[]): ModelEvaluation => {
    const stacked = stackRepeats(data.y, predictions, groups);
    const threshold = rule(stacked.y, stacked.p, groups);
    const utility =
      recipe.thresholdRule === 'utility'
        ? utilityReport(groups!, data.y, predictions[0], threshold, report)
        : undefined;
    const event1 = recipe.thresholdRule === 'event1';
    const fold = foldDecisions(data.y, predictions, oof.folds, inner, rule, groups);
    const atFoldThresholds = foldThresholdMetrics(data.y, fold, {
      ...report,
      groups,
      rule: FOLD_THRESHOLD_RULES[recipe.thresholdRule],
      event1,
    });
    if (utility) {
      atFoldThresholds.utility = utilityReport(groups!, data.y, fold.decisions[0], 0.5, report).utility;
    }
    const metrics: ModelMetrics = {
      ...metricsReport(stacked, threshold, report),
      aurocFoldMean: foldMeanAuroc(data.y, predictions, oof.folds),
      ...(utility ? { utility: utility.utility } : {}),
      ...(event1 ? { event1: interval(stacked, (y, p) => event1At(y, p, threshold), report) } : {}),
      ...(recipe.hosmerLemeshow ? { hosmerLemeshow: hosmerLemeshowReport(data.y, predictions, report) } : {}),
      atFoldThresholds,
    };
    return { threshold, metrics, alarms: utility?.alarms };
  };
  const gbdt = evaluate(
    oof.gbdt,
    oof.inner.map((f) => f.gbdt),
  );
  const baseline = evaluate(
    oof.baseline,
    oof.inner.map((f) => f.baseline),
  );
  const score =
    oof.score && recipe.scoreBaseline
      ? {
          name: recipe.scoreBaseline.name,
          description: recipe.scoreBaseline.description,
          metrics: evaluate(
            oof.score,
            oof.inner.map((f) => f.score!),
          ).metrics,
        }
      : undefined;
  const transfer = recipe.transferCheck
    ? await recipeTransferCheck(recipe.transferCheck, data, dataDir, {
        search: recipe.search,
        seed: recipe.seed,
        threshold: (rows, p) => thresholdRuleOf(recipe)(rows.y, p, rows.groups),
        utility: recipe.thresholdRule === 'utility',
        onProgress: progress,
      })
    : undefined;

  progress('choosing hyper-parameters on all rows and fitting the final model');
  const finalTraining = prepareTraining(data, recipe, candidate, recipe.seed);
  const selection = selectGbdtParams(finalTraining, recipe.search, recipe.seed);
  const params = { ...selection.params, seed: recipe.seed };
  const ensemble = fitGradientBoosting(finalTraining, params).ensemble;
  progress('explaining the training rows for global importance');
  const importance = globalImportance(ensemble, data);

  const onnx = exportOnnx(ensemble, {
    modelId: recipe.id,
    version: recipe.card.version,
    featureNames: data.featureNames,
  });

  const comparisons = evaluated.flatMap((e) => e.comparisons);
  const card = modelCardDocument({
    recipe,
    training,
    candidate,
    data,
    oof,
    replicates,
    gbdt,
    baseline,
    score,
    comparisons,
    params,
    ensemble,
    onnx,
    importance,
    transfer,
  });
  return { card, onnx, ensemble, data };
}

/** Utility thresholds tried: hourly sepsis risk is low, so the grid is fine where the optimum lies. */
export const UTILITY_CANDIDATES: number[] = [
  ...Array.from({ length: 79 }, (_, k) => (20 + 10 * k) / 4000),
  ...Array.from({ length: 79 }, (_, k) => (21 + k) / 100),
];

/** The recipe's threshold rule, for pooled out-of-fold predictions and for a fold's inner predictions alike. */
function thresholdRuleOf(recipe: ModelRecipe): ThresholdRule {
  switch (recipe.thresholdRule) {
    case 'utility':
      return (y, p, groups) => {
        if (!groups) throw new Error(`${recipe.id}: the utility threshold needs patient groups`);
        return bestUtilityThreshold(groups, y, p, UTILITY_CANDIDATES).threshold;
      };
    case 'event1':
      return (y, p) => maxEvent1Threshold(y, p);
    case 'youden':
      return (y, p) => youdenThreshold(y, p);
  }
}

/** How each outer fold's threshold is chosen, for the card. */
const FOLD_THRESHOLD_RULES: Record<ModelRecipe['thresholdRule'], string> = {
  youden:
    'In each outer training fold, the probability that maximises Youden’s J on the winning model’s inner-validation predictions for that fold’s training rows; applied to the fold’s test rows and the decisions pooled.',
  utility:
    'In each outer training fold, the probability (same grid as the shipped threshold) that maximises the normalized utility on the inner hold-out’s predictions; applied to the fold’s test patients and the decisions pooled.',
  event1:
    'In each outer training fold, the probability that maximises Event 1 = min(sensitivity, PPV) on the winning model’s inner-validation predictions for that fold’s training rows (for a score, on its recalibrated training-fold predictions); applied to the fold’s test rows and the decisions pooled.',
};

function interval(stacked: StackedPredictions, metric: Metric, report: { replicates: number; seed: number }) {
  const { estimate, lower, upper } = bootstrapCI(stacked.y, stacked.p, metric, { ...report, groups: stacked.unit });
  return { estimate, lower, upper };
}

function hosmerLemeshowReport(
  y: Uint8Array,
  predictions: Float64Array[],
  report: { replicates: number; seed: number },
) {
  const hl = repeatedHosmerLemeshow(y, predictions, report);
  return { h: hl.h, groups: hl.groups, df: hl.df, pValue: hl.pValue };
}

/** The candidate's training rows: only its inputs (plus derived features when it uses every input). */
function candidateData(recipe: ModelRecipe, training: TrainingData, candidate: FeatureSetCandidate): Dataset {
  // A timeline model's vector is the function's, whole.
  if (recipe.timeline) return training.data;
  if (candidate.inputs.length === recipe.featureSet.inputs.length)
    return selectColumns(training.data, vectorNames(recipe.featureSet));
  return selectColumns(training.data, candidate.inputs);
}

function optionalInputs(recipe: ModelRecipe, candidate: FeatureSetCandidate): string[] {
  return candidate.inputs.filter((name) => !recipe.featureSet.inputs.find((f) => f.name === name)!.required);
}

function prepareTraining(data: Dataset, recipe: ModelRecipe, candidate: FeatureSetCandidate, seed: number): Dataset {
  return hideColumns(data, optionalInputs(recipe, candidate), candidate.hideOptionalShare, seed);
}

interface CandidateResult {
  data: Dataset;
  oof: OutOfFold;
  auroc: number;
  /**
   * AUROC with the optional inputs absent from the test rows (only when the candidate has optional inputs and learns
   * their absence).
   */
  aurocAbsent?: number;
  comparisons: ModelCard['evaluation']['comparisons'];
}

function evaluateCandidate(
  recipe: ModelRecipe,
  training: TrainingData,
  candidate: FeatureSetCandidate,
  progress: Progress,
): CandidateResult {
  const data = candidateData(recipe, training, candidate);
  const optional = optionalInputs(recipe, candidate);
  const withAbsence = candidate.hideOptionalShare > 0 && optional.length > 0;
  const started = Date.now();
  const oof = outOfFoldPredictions(data, {
    folds: recipe.evaluation.folds,
    repeats: recipe.evaluation.repeats,
    search: recipe.search,
    baseline: recipe.baseline,
    seed: recipe.seed,
    prepareTraining: withAbsence ? (train, seed) => prepareTraining(train, recipe, candidate, seed) : undefined,
    testViews: withAbsence ? { absent: (test) => hideColumns(test, optional, 1, 0) } : undefined,
    reuseHoldoutFit: recipe.evaluation.reuseHoldoutFit,
    ...(recipe.scoreBaseline && training.score
      ? { score: { values: training.score, l2: recipe.scoreBaseline.l2 } }
      : {}),
    onFold: (done, total) => progress(`  fold ${done}/${total} (${((Date.now() - started) / 1000).toFixed(0)} s)`),
    onRound:
      data.y.length > LARGE
        ? (round, loss) => round % 50 === 0 && progress(`    round ${round}, validation log-loss ${loss?.toFixed(5)}`)
        : undefined,
  });
  const stacked = stackRepeats(data.y, oof.gbdt, data.groups);
  const comparisons: CandidateResult['comparisons'] = [];
  const interval = (p: Float64Array[]) => {
    const s = stackRepeats(data.y, p, data.groups);
    const { estimate, lower, upper } = bootstrapCI(s.y, s.p, auroc, {
      replicates: REPLICATES_SMALL,
      seed: recipe.seed,
      groups: s.unit,
    });
    return { estimate, lower, upper };
  };
  const result: CandidateResult = { data, oof, auroc: auroc(stacked.y, stacked.p), comparisons };
  if (recipe.featureCandidates) {
    comparisons.push({
      name: candidate.name,
      description: `${candidate.description}; every input present`,
      auroc: interval(oof.gbdt),
    });
    if (withAbsence) {
      result.aurocAbsent = auroc(stacked.y, stackRepeats(data.y, oof.views.absent, data.groups).p);
      comparisons.push({
        name: `${candidate.name}, optional inputs absent`,
        description: `${candidate.description}; the optional inputs (${optional.join(', ')}) missing in every test row`,
        auroc: interval(oof.views.absent),
      });
    }
  }
  return result;
}

/** Smallest AUROC gain that justifies asking for more inputs. */
const MIN_GAIN = 0.005;
/** Largest AUROC loss tolerated, against the reference, when the extra inputs are absent. */
const MAX_ABSENT_LOSS = 0.01;

/**
 * The first candidate is the reference. A later one replaces the current choice when it beats it by
 * MIN_GAIN and stays within MAX_ABSENT_LOSS of the reference with its optional inputs absent.
 */
function chooseCandidate<T extends CandidateResult & { candidate: FeatureSetCandidate }>(evaluated: T[]): T {
  const reference = evaluated[0];
  let chosen = reference;
  for (const e of evaluated.slice(1)) {
    const honestWhenAbsent = e.aurocAbsent === undefined || e.aurocAbsent >= reference.auroc - MAX_ABSENT_LOSS;
    if (e.auroc >= chosen.auroc + MIN_GAIN && honestWhenAbsent) chosen = e;
  }
  for (const e of evaluated) {
    for (const c of e.comparisons) if (e === chosen && !c.note) c.note = 'chosen';
  }
  return chosen;
}
