import fc from 'fast-check';
import { leafIndex, predictMargin, type TreeEnsemble } from '@/explain/tree-ensemble';
import type { Dataset } from '@/training/dataset';
import { fitGradientBoosting, logLoss, predictProbabilities, type GbdtParams } from '@/training/gbdt/gradient-boosting';

const STUMP: GbdtParams = {
  rounds: 1,
  learningRate: 1,
  maxDepth: 1,
  minChildWeight: 0,
  lambda: 0,
  gamma: 0,
  subsample: 1,
  colsample: 1,
  maxBins: 255,
  seed: 1,
};

function table(columns: number[][], y: number[]): Dataset {
  const f = columns.length;
  const x = new Float32Array(y.length * f);
  y.forEach((_, r) => columns.forEach((col, j) => (x[r * f + j] = col[r])));
  return { featureNames: columns.map((_, j) => `f${j}`), x, y: Uint8Array.from(y) };
}

describe('fitGradientBoosting: one Newton step, computed by hand', () => {
  // Base score logit(2/4) = 0, so p = 0.5: g = p − y = [½, ½, −½, −½], h = p(1−p) = ¼.
  const data = table([[1, 2, 3, 4]], [0, 0, 1, 1]);

  it('splits between the classes at the float32 midpoint and sets leaves to −G/(H+λ)', () => {
    const { ensemble } = fitGradientBoosting(data, STUMP);
    const [tree] = ensemble.trees;
    expect(ensemble.baseScore).toBe(0);
    expect(tree.threshold[0]).toBe(2.5);
    // left: G = 1, H = ½ → −2; right: G = −1, H = ½ → +2
    expect(tree.leafValue[tree.left[0]]).toBe(-2);
    expect(tree.leafValue[tree.right[0]]).toBe(2);
    // covers are hessian sums: root 4·¼, children 2·¼
    expect(tree.cover).toEqual([1, 0.5, 0.5]);
  });

  it('shrinks leaves by λ and the learning rate', () => {
    const { ensemble } = fitGradientBoosting(data, { ...STUMP, lambda: 1, learningRate: 0.3 });
    const [tree] = ensemble.trees;
    // −1 / (½ + 1) · 0.3 = −0.2, stored as float32
    expect(tree.leafValue[tree.left[0]]).toBe(Math.fround(-0.2));
    expect(tree.leafValue[tree.right[0]]).toBe(Math.fround(0.2));
  });

  it('refuses a split whose children weigh less than minChildWeight', () => {
    const { ensemble } = fitGradientBoosting(data, { ...STUMP, minChildWeight: 0.6 });
    expect(ensemble.trees[0].left[0]).toBe(-1);
    // a single leaf: −G/(H+λ) with G = 0
    expect(ensemble.trees[0].leafValue[0]).toBe(0);
  });

  it('refuses a split that gains less than gamma', () => {
    // gain = ½[1²/½ + 1²/½ − 0] = 2
    expect(fitGradientBoosting(data, { ...STUMP, gamma: 2.5 }).ensemble.trees[0].left[0]).toBe(-1);
    expect(fitGradientBoosting(data, { ...STUMP, gamma: 1.5 }).ensemble.trees[0].left[0]).not.toBe(-1);
  });
});

describe('fitGradientBoosting: missing values', () => {
  it('sends missing values to the side that lowers the loss (right here)', () => {
    // Base logit(4/6); p = ⅔: g = −⅓ for y = 1, ⅔ for y = 0, h = 2/9.
    // Missing rows (y = 1, 1): G = −⅔, H = 4/9. Bins 1, 2 (y = 0): G = 4/3; bins 3, 4 (y = 1): G = −⅔.
    // Split at 2.5, missing right: ½[(4/3)²/(4/9) + (4/3)²/(8/9)] = ½[4 + 2] = 3 — the best split.
    // Missing left instead: ½[(⅔)²/(8/9) + (⅔)²/(4/9)] = 0.75.
    const data = table([[NaN, NaN, 1, 2, 3, 4]], [1, 1, 0, 0, 1, 1]);
    const [tree] = fitGradientBoosting(data, STUMP).ensemble.trees;
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.missingGoesLeft[0]).toBe(false);
    expect(leafIndex(tree, [NaN])).toBe(tree.right[0]);
  });

  it('sends missing values left when they look like the left side', () => {
    const data = table([[NaN, NaN, 1, 2, 3, 4]], [0, 0, 0, 0, 1, 1]);
    const [tree] = fitGradientBoosting(data, STUMP).ensemble.trees;
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.missingGoesLeft[0]).toBe(true);
  });

  it('can split "measured or not" alone, sending every present value left', () => {
    const data = table([[NaN, NaN, 1, 2, 3, 4]], [1, 1, 0, 0, 0, 0]);
    const [tree] = fitGradientBoosting(data, STUMP).ensemble.trees;
    expect(tree.missingGoesLeft[0]).toBe(false);
    expect(leafIndex(tree, [1e30])).toBe(tree.left[0]);
    expect(leafIndex(tree, [NaN])).toBe(tree.right[0]);
  });

  it('sends missing values down the heavier child when training saw none at that node', () => {
    const data = table([[1, 2, 3, 4, 5]], [0, 0, 1, 1, 1]);
    const [tree] = fitGradientBoosting(data, STUMP).ensemble.trees;
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.missingGoesLeft[0]).toBe(false); // right holds 3 rows, left 2
  });
});

