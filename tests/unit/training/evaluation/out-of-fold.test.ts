import { auroc } from '@/training/evaluation/ranking-metrics';
import { outOfFoldPredictions, type OutOfFoldDesign } from '@/training/evaluation/out-of-fold';
import type { Dataset } from '@/training/dataset';
import { fitGradientBoosting, predictProbabilities } from '@/training/gbdt/gradient-boosting';

/** Random labels, each patient's hours identical copies of one row: only memorisation can "predict" them. */
function memorisable(patients: number, hoursEach: number): Dataset {
  let s = 42;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const n = patients * hoursEach;
  const x = new Float32Array(n * 2);
  const y = new Uint8Array(n);
  const groups = new Int32Array(n);
  for (let p = 0; p < patients; p++) {
    const a = rand();
    const b = rand();
    const label = rand() < 0.3 ? 1 : 0;
    for (let h = 0; h < hoursEach; h++) {
      const r = p * hoursEach + h;
      x[2 * r] = a;
      x[2 * r + 1] = b;
      y[r] = label;
      groups[r] = p;
    }
  }
  return { featureNames: ['a', 'b'], x, y, groups };
}

const MEMORISER = {
  rounds: 60,
  learningRate: 0.5,
  maxDepth: 8,
  minChildWeight: 0,
  lambda: 0,
  gamma: 0,
  subsample: 1,
  colsample: 1,
  maxBins: 255,
  seed: 1,
};

const design: OutOfFoldDesign = {
  folds: 4,
  repeats: 2,
  search: { base: MEMORISER, grid: [{}], earlyStoppingRounds: 1000, inner: { folds: 3, use: 1 } },
  baseline: { l2Grid: [1], inner: { folds: 3, use: 1 } },
  seed: 5,
};

describe('outOfFoldPredictions', () => {
  const data = memorisable(200, 5);

  it('memorises in-sample (so the test can detect a leak)', () => {
    const fit = fitGradientBoosting(data, MEMORISER).ensemble;
    expect(auroc(data.y, predictProbabilities(fit, data))).toBeGreaterThan(0.95);
  });

  it('predicts every row once per repeat from models that never saw its patient', () => {
    const oof = outOfFoldPredictions(data, design);
    expect(oof.gbdt).toHaveLength(2);
    for (const p of oof.gbdt) {
      expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
      // A patient seen in training would be recognised from its identical hours: AUROC near 1.
      expect(auroc(data.y, p)).toBeLessThan(0.65);
    }
    expect(oof.folds).toHaveLength(8);
    expect(oof.chosen).toHaveLength(8);
  });

  it('leaks when rows are split without their groups, as the check above would notice', () => {
    const ungrouped = { ...data, groups: undefined };
    const oof = outOfFoldPredictions(ungrouped, design);
    expect(auroc(data.y, oof.gbdt[0])).toBeGreaterThan(0.9);
  });
});
