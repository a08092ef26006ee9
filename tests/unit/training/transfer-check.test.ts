import type { Dataset } from '@/training/dataset';
import type { GbdtSearch } from '@/training/model-selection';
import { transferCheck, type TransferUnits } from '@/training/transfer-check';

const SEARCH: GbdtSearch = {
  base: {
    rounds: 60,
    learningRate: 0.3,
    maxDepth: 2,
    minChildWeight: 1,
    lambda: 1,
    gamma: 0,
    subsample: 1,
    colsample: 1,
    maxBins: 64,
    seed: 1,
  },
  grid: [{ maxDepth: 1 }, { maxDepth: 2 }],
  earlyStoppingRounds: 5,
  inner: { folds: 4, use: 1 },
};

/**
 * Patients of 12 hours in three units (−1: neither). A septic patient's label turns 1 at hour 6 and the signal `s`
 * rises from hour 3; `noise` is unrelated. Deterministic, so no seed is needed.
 */
function patients(count: number): { data: Dataset; units: TransferUnits } {
  const hours = 12;
  const n = count * hours;
  const x = new Float32Array(2 * n);
  const y = new Uint8Array(n);
  const groups = new Int32Array(n);
  const ofRow = new Int8Array(n);
  for (let p = 0; p < count; p++) {
    const septic = p % 4 === 0;
    const unit = p % 3 === 2 ? -1 : p % 3;
    for (let h = 0; h < hours; h++) {
      const r = p * hours + h;
      x[2 * r] = (septic && h >= 3 ? h : 0) + ((p * 7 + h * 3) % 5) / 5;
      x[2 * r + 1] = (p * 13 + h * 11) % 17;
      y[r] = septic && h >= 6 ? 1 : 0;
      groups[r] = p;
      ofRow[r] = unit;
    }
  }
  return { data: { featureNames: ['s', 'noise'], x, y, groups }, units: { names: ['Unit1', 'Unit2'], ofRow } };
}

describe('transferCheck', () => {
  const { data, units } = patients(240);
  const seen: number[] = [];
  const design = {
    search: SEARCH,
    seed: 7,
    threshold: (rows: Dataset, p: Float64Array) => {
      seen.push(rows.y.length);
      return 0.5 + 0 * p.length;
    },
    utility: true,
  };

  it('trains on each unit and tests on the other, leaving out rows of neither', () => {
    const results = transferCheck(data, units, design);
    expect(results.map((r) => `${r.train}→${r.test}`)).toEqual(['Unit1→Unit2', 'Unit2→Unit1']);
    for (const r of results) {
      expect(r.patients).toBe(80); // 240 patients: 80 per unit, 80 in neither
      expect(r.rows).toBe(80 * 12);
      expect(r.trainPatients).toBe(80);
      expect(r.positivePatients).toBe(20); // every fourth patient is septic
      expect(r.auroc).toBeGreaterThan(0.9); // the signal is the same in both units
      expect(r.utility).toBeGreaterThan(0);
      expect(r.utility).toBeLessThanOrEqual(1);
      expect(r.threshold).toBe(0.5);
    }
  });

  it('chooses the threshold on rows of the training unit only (its inner hold-out)', () => {
    seen.length = 0;
    transferCheck(data, units, design);
    // One threshold per training unit, each on a quarter of that unit's 80 patients (inner 4 folds, one used).
    expect(seen).toEqual([20 * 12, 20 * 12]);
  });

  it('gives the same threshold whatever the test unit holds', () => {
    // A threshold that depends on the hold-out predictions: the mean probability.
    const mean = (_: Dataset, p: Float64Array) => p.reduce((a, b) => a + b, 0) / p.length;
    const relabelled = { ...data, y: data.y.slice() };
    for (let r = 0; r < relabelled.y.length; r++) if (units.ofRow[r] === 1) relabelled.y[r] = 0;
    const a = transferCheck(data, units, { ...design, threshold: mean })[0];
    const b = transferCheck(relabelled, units, { ...design, threshold: mean })[0];
    expect(a.train).toBe('Unit1');
    expect(b.threshold).toBe(a.threshold);
    expect(b.positivePatients).toBe(0);
  });

  it('can take the threshold from out-of-fold predictions of a grouped CV inside the training unit', () => {
    seen.length = 0;
    const results = transferCheck(data, units, { ...design, thresholdFolds: 4 });
    expect(seen).toEqual([80 * 12, 80 * 12]); // every row of the training unit, out of fold
    expect(results[0].thresholdFrom).toMatch(/4-fold CV inside Unit1/);
    expect(results[0].auroc).toBeGreaterThan(0.9);
  });

  it('refuses units that do not cover the rows', () => {
    expect(() => transferCheck(data, { names: ['Unit1'], ofRow: new Int8Array(3) }, design)).toThrow(/cover 3 rows/);
  });
});
