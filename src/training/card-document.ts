/**
 * The model card a training run writes: what the model is, how it was evaluated and how it was fitted, from the
 * training results.
 */
import { createHash } from 'node:crypto';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { TIMELINE_FUNCTIONS } from '@/features/timeline-functions';
import { modelCardSchema, type ModelCard, type ModelMetrics } from '@/inference/model-card';
import type { Dataset } from './dataset';
import { ruleOutLevel, stackRepeats } from './evaluation/metrics-report';
import type { OutOfFold } from './evaluation/out-of-fold';
import type { UtilityReport } from './evaluation/utility-report';
import type { GbdtParams } from './gbdt/gradient-boosting';
import type { GlobalImportance } from './global-importance';
import type { TransferResult } from './transfer-check';
import { ONNX_INPUT_NAME, ONNX_PROBABILITY_OUTPUT } from './onnx-export';
import type { FeatureSetCandidate, ModelRecipe, TrainingData } from './recipes/model-recipe';

/** A model's out-of-fold metrics at its own threshold, and the alarms the threshold implies (sepsis). */
export interface ModelEvaluation {
  threshold: number;
  metrics: ModelMetrics;
  alarms?: UtilityReport['alarms'];
}

/** What a training run produced, as the card describes it. */
export interface TrainingResults {
  recipe: ModelRecipe;
  training: TrainingData;
  /** The chosen feature set, its rows and their out-of-fold predictions. */
  candidate: FeatureSetCandidate;
  data: Dataset;
  oof: OutOfFold;
  /** Bootstrap replicates behind the metrics' intervals. */
  replicates: number;
  gbdt: ModelEvaluation;
  baseline: ModelEvaluation;
  /** The recipe's severity score, evaluated on the same folds. */
  score?: ModelCard['evaluation']['scoreBaseline'];
  comparisons: ModelCard['evaluation']['comparisons'];
  /** The final model, as fitted on every row and exported. */
  params: GbdtParams;
  ensemble: TreeEnsemble;
  onnx: Uint8Array;
  importance: GlobalImportance;
  /** The transfer check, when the recipe asks for one. */
  transfer?: { method: string; results: TransferResult[] };
}

