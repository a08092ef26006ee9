/**
 * Out-of-fold predictions by nested cross-validation: every choice (hyper-parameters, L2) is made inside the outer
 * training fold.
 */
import { subset, type Dataset } from '../dataset';
import { groupedStratifiedKFold, repeatedStratifiedKFold, splits, type RepeatedSplit } from '../cross-validation';
import { fitGradientBoosting, predictProbabilities } from '../gbdt/gradient-boosting';
import { fitLogisticRegression, predictProbability } from '../logistic-regression';
import { selectGbdtParams, selectLogisticL2, type GbdtSearch, type InnerValidation } from '../model-selection';
import { Rng } from '../random';

export interface OutOfFoldDesign {
  folds: number;
  repeats: number;
  search: GbdtSearch;
  baseline: { l2Grid: number[]; inner: InnerValidation };
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
    chosen: [],
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

    const l2 = selectLogisticL2(train, design.baseline.l2Grid, design.baseline.inner, foldSeed);
    scatter(result.baseline[split.repeat], split.test, predictProbability(fitLogisticRegression(train, { l2 }), test));

    const { maxDepth, minChildWeight, rounds } = selection.params;
    result.chosen.push({ repeat: split.repeat, fold: split.fold, maxDepth, minChildWeight, rounds, l2 });
    design.onFold?.(index + 1, outer.length);
  });
  return result;
}

function scatter(target: Float64Array, rows: Int32Array, values: Float64Array): void {
  rows.forEach((r, i) => (target[r] = values[i]));
}
