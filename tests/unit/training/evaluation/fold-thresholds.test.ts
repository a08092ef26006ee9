/**
 * Specification of the honest threshold metrics: each outer fold's threshold chosen on predictions for its own
 * training rows, pinned against a recomputation from scratch (inner fits redone, thresholds found by exhaustive search,
 * confusion counted fold by fold), and the bootstrap against the generic bootstrapCI.
 */
import { subset, type Dataset } from '@/training/dataset';
import { bootstrapCI } from '@/training/evaluation/bootstrap';
import { decisionRates, foldDecisions, foldThresholdMetrics } from '@/training/evaluation/fold-thresholds';
import { outerSplits, outOfFoldPredictions } from '@/training/evaluation/out-of-fold';
import { confusionAt, maxEvent1Threshold, youdenThreshold } from '@/training/evaluation/threshold-metrics';
import { fitGradientBoosting, predictProbabilities, type GbdtParams } from '@/training/gbdt/gradient-boosting';
import { fitLogisticRegression, predictProbability } from '@/training/logistic-regression';
import { innerSplits } from '@/training/model-selection';
import { Rng } from '@/training/random';

const BASE: GbdtParams = {
  rounds: 60,
  learningRate: 0.2,
  maxDepth: 2,
  minChildWeight: 1,
  lambda: 1,
  gamma: 0,
  subsample: 1,
  colsample: 1,
  maxBins: 255,
  seed: 1,
};

/** Two noisy signals and a nuisance column; about 30% positives. */
function noisyData(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(3 * n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.next();
    const b = rng.next();
    x.set([a, b, rng.next()], 3 * i);
    y[i] = rng.next() < 0.1 + 0.5 * a * b + 0.2 * a ? 1 : 0;
  }
  return { featureNames: ['a', 'b', 'c'], x, y };
}

/** Youden's J by trying every distinct score; ties to the smallest. */
function youdenByExhaustiveSearch(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let best = -Infinity;
  let bestT = NaN;
  for (const t of [...new Set(Array.from(p))].sort((a, b) => a - b)) {
    const c = confusionAt(y, p, t);
    const j = c.sensitivity + c.specificity - 1;
    if (j > best + 1e-12) {
      best = j;
      bestT = t;
    }
  }
  return bestT;
}

describe('fold thresholds in nested cross-validation', () => {
  const data = noisyData(300, 5);
  const design = {
    folds: 3,
    repeats: 2,
    seed: 11,
    search: { base: BASE, grid: [{ maxDepth: 2 }], earlyStoppingRounds: 10, inner: { folds: 3, use: 3 } },
    baseline: { l2Grid: [1], inner: { folds: 3, use: 3 } },
  };
  const oof = outOfFoldPredictions(data, design);

  it('keeps, per outer fold, predictions for every training row from the inner fits that did not see it', () => {
    const outer = outerSplits(data, design.folds, design.repeats, design.seed);
    outer.forEach((split, f) => {
      const foldSeed = design.seed + 1000 * (split.repeat + 1) + split.fold;
      const train = subset(data, split.train);
      const expected = new Map<number, { gbdt: number; baseline: number }>();
      for (const inner of innerSplits(train, design.search.inner, foldSeed)) {
        const fitTrain = subset(train, inner.train);
        const fitTest = subset(train, inner.test);
        const fit = fitGradientBoosting(
          fitTrain,
          { ...BASE, seed: foldSeed + BASE.seed },
          { validation: fitTest, earlyStoppingRounds: 10 },
        );
        const g = predictProbabilities(fit.ensemble, fitTest);
        const b = predictProbability(fitLogisticRegression(fitTrain, { l2: 1 }), fitTest);
        inner.test.forEach((r, k) => expected.set(split.train[r], { gbdt: g[k], baseline: b[k] }));
      }
      const got = oof.inner[f];
      expect(new Set(got.gbdt.rows)).toEqual(new Set(split.train));
      got.gbdt.rows.forEach((r, k) => expect(got.gbdt.p[k]).toBe(expected.get(r)!.gbdt));
      got.baseline.rows.forEach((r, k) => expect(got.baseline.p[k]).toBeCloseTo(expected.get(r)!.baseline, 12));
    });
  });

  it('applies each fold’s own Youden threshold to its test rows: the pooled rates match a fold-by-fold count', () => {
    const fold = foldDecisions(
      data.y,
      oof.gbdt,
      oof.folds,
      oof.inner.map((i) => i.gbdt),
      (y, p) => youdenThreshold(y, p),
    );
    const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
    oof.folds.forEach(({ repeat, test }, f) => {
      const { rows, p } = oof.inner[f].gbdt;
      const threshold = youdenByExhaustiveSearch(
        Array.from(rows, (r) => data.y[r]),
        p,
      );
      expect(fold.thresholds[f]).toBe(threshold);
      const c = confusionAt(
        Array.from(test, (r) => data.y[r]),
        Array.from(test, (r) => oof.gbdt[repeat][r]),
        threshold,
      );
      counts.tp += c.tp;
      counts.fp += c.fp;
      counts.tn += c.tn;
      counts.fn += c.fn;
    });
    const metrics = foldThresholdMetrics(data.y, fold, { replicates: 50, seed: 1, rule: 'youden', event1: true });
    const { tp, fp, tn, fn } = counts;
    expect(tp + fp + tn + fn).toBe(data.y.length * design.repeats);
    expect(metrics.sensitivity.estimate).toBeCloseTo(tp / (tp + fn), 15);
    expect(metrics.specificity.estimate).toBeCloseTo(tn / (tn + fp), 15);
    expect(metrics.ppv.estimate).toBeCloseTo(tp / (tp + fp), 15);
    expect(metrics.npv.estimate).toBeCloseTo(tn / (tn + fn), 15);
    expect(metrics.f1.estimate).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 15);
    expect(metrics.mcc.estimate).toBeCloseTo(
      (tp * tn - fp * fn) / Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)),
      12,
    );
    expect(metrics.event1!.estimate).toBeCloseTo(Math.min(tp / (tp + fn), tp / (tp + fp)), 15);
    expect(metrics.folds).toBe(6);
    const sorted = [...fold.thresholds].sort((a, b) => a - b);
    expect(metrics.thresholds.min).toBe(sorted[0]);
    expect(metrics.thresholds.max).toBe(sorted[5]);
    expect(metrics.thresholds.median).toBe((sorted[2] + sorted[3]) / 2);
  });
});

