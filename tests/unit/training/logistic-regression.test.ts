/** Specification of the logistic-regression baseline, pinned to independently computed optima. */
import type { Dataset } from '@/training/dataset';
import { subset } from '@/training/dataset';
import { fitLogisticRegression, predictLogit, predictProbability } from '@/training/logistic-regression';
import { Rng } from '@/training/random';

const sigmoid = (eta: number) => 1 / (1 + Math.exp(-eta));

function dataset(featureNames: string[], rows: number[][], y: number[]): Dataset {
  return { featureNames, x: Float32Array.from(rows.flat()), y: Uint8Array.from(y) };
}

/** Mean and population SD of a column, read back through float32 as the dataset stores it. */
function columnStats(data: Dataset, j: number): { mean: number; sd: number } {
  const f = data.featureNames.length;
  const values: number[] = [];
  for (let r = 0; r < data.y.length; r++) if (!Number.isNaN(data.x[r * f + j])) values.push(data.x[r * f + j]);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, sd };
}

/** Σ log-loss + λ/2·||w||² on standardised complete data, written out directly. */
function penalisedLoss(z: number[][], y: number[], b: number, w: number[], l2: number): number {
  let loss = 0;
  z.forEach((row, i) => {
    const eta = b + row.reduce((s, v, j) => s + v * w[j], 0);
    const p = sigmoid(eta);
    loss -= y[i] ? Math.log(p) : Math.log(1 - p);
  });
  return loss + (l2 / 2) * w.reduce((s, v) => s + v * v, 0);
}

const tiny = dataset(
  ['age', 'lactate', 'heart_rate'],
  [
    [34, 1.1, 72],
    [51, 2.4, 88],
    [67, 3.9, 110],
    [45, 0.9, 65],
    [72, 4.4, 121],
    [29, 1.5, 80],
    [58, 2.2, 97],
    [63, 1.8, 70],
    [40, 3.1, 105],
    [80, 2.9, 92],
    [55, 1.2, 76],
    [70, 3.5, 99],
  ],
  [0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1],
);