/** The card document, checked against the card schema. */
export function modelCardDocument(results: TrainingResults): ModelCard {
  const {
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
  } = results;
  const timeline = recipe.timeline === undefined ? undefined : TIMELINE_FUNCTIONS[recipe.timeline];
  if (recipe.timeline !== undefined && !timeline)
    throw new Error(`${recipe.id}: no timeline function "${recipe.timeline}" in TIMELINE_FUNCTIONS`);
  const timelineOnly = timeline !== undefined && recipe.featureSet.inputs.length === 0;
  const groups = data.groups;
  const threshold = gbdt.threshold;
  const inputs = candidate.inputs.map((name) => recipe.featureSet.inputs.find((f) => f.name === name)!);
  const derived = inputs.length === recipe.featureSet.inputs.length ? recipe.featureSet.derived : [];
  const card: ModelCard = {
    cardVersion: 1,
    id: recipe.id,
    ...recipe.card,
    dataset: {
      ...recipe.dataset,
      sha256: training.sha256,
      rows: training.rows,
      positives: training.positives,
      ...(training.patients !== undefined ? { patients: training.patients } : {}),
      preprocessing: training.preprocessing,
    },
    // A model taking only a course (no inputs of its own, icu-mortality) lists its whole vector as derived features;
    // one taking both (sepsis) keeps its inputs, and its timeline function computes the same vector from a course.
    features: timelineOnly ? [] : inputs,
    derivedFeatures: timelineOnly
      ? timeline.features().map(({ name, label, unit, description }) => ({ name, label, unit, description }))
      : derived.map(({ name, label, description }) => ({ name, label, description })),
    ...(timeline
      ? {
          timeline: {
            function: timeline.name,
            windowMinutes: timeline.windowMinutes,
            ...(timeline.lastMinute !== undefined ? { lastMinute: timeline.lastMinute } : {}),
            observations: timeline.observations.map(({ codes, units, ...o }) => ({
              ...o,
              ...(codes ? { codes: codes.map((c) => ({ ...c })) } : {}),
              ...(units ? { units: units.map((u) => ({ ...u })) } : {}),
            })),
          },
        }
      : {}),
    onnx: {
      file: 'model.onnx',
      sha256: createHash('sha256').update(onnx).digest('hex'),
      inputName: ONNX_INPUT_NAME,
      probabilityOutput: ONNX_PROBABILITY_OUTPUT,
      trees: ensemble.trees.length,
    },
    threshold: { value: threshold, rule: THRESHOLD_RULES[recipe.thresholdRule] },
    riskBands: {
      moderateFrom: ruleOutLevel(stackRepeats(data.y, oof.gbdt, groups), threshold),
      highFrom: threshold,
      rule: 'HIGH from the decision threshold; MODERATE from the highest probability that keeps 95% of the out-of-fold positives at or above it (a rule-out level); LOW below.',
    },
    evaluation: {
      method: groups
        ? `${recipe.evaluation.folds}-fold cross-validation grouped by patient and stratified by whether the patient ever has a positive label; hyper-parameters chosen inside each training fold; out-of-fold predictions pooled; 95% intervals by percentile bootstrap over patients (${replicates} replicates).`
        : `${recipe.evaluation.repeats}× repeated stratified ${recipe.evaluation.folds}-fold cross-validation; hyper-parameters chosen ${innerText(recipe)} inside each training fold; out-of-fold predictions pooled over the repeats; 95% intervals by percentile bootstrap over patients, each keeping its predictions from every repeat (${replicates} replicates).`,
      folds: recipe.evaluation.folds,
      repeats: recipe.evaluation.repeats,
      groupedBy: groups ? 'patient' : null,
      gbdt: gbdt.metrics,
      baseline: baseline.metrics,
      ...(score ? { scoreBaseline: score } : {}),
      comparisons: [...comparisons, ...(recipe.experiments ?? [])],
      ...(gbdt.alarms ? { alarms: gbdt.alarms } : {}),
      ...(transfer ? { transfer } : {}),
    },
    globalImportance: importance.features,
    globalImportanceRows: importance.rows,
    training: {
      algorithm:
        'Gradient-boosted decision trees (this project’s learner): log-loss, Newton leaf values, histogram split finding (≤ 255 bins), learned missing-value directions.',
      seed: recipe.seed,
      params: { ...params },
      selection: `Grid ${JSON.stringify(recipe.search.grid)} over ${JSON.stringify({ ...recipe.search.base, rounds: undefined, seed: undefined })}; the lowest mean validation log-loss over ${recipe.search.inner.use} inner fold(s) of ${recipe.search.inner.folds}, with early stopping after ${recipe.search.earlyStoppingRounds} rounds without improvement; the tree count is the mean early-stopping round. Feature set: ${candidate.name} (${candidate.description}).`,
      baseline: `Logistic regression on standardised features${recipe.baseline.features ? ` (${recipe.baseline.features.length} of the vector’s: ${recipe.baseline.features.join(', ')})` : ''} with missing-value indicators, L2 penalty chosen from ${JSON.stringify(recipe.baseline.l2Grid)} by inner cross-validation.`,
    },
  };
  return modelCardSchema.parse(card);
}

/** How the inner selection validates, in words (repeated CV only; the grouped text predates it). */
function innerText(recipe: ModelRecipe): string {
  const { folds, use } = recipe.search.inner;
  if (use === folds) return 'by inner cross-validation';
  const holdout =
    use === 1
      ? `on an inner hold-out (1 of ${folds} stratified parts)`
      : `on ${use} of ${folds} inner validation folds`;
  return recipe.evaluation.reuseHoldoutFit
    ? `${holdout}, the fold’s model being the winner as fitted on the rest of the training fold, early-stopped on the hold-out,`
    : holdout;
}

const THRESHOLD_RULES: Record<ModelRecipe['thresholdRule'], string> = {
  youden:
    'The out-of-fold probability that maximises Youden’s J (sensitivity + specificity − 1), pooled over the repeats.',
  event1:
    'The out-of-fold probability that maximises the PhysioNet/CinC 2012 Event 1 score, min(sensitivity, PPV), pooled over the repeats.',
  utility:
    'The probability (from 0.005 to 0.2 by 0.0025, then to 0.99 by 0.01) that maximises the PhysioNet/CinC 2019 normalized utility of the hourly out-of-fold predictions.',
};