describe('fitGradientBoosting: structure and determinism', () => {
  it('learns an interaction (XOR) at depth 2 and never grows past maxDepth', () => {
    const a: number[] = [];
    const b: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      a.push(i % 2);
      b.push(Math.floor(i / 2) % 2);
      y.push((i % 2) ^ (Math.floor(i / 2) % 2));
    }
    // Skew the classes slightly so that the first split has a positive gain.
    a.push(0);
    b.push(0);
    y.push(0);
    const data = table([a, b], y);
    const { ensemble } = fitGradientBoosting(data, { ...STUMP, rounds: 20, maxDepth: 2, learningRate: 0.5, lambda: 1 });
    const p = predictProbabilities(ensemble, data);
    y.forEach((label, i) => expect(label === 1 ? p[i] > 0.9 : p[i] < 0.1).toBe(true));
    for (const tree of ensemble.trees) expect(depth(tree.left, tree.right, 0)).toBeLessThanOrEqual(2);
  });

  it('gives identical ensembles for the same seed and different ones for another seed', () => {
    const data = randomData(300, 5, 7);
    const params: GbdtParams = {
      ...STUMP,
      rounds: 10,
      maxDepth: 3,
      subsample: 0.7,
      colsample: 0.6,
      lambda: 1,
      learningRate: 0.3,
    };
    const first = fitGradientBoosting(data, params).ensemble;
    expect(fitGradientBoosting(data, params).ensemble).toEqual(first);
    expect(fitGradientBoosting(data, { ...params, seed: 2 }).ensemble).not.toEqual(first);
  });

  it('scores training rows through bins exactly as float32 thresholds score them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const data = randomData(120, 4, seed);
        const { ensemble, validationLogLoss } = fitGradientBoosting(
          data,
          { ...STUMP, rounds: 5, maxDepth: 4, seed },
          { validation: data },
        );
        const margins = rows(data).map((r) => predictMargin(ensemble, r));
        expect(validationLogLoss[validationLogLoss.length - 1]).toBeCloseTo(logLoss(data.y, margins), 12);
      }),
      { numRuns: 30 },
    );
  });

  it('stops early when validation loss stops improving and keeps the best round', () => {
    const train = randomData(200, 3, 11);
    const valid = randomData(200, 3, 12);
    const result = fitGradientBoosting(
      train,
      { ...STUMP, rounds: 500, maxDepth: 4, learningRate: 0.5 },
      { validation: valid, earlyStoppingRounds: 5 },
    );
    const best = result.validationLogLoss.indexOf(Math.min(...result.validationLogLoss)) + 1;
    expect(result.bestRounds).toBe(best);
    expect(result.ensemble.trees).toHaveLength(best);
    expect(result.validationLogLoss.length).toBeLessThan(500);
  });
});

function depth(left: number[], right: number[], node: number): number {
  return left[node] === -1 ? 0 : 1 + Math.max(depth(left, right, left[node]), depth(left, right, right[node]));
}

function rows(data: Dataset): Float32Array[] {
  const f = data.featureNames.length;
  return Array.from({ length: data.y.length }, (_, r) => data.x.subarray(r * f, (r + 1) * f));
}

/** Noisy data with a signal in the first feature, missing values and repeated values near cut points. */
function randomData(n: number, f: number, seed: number): Dataset {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const x = new Float32Array(n * f);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < f; j++)
      x[r * f + j] = rand() < 0.1 ? NaN : Math.round(rand() * 40) / 8 + (rand() < 0.2 ? 1e-7 : 0);
    const signal = Number.isNaN(x[r * f]) ? 0.5 : x[r * f] / 5;
    y[r] = rand() < signal ? 1 : 0;
  }
  return { featureNames: Array.from({ length: f }, (_, j) => `f${j}`), x, y };
}

export type { TreeEnsemble };
