/**
 * Gradient-boosted trees for binary classification under log-loss, with seeded row and column subsampling and early
 * stopping.
 */
import { z } from 'zod';
import type { Tree, TreeEnsemble } from '@/explain/tree-ensemble';
import { leafIndex, sigmoid } from '@/explain/tree-ensemble';
import type { Dataset } from '../dataset';
import { Rng } from '../random';
import { applyCuts, learnCuts, type BinnedFeatures } from './binning';
import { growTree, histogramLayout } from './tree-growth';

// Module-level copies of globals: under jest every global read in a hot loop costs ~0.5 µs.
const { exp, log1p } = Math;

export const gbdtParamsSchema = z.object({
  /** Most trees; early stopping may keep fewer. */
  rounds: z.number().int().min(1),
  learningRate: z.number().positive().max(1),
  maxDepth: z.number().int().min(1).max(12),
  minChildWeight: z.number().min(0),
  lambda: z.number().min(0),
  gamma: z.number().min(0),
  /** Fraction of rows drawn (without replacement, independently) for each tree. */
  subsample: z.number().positive().max(1),
  /** Fraction of features drawn for each tree. */
  colsample: z.number().positive().max(1),
  maxBins: z.number().int().min(2).max(255),
  seed: z.number().int(),
});
export type GbdtParams = z.infer<typeof gbdtParamsSchema>;

export interface FitOptions {
  /** Rows scored after every round; with `earlyStoppingRounds`, training stops when their log-loss stops improving. */
  validation?: Dataset;
  earlyStoppingRounds?: number;
  onRound?: (round: number, validationLogLoss?: number) => void;
}

export interface FitResult {
  ensemble: TreeEnsemble;
  /** Validation log-loss after each round (empty without validation rows). */
  validationLogLoss: number[];
  /** Rounds kept: the best validation round under early stopping, else `rounds`. */
  bestRounds: number;
}

const MIN_HESSIAN = 1e-16;

export function fitGradientBoosting(train: Dataset, params: GbdtParams, options: FitOptions = {}): FitResult {
  gbdtParamsSchema.parse(params);
  const n = train.y.length;
  if (n === 0) throw new RangeError('cannot train on an empty dataset');
  const f = train.featureNames.length;
  const cuts = learnCuts(train, params.maxBins);
  const binned = applyCuts(train, cuts);
  const offsets = histogramLayout(binned);
  const rng = new Rng(params.seed);

  let positives = 0;
  for (let i = 0; i < n; i++) positives += train.y[i];
  const prior = Math.min(Math.max(positives / n, 1e-6), 1 - 1e-6);
  const baseScore = Math.fround(Math.log(prior / (1 - prior)));
  const margin = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);

  const validation = options.validation;
  const validationMargin = validation ? new Float64Array(validation.y.length).fill(baseScore) : undefined;
  const validationBinned = validation ? applyCuts(validation, cuts) : undefined;
  const validationLogLoss: number[] = [];
  let bestLoss = Infinity;
  let bestRounds = params.rounds;

  const trees: Tree[] = [];
  const allFeatures = Int32Array.from({ length: f }, (_, j) => j);
  const featuresPerTree = Math.max(1, Math.round(params.colsample * f));
  const sampled = new Int32Array(n);

  for (let round = 0; round < params.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]);
      grad[i] = p - train.y[i];
      const h = p * (1 - p);
      hess[i] = h > MIN_HESSIAN ? h : MIN_HESSIAN;
    }
    let count = 0;
    for (let i = 0; i < n; i++) if (params.subsample === 1 || rng.next() < params.subsample) sampled[count++] = i;
    let features = allFeatures;
    if (featuresPerTree < f) {
      const shuffled = Int32Array.from(allFeatures);
      rng.shuffle(shuffled);
      features = shuffled.subarray(0, featuresPerTree).sort();
    }
    const tree = growTree(binned, offsets, grad, hess, sampled.subarray(0, count), features, params);
    trees.push(tree);
    addTree(tree, binned, margin);

    let loss: number | undefined;
    if (validation && validationMargin && validationBinned) {
      addTree(tree, validationBinned, validationMargin);
      loss = logLoss(validation.y, validationMargin);
      validationLogLoss.push(loss);
      if (loss < bestLoss - 1e-12) {
        bestLoss = loss;
        bestRounds = round + 1;
      } else if (options.earlyStoppingRounds !== undefined && round + 1 - bestRounds >= options.earlyStoppingRounds) {
        options.onRound?.(round + 1, loss);
        break;
      }
    }
    options.onRound?.(round + 1, loss);
  }
  const kept = options.earlyStoppingRounds !== undefined && validation ? trees.slice(0, bestRounds) : trees;
  return {
    ensemble: { featureCount: f, baseScore, trees: kept },
    validationLogLoss,
    bestRounds: kept.length,
  };
}

/** Adds a tree's leaf values to the margins of binned rows; bins decide exactly as the float32 thresholds do. */
function addTree(tree: Tree, binned: BinnedFeatures, margin: Float64Array): void {
  const { bins, features: width, binCount, cuts } = binned;
  for (let r = 0; r < binned.rows; r++) {
    let node = 0;
    while (tree.left[node] !== -1) {
      const f = tree.feature[node];
      const b = bins[r * width + f];
      // The threshold is one of the feature's cuts, and cuts increase: value < threshold ⇔ cuts[bin] ≤ threshold.
      const goLeft = b === binCount[f] ? tree.missingGoesLeft[node] : cuts[f][b] <= tree.threshold[node];
      node = goLeft ? tree.left[node] : tree.right[node];
    }
    margin[r] += tree.leafValue[node];
  }
}

export function logLoss(y: ArrayLike<number>, margin: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const m = margin[i];
    // log(1 + e^m) − y·m, computed stably.
    total += (m > 0 ? m + log1p(exp(-m)) : log1p(exp(m))) - y[i] * m;
  }
  return total / y.length;
}

/** Probabilities of the ensemble for every row of `data`, by float32 comparisons as onnxruntime makes them. */
export function predictProbabilities(ensemble: TreeEnsemble, data: Dataset): Float64Array {
  const f = data.featureNames.length;
  const out = new Float64Array(data.y.length);
  for (let r = 0; r < out.length; r++) {
    const row = data.x.subarray(r * f, (r + 1) * f);
    let m = ensemble.baseScore;
    for (const tree of ensemble.trees) m += tree.leafValue[leafIndex(tree, row)];
    out[r] = sigmoid(m);
  }
  return out;
}