describe('fitLogisticRegression', () => {
  it('stops where the penalised log-likelihood has zero gradient (checked independently)', () => {
    const l2 = 0.5;
    const model = fitLogisticRegression(tiny, { l2, tolerance: 1e-12 });
    expect(model.converged).toBe(true);

    const stats = tiny.featureNames.map((_, j) => columnStats(tiny, j));
    stats.forEach(({ mean, sd }, j) => {
      expect(model.means[j]).toBeCloseTo(mean, 10);
      expect(model.sds[j]).toBeCloseTo(sd, 10);
    });
    const w = model.coefficients.map((c) => c.perSd);
    const gradient = [0, 0, 0, 0];
    for (let r = 0; r < tiny.y.length; r++) {
      const z = [1, ...stats.map(({ mean, sd }, j) => (tiny.x[r * 3 + j] - mean) / sd)];
      const residual = sigmoid(model.intercept + w[0] * z[1] + w[1] * z[2] + w[2] * z[3]) - tiny.y[r];
      z.forEach((v, a) => (gradient[a] += residual * v));
    }
    w.forEach((v, j) => (gradient[j + 1] += l2 * v));
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-9);
    // The problem is not degenerate: the weights are far from zero.
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.5);
  });

  it('matches a brute-force grid minimisation of the penalised loss for one feature', () => {
    const rng = new Rng(5);
    const xs = Array.from({ length: 60 }, () => rng.next() * 10);
    const ys = xs.map((x) => (rng.next() < sigmoid(0.6 * (x - 6)) ? 1 : 0));
    const data = dataset(
      ['x'],
      xs.map((x) => [x]),
      ys,
    );
    const l2 = 2;
    const { mean, sd } = columnStats(data, 0);
    const z = Array.from(data.x, (x) => [(x - mean) / sd]);

    // Coarse-to-fine search over (intercept, weight): an independent reference that knows nothing of Newton's method.
    let best = { b: 0, w: 0 };
    let half = 8;
    for (let level = 0; level < 40; level++) {
      let bestLoss = Infinity;
      const centre = best;
      for (let i = -10; i <= 10; i++) {
        for (let j = -10; j <= 10; j++) {
          const b = centre.b + (i / 10) * half;
          const w = centre.w + (j / 10) * half;
          const loss = penalisedLoss(z, ys, b, [w], l2);
          if (loss < bestLoss) {
            bestLoss = loss;
            best = { b, w };
          }
        }
      }
      half /= 2;
    }

    const model = fitLogisticRegression(data, { l2 });
    expect(model.intercept).toBeCloseTo(best.b, 6);
    expect(model.coefficients[0].perSd).toBeCloseTo(best.w, 6);
    expect(model.coefficients[0].perUnit).toBeCloseTo(best.w / sd, 6);
  });

  it('adds a missing indicator for features missing in training and imputes with the training mean', () => {
    const rng = new Rng(9);
    const rows: number[][] = [];
    const y: number[] = [];
    for (let r = 0; r < 400; r++) {
      const a = rng.next() * 4;
      const bMissing = rng.next() < 0.3;
      const b = bMissing ? NaN : rng.next() * 2;
      // "Not measured" is itself informative here, as it often is for labs.
      const eta = -1 + 0.8 * (a - 2) + (bMissing ? 1.2 : 0.5 * (b - 1));
      rows.push([a, b, NaN, 7]);
      y.push(rng.next() < sigmoid(eta) ? 1 : 0);
    }
    const all = dataset(['a', 'b', 'never_measured', 'constant'], rows, y);
    // Fit on the first half only: the statistics must come from these rows, not from all of them.
    const train = subset(
      all,
      Int32Array.from({ length: 200 }, (_, i) => i),
    );
    const model = fitLogisticRegression(train, { l2: 1 });

    expect(model.columns).toEqual([
      { kind: 'value', feature: 0 },
      { kind: 'value', feature: 1 },
      { kind: 'missing', feature: 1 },
    ]);
    expect(model.means[0]).toBeCloseTo(columnStats(train, 0).mean, 10);
    expect(model.means[1]).toBeCloseTo(columnStats(train, 1).mean, 10);
    expect(model.means[1]).not.toBeCloseTo(columnStats(all, 1).mean, 4);
    expect(Number.isNaN(model.means[2])).toBe(true);
    expect(model.coefficients.map((c) => c.missing)).toEqual([null, model.weights[2], null, null]);
    expect(model.coefficients[3]).toMatchObject({ perSd: 0, perUnit: 0, sd: 0 });
    expect(model.coefficients[1].missing).toBeGreaterThan(0);

    const [meanA, meanB] = model.means;
    const logits = predictLogit(model, [
      1,
      NaN,
      NaN,
      7,
      1,
      meanB,
      NaN,
      7,
      NaN,
      1.5,
      3,
      99, // a was never missing in training: no indicator, imputed at its mean
      meanA,
      1.5,
      3,
      99,
    ]);
    expect(logits[0] - logits[1]).toBeCloseTo(model.coefficients[1].missing!, 10);
    expect(logits[2]).toBeCloseTo(logits[3], 10);
  });

  it('shrinks the weights to zero and the intercept to the logit of the prevalence as l2 grows', () => {
    const model = fitLogisticRegression(tiny, { l2: 1e9 });
    const positives = tiny.y.reduce((s, v) => s + v, 0);
    for (const w of model.weights) expect(Math.abs(w)).toBeLessThan(1e-7);
    expect(model.intercept).toBeCloseTo(Math.log(positives / (tiny.y.length - positives)), 6);
  });

  it('states the same model on the original scale, per unit, for the card', () => {
    const model = fitLogisticRegression(tiny, { l2: 0.5 });
    const logits = predictLogit(model, tiny);
    for (let r = 0; r < tiny.y.length; r++) {
      const direct = model.coefficients.reduce((s, c, j) => s + c.perUnit * tiny.x[r * 3 + j], model.interceptOriginal);
      expect(direct).toBeCloseTo(logits[r], 10);
    }
    expect(model.coefficients.map((c) => c.name)).toEqual(tiny.featureNames);
  });

  it('rejects labels of a single class and a negative penalty', () => {
    const oneClass = dataset(['x'], [[1], [2]], [1, 1]);
    expect(() => fitLogisticRegression(oneClass, { l2: 1 })).toThrow(/both classes/);
    expect(() => fitLogisticRegression(tiny, { l2: -1 })).toThrow(/l2 must be >= 0/);
  });

  it('fits 800k rows × 40 features with missing values and recovers the generating weights', () => {
    const rows = 800_000;
    const f = 40;
    const rng = new Rng(2024);
    const trueWeights = Array.from({ length: f }, (_, j) => (j % 4 === 0 ? 0 : (rng.next() - 0.5) * 1.2));
    const x = new Float32Array(rows * f);
    const y = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      let eta = -2;
      for (let j = 0; j < f; j++) {
        // Uniform on [-√3, √3]: unit variance, cheap to draw.
        const v = (rng.next() * 2 - 1) * Math.sqrt(3);
        eta += trueWeights[j] * v;
        // Features 30+ go missing at random 10% of the time, after they have shaped the outcome.
        x[r * f + j] = j >= 30 && rng.next() < 0.1 ? NaN : v;
      }
      y[r] = rng.next() < sigmoid(eta) ? 1 : 0;
    }
    const data: Dataset = { featureNames: Array.from({ length: f }, (_, j) => `f${j}`), x, y };

    const model = fitLogisticRegression(data, { l2: 1 });
    expect(model.converged).toBe(true);
    expect(model.columns.filter((c) => c.kind === 'missing')).toHaveLength(10);
    // Features 0–29 are never missing, so their per-unit weights estimate the generating ones.
    for (let j = 0; j < 30; j++) expect(Math.abs(model.coefficients[j].perUnit - trueWeights[j])).toBeLessThan(0.03);
    const probabilities = predictProbability(model, data.x.subarray(0, 10 * f));
    expect(probabilities).toHaveLength(10);
  });
});

describe('predictProbability', () => {
  const model = fitLogisticRegression(tiny, { l2: 0.5 });

  it('reads a dataset by feature name, so extra or reordered columns score the same', () => {
    const reordered: Dataset = {
      featureNames: ['heart_rate', 'unused', 'age', 'lactate'],
      x: Float32Array.from(
        Array.from({ length: 12 }, (_, r) => [tiny.x[r * 3 + 2], 0, tiny.x[r * 3], tiny.x[r * 3 + 1]]).flat(),
      ),
      y: tiny.y,
    };
    const expected = predictProbability(model, tiny);
    const actual = predictProbability(model, reordered);
    for (let r = 0; r < 12; r++) expect(actual[r]).toBeCloseTo(expected[r], 12);
    expect(predictProbability(model, tiny.x)).toEqual(expected);
    for (const p of expected) expect(p).toBeGreaterThan(0);
  });

  it('names the features it needs when the input does not fit', () => {
    expect(() => predictProbability(model, [1, 2])).toThrow(/multiple of 3 values \(age, lactate, heart_rate\)/);
    const missing: Dataset = { featureNames: ['age'], x: Float32Array.of(1), y: Uint8Array.of(0) };
    expect(() => predictProbability(model, missing)).toThrow(/lacks feature "lactate"/);
  });
});
