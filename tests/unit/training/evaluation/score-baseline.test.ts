/**
 * Specification of the severity-score baseline (icu-mortality: SAPS-I) in nested cross-validation: a logistic
 * recalibration fitted on the training fold only, and a fold threshold that is the same as a score cut-off chosen on
 * the training fold by exhaustive search.
 */
import { subset } from '@/training/dataset';
import { foldDecisions, foldThresholdMetrics } from '@/training/evaluation/fold-thresholds';
import { outerSplits, outOfFoldPredictions } from '@/training/evaluation/out-of-fold';
import { confusionAt, maxEvent1Threshold } from '@/training/evaluation/threshold-metrics';
import { fitLogisticRegression, predictProbability } from '@/training/logistic-regression';
import { Rng } from '@/training/random';

/** Stays with an integer score 0–30 whose death risk rises with it, and one column the models read. */
function stays(n: number) {
  const rng = new Rng(17);
  const score = new Float64Array(n);
  const x = new Float32Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    score[i] = rng.int(0, 30);
    x[i] = rng.next();
    y[i] = rng.next() < 0.03 + score[i] / 45 ? 1 : 0;
  }
  return { data: { featureNames: ['x'], x, y }, score };
}

/** The cut-off c among the training scores maximising min(Se, PPV) for "score >= c"; ties to the smallest. */
function cutoffByExhaustiveSearch(y: number[], s: number[]): number {
  let best = -1;
  let bestC = NaN;
  for (const c of [...new Set(s)].sort((a, b) => a - b)) {
    const k = confusionAt(y, s, c);
    const e = Math.min(k.sensitivity, k.ppv);
    if (e > best + 1e-12) {
      best = e;
      bestC = c;
    }
  }
  return bestC;
}

describe('the score baseline in nested cross-validation', () => {
  const { data, score } = stays(400);
  const design = {
    folds: 4,
    repeats: 2,
    seed: 3,
    search: {
      base: {
        rounds: 10,
        learningRate: 0.3,
        maxDepth: 1,
        minChildWeight: 1,
        lambda: 1,
        gamma: 0,
        subsample: 1,
        colsample: 1,
        maxBins: 255,
        seed: 1,
      },
      grid: [{}],
      earlyStoppingRounds: 5,
      inner: { folds: 3, use: 1 },
    },
    baseline: { l2Grid: [1], inner: { folds: 3, use: 1 } },
    score: { values: score, l2: 1 },
  };
  const oof = outOfFoldPredictions(data, design);
  const outer = outerSplits(data, design.folds, design.repeats, design.seed);

  it('scores each test fold with a recalibration fitted on its training fold only', () => {
    outer.forEach((split) => {
      const column = (rows: Int32Array) => ({
        featureNames: ['score'],
        x: Float32Array.from(rows, (r) => score[r]),
        y: subset(data, rows).y,
      });
      const model = fitLogisticRegression(column(split.train), { l2: 1 });
      const expected = predictProbability(model, column(split.test));
      split.test.forEach((r, k) => expect(oof.score![split.repeat][r]).toBe(expected[k]));
    });
  });

  it('decides as a score cut-off chosen on the training fold: the same pooled Event 1 and sensitivity', () => {
    const fold = foldDecisions(
      data.y,
      oof.score!,
      oof.folds,
      oof.inner.map((i) => i.score!),
      (y, p) => maxEvent1Threshold(y, p),
    );
    const metrics = foldThresholdMetrics(data.y, fold, { replicates: 20, seed: 1, rule: 'event1', event1: true });
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const split of outer) {
      const cutoff = cutoffByExhaustiveSearch(
        Array.from(split.train, (r) => data.y[r]),
        Array.from(split.train, (r) => score[r]),
      );
      for (const r of split.test) {
        const alarm = score[r] >= cutoff;
        if (alarm && data.y[r] === 1) tp++;
        else if (alarm) fp++;
        else if (data.y[r] === 1) fn++;
      }
    }
    expect(metrics.sensitivity.estimate).toBeCloseTo(tp / (tp + fn), 15);
    expect(metrics.ppv.estimate).toBeCloseTo(tp / (tp + fp), 15);
    expect(metrics.event1!.estimate).toBeCloseTo(Math.min(tp / (tp + fn), tp / (tp + fp)), 15);
  });
});
