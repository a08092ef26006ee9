/**
 * Hyper-parameter choice by cross-validation inside the rows it is given (the outer training fold, or all data for the
 * final model).
 */
import { subset, type Dataset } from './dataset';
import { groupedStratifiedKFold, splits, stratifiedKFold, type Split } from './cross-validation';
import { fitGradientBoosting, logLoss, predictProbabilities, type GbdtParams } from './gbdt/gradient-boosting';
import { fitLogisticRegression, predictLogit } from './logistic-regression';
import { Rng } from './random';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { sigmoid } from './logistic-objective';

export interface InnerValidation {
  /** Folds the rows are cut into. */
  folds: number;
  /**
   * How many of those folds serve as validation (the rest of the rows train): `folds` is full CV, 1 a single hold-out.
   */
  use: number;
}

export interface GbdtSearch {
  base: GbdtParams;
  /** Variations of `base` to compare; `rounds` in each is the most trees, early stopping picks fewer. */
  grid: Partial<GbdtParams>[];
  earlyStoppingRounds: number;
  inner: InnerValidation;
}

export interface GbdtTrial {
  params: Partial<GbdtParams>;
  meanLogLoss: number;
  meanRounds: number;
}

export interface GbdtSelection {
  /** The winning parameters with `rounds` set to the mean early-stopping round over the inner folds. */
  params: GbdtParams;
  trials: GbdtTrial[];
  /** With a single hold-out: the winner as fitted on the rows outside it (early-stopped), ready to use. */
  holdoutFit?: TreeEnsemble;
  /** The winner's predictions on its inner validation rows (where a fold's own threshold is chosen). */
  validation: InnerPredictions;
}

/**
 * Predictions for the inner validation rows of a selection: `rows` index the data the selection was given (each inner
 * validation fold in turn, ascending within it), `p` the probability the model fitted without them gave each.
 */
export interface InnerPredictions {
  rows: Int32Array;
  p: Float64Array;
}

function concatenate(parts: { rows: Int32Array; p: Float64Array }[]): InnerPredictions {
  const total = parts.reduce((a, part) => a + part.rows.length, 0);
  const out = { rows: new Int32Array(total), p: new Float64Array(total) };
  let at = 0;
  for (const part of parts) {
    out.rows.set(part.rows, at);
    out.p.set(part.p, at);
    at += part.rows.length;
  }
  return out;
}

/** Inner validation splits of `data`: grouped by patient when the rows carry groups. */
export function innerSplits(data: Dataset, inner: InnerValidation, seed: number): Split[] {
  const rng = new Rng(seed);
  const folds = data.groups
    ? groupedStratifiedKFold(data.y, data.groups, inner.folds, rng)
    : stratifiedKFold(data.y, inner.folds, rng);
  return splits(folds).slice(0, inner.use);
}

/** The grid point with the lowest mean validation log-loss (ties: the earlier grid point). */
export function selectGbdtParams(
  data: Dataset,
  search: GbdtSearch,
  seed: number,
  onProgress?: (round: number, validationLogLoss?: number) => void,
): GbdtSelection {
  const inner = innerSplits(data, search.inner, seed);
  const folds = inner.map((s) => ({ train: subset(data, s.train), test: subset(data, s.test), rows: s.test }));
  const holdoutFits: TreeEnsemble[] = [];
  const validations: InnerPredictions[] = [];
  const trials: GbdtTrial[] = search.grid.map((variation) => {
    const parts: InnerPredictions[] = [];
    const params = { ...search.base, ...variation, seed: seed + search.base.seed };
    let loss = 0;
    let rounds = 0;
    for (const fold of folds) {
      const fit = fitGradientBoosting(fold.train, params, {
        validation: fold.test,
        earlyStoppingRounds: search.earlyStoppingRounds,
        onRound: onProgress,
      });
      loss += fit.validationLogLoss[fit.bestRounds - 1];
      rounds += fit.bestRounds;
      parts.push({ rows: fold.rows, p: predictProbabilities(fit.ensemble, fold.test) });
      if (folds.length === 1) holdoutFits.push(fit.ensemble);
    }
    validations.push(concatenate(parts));
    return { params: variation, meanLogLoss: loss / folds.length, meanRounds: rounds / folds.length };
  });
  let winner = 0;
  trials.forEach((trial, i) => {
    if (trial.meanLogLoss < trials[winner].meanLogLoss) winner = i;
  });
  const best = trials[winner];
  return {
    params: { ...search.base, ...best.params, rounds: Math.max(1, Math.round(best.meanRounds)) },
    trials,
    ...(folds.length === 1 ? { holdoutFit: holdoutFits[winner] } : {}),
    validation: validations[winner],
  };
}

/** The L2 penalty with the lowest mean validation log-loss for the logistic baseline. */
export function selectLogisticL2(data: Dataset, grid: number[], inner: InnerValidation, seed: number): number {
  return selectLogistic(data, grid, inner, seed).l2;
}

/** The L2 choice of `selectLogisticL2`, with the winner's predictions on the inner validation rows. */
export function selectLogistic(
  data: Dataset,
  grid: number[],
  inner: InnerValidation,
  seed: number,
): { l2: number; validation: InnerPredictions } {
  const folds = innerSplits(data, inner, seed).map((s) => ({
    train: subset(data, s.train),
    test: subset(data, s.test),
    rows: s.test,
  }));
  let bestL2 = grid[0];
  let bestLoss = Infinity;
  let best: InnerPredictions | undefined;
  for (const l2 of grid) {
    let loss = 0;
    const parts: InnerPredictions[] = [];
    for (const fold of folds) {
      const logits = predictLogit(fitLogisticRegression(fold.train, { l2 }), fold.test);
      loss += logLoss(fold.test.y, logits);
      parts.push({ rows: fold.rows, p: logits.map(sigmoid) });
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      bestL2 = l2;
      best = concatenate(parts);
    }
  }
  return { l2: bestL2, validation: best ?? concatenate([]) };
}
