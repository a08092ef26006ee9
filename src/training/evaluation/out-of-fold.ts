/**
 * Out-of-fold predictions by nested cross-validation: every choice (hyper-parameters, L2) is made inside the outer
 * training fold.
 */
import { subset, type Dataset } from '../dataset';
import { selectColumns } from '../feature-columns';
import { groupedStratifiedKFold, repeatedStratifiedKFold, splits, type RepeatedSplit } from '../cross-validation';
import { fitGradientBoosting, predictProbabilities } from '../gbdt/gradient-boosting';
import { fitLogisticRegression, predictProbability } from '../logistic-regression';
import {
  selectGbdtParams,
  selectLogistic,
  type GbdtSearch,
  type InnerPredictions,
  type InnerValidation,
} from '../model-selection';
import { Rng } from '../random';

export interface OutOfFoldDesign {
  folds: number;
  repeats: number;
  search: GbdtSearch;
  baseline: { l2Grid: number[]; inner: InnerValidation; features?: string[] };
  seed: number;
  /**
   * Applied to each outer training fold before fitting (e.g. hiding optional inputs); test rows are left as they are.
   */
  prepareTraining?: (train: Dataset, seed: number) => Dataset;
  /** Extra views of each outer test fold to score with the same GBDT (e.g. optional inputs hidden). */
  testViews?: Record<string, (test: Dataset) => Dataset>;
  /**
   * With a single inner hold-out, use the early-stopped model fitted during selection as the fold's
   * model instead of refitting on the whole training fold: half the cost, where a fit takes minutes.
   */
  reuseHoldoutFit?: boolean;
  /**
   * A severity score to compare with (icu-mortality: SAPS-I), one value per row, NaN when unknown: in each training
   * fold a logistic recalibration (the score and a missing indicator) is fitted, and scores the test fold.
   */
  score?: { values: Float64Array; l2: number };
  onFold?: (done: number, total: number) => void;
  onRound?: (round: number, validationLogLoss?: number) => void;
}

export interface OutOfFold {
  /** predictions[repeat][row] for the GBDT, the baseline, and each extra test view. */
  gbdt: Float64Array[];
  baseline: Float64Array[];
  views: Record<string, Float64Array[]>;
  /** Test rows of each outer fold, by repeat. */
  folds: { repeat: number; test: Int32Array }[];
  /** The recalibrated score's out-of-fold predictions (when the design has a score). */
  score?: Float64Array[];
  /**
   * For each outer fold (in `folds` order), predictions on rows of its training fold that the model making them did
   * not see while fitting (the winner's inner validation rows; for the score, its training rows, as it is a fixed
   * formula recalibrated there): where the fold's own threshold is chosen. `rows` index the whole data.
   */
  inner: { gbdt: InnerPredictions; baseline: InnerPredictions; score?: InnerPredictions }[];
  /** GBDT parameters chosen in each outer fold (rounds included). */
  chosen: { repeat: number; fold: number; maxDepth: number; minChildWeight: number; rounds: number; l2: number }[];
}

/** Outer splits: repeated stratified k-fold, or grouped stratified k-fold (by patient) when the rows carry groups. */
export function outerSplits(data: Dataset, folds: number, repeats: number, seed: number): RepeatedSplit[] {
  if (!data.groups) return repeatedStratifiedKFold(data.y, folds, repeats, seed);
  const out: RepeatedSplit[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const rng = new Rng(seed + repeat);
    splits(groupedStratifiedKFold(data.y, data.groups, folds, rng)).forEach((s, fold) =>
      out.push({ ...s, repeat, fold }),
    );
  }
  return out;
}

export function outOfFoldPredictions(data: Dataset, design: OutOfFoldDesign): OutOfFold {
  const n = data.y.length;
  const outer = outerSplits(data, design.folds, design.repeats, design.seed);
  const fresh = () => Array.from({ length: design.repeats }, () => new Float64Array(n).fill(NaN));
  const result: OutOfFold = {
    gbdt: fresh(),
    baseline: fresh(),
    views: {},
    folds: outer.map(({ repeat, test }) => ({ repeat, test })),
    inner: [],
    chosen: [],
    ...(design.score ? { score: fresh() } : {}),
  };
  for (const name of Object.keys(design.testViews ?? {})) result.views[name] = fresh();

  outer.forEach((split, index) => {
    const foldSeed = design.seed + 1000 * (split.repeat + 1) + split.fold;
    const raw = subset(data, split.train);
    const train = design.prepareTraining ? design.prepareTraining(raw, foldSeed) : raw;
    const test = subset(data, split.test);

    const selection = selectGbdtParams(train, design.search, foldSeed, design.onRound);
    const ensemble =
      design.reuseHoldoutFit && selection.holdoutFit
        ? selection.holdoutFit
        : fitGradientBoosting(train, { ...selection.params, seed: foldSeed }, { onRound: design.onRound }).ensemble;
    scatter(result.gbdt[split.repeat], split.test, predictProbabilities(ensemble, test));
    for (const [name, view] of Object.entries(design.testViews ?? {})) {
      scatter(result.views[name][split.repeat], split.test, predictProbabilities(ensemble, view(test)));
    }

    // The baseline may read fewer columns; it scores the test rows by name.
    const baselineTrain = design.baseline.features ? selectColumns(train, design.baseline.features) : train;
    const logistic = selectLogistic(baselineTrain, design.baseline.l2Grid, design.baseline.inner, foldSeed);
    const l2 = logistic.l2;
    scatter(
      result.baseline[split.repeat],
      split.test,
      predictProbability(fitLogisticRegression(baselineTrain, { l2 }), test),
    );

    const global = (inner: InnerPredictions): InnerPredictions => ({
      rows: Int32Array.from(inner.rows, (r) => split.train[r]),
      p: inner.p,
    });
    const folded: OutOfFold['inner'][number] = {
      gbdt: global(selection.validation),
      baseline: global(logistic.validation),
    };
    if (design.score && result.score) {
      const column = (rows: Int32Array) => scoreColumn(design.score!.values, rows, data.y);
      const model = fitLogisticRegression(column(split.train), { l2: design.score.l2 });
      scatter(result.score[split.repeat], split.test, predictProbability(model, column(split.test)));
      folded.score = { rows: split.train, p: predictProbability(model, column(split.train)) };
    }
    result.inner.push(folded);

    const { maxDepth, minChildWeight, rounds } = selection.params;
    result.chosen.push({ repeat: split.repeat, fold: split.fold, maxDepth, minChildWeight, rounds, l2 });
    design.onFold?.(index + 1, outer.length);
  });
  return result;
}

/** The score of `rows` as a one-column dataset (the recalibration's input). */
function scoreColumn(values: Float64Array, rows: Int32Array, y: Uint8Array): Dataset {
  return {
    featureNames: ['score'],
    x: Float32Array.from(rows, (r) => values[r]),
    y: Uint8Array.from(rows, (r) => y[r]),
  };
}

function scatter(target: Float64Array, rows: Int32Array, values: Float64Array): void {
  rows.forEach((r, i) => (target[r] = values[i]));
}