describe('foldDecisions', () => {
  it('decides each test row by its own fold’s threshold, worked by hand', () => {
    // Fold 0 tests rows 0–1, trains on 2–3 (inner p .2 y0, .6 y1 → Event 1 threshold .6); fold 1 the other way round
    // (inner p .3 y1, .5 y0 → the best Event 1 is at .3: Se 1, PPV 1/2).
    const y = Uint8Array.from([1, 0, 1, 0]);
    const p = [Float64Array.from([0.55, 0.65, 0.4, 0.25])];
    const folds = [
      { repeat: 0, test: Int32Array.from([0, 1]) },
      { repeat: 0, test: Int32Array.from([2, 3]) },
    ];
    const inner = [
      { rows: Int32Array.from([2, 3]), p: Float64Array.from([0.6, 0.2]) },
      { rows: Int32Array.from([0, 1]), p: Float64Array.from([0.3, 0.5]) },
    ];
    const fold = foldDecisions(y, p, folds, inner, (yy, pp) => maxEvent1Threshold(yy, pp));
    expect(fold.thresholds).toEqual([0.6, 0.3]);
    // Row 0: .55 < .6 → 0; row 1: .65 → 1; row 2: .4 ≥ .3 → 1; row 3: .25 → 0.
    expect(Array.from(fold.decisions[0])).toEqual([0, 1, 1, 0]);
  });
});

describe('decisionRates', () => {
  it('with one repeat and no groups, draws what bootstrapCI draws: the same intervals for every rate', () => {
    const rng = new Rng(9);
    const n = 150;
    const y = Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
    const d = Float64Array.from(y, (v) => (rng.next() < (v ? 0.7 : 0.2) ? 1 : 0));
    const rates = decisionRates(y, [d], { replicates: 300, seed: 4 });
    for (const key of ['sensitivity', 'specificity', 'ppv', 'npv', 'f1', 'mcc'] as const) {
      const generic = bootstrapCI(y, d, (yy, pp) => confusionAt(yy, pp, 0.5)[key], { replicates: 300, seed: 4 });
      expect(rates[key].estimate).toBeCloseTo(generic.estimate, 12);
      expect(rates[key].lower).toBeCloseTo(generic.lower, 12);
      expect(rates[key].upper).toBeCloseTo(generic.upper, 12);
    }
  });

  it('resamples whole patients when rows carry groups, and refuses a row without a decision', () => {
    const y = Uint8Array.from([1, 1, 0, 0, 1, 0]);
    const d = Float64Array.from([1, 0, 0, 1, 1, 0]);
    const groups = Int32Array.from([7, 7, 8, 8, 9, 9]);
    const rates = decisionRates(y, [d], { replicates: 100, seed: 2, groups });
    expect(rates.sensitivity.estimate).toBeCloseTo(2 / 3, 15);
    expect(rates.sensitivity.lower).toBeLessThanOrEqual(rates.sensitivity.upper);
    expect(() => decisionRates(y, [Float64Array.from([1, NaN, 0, 0, 0, 0])], { replicates: 1, seed: 1 })).toThrow(
      /row 1/,
    );
  });
});
