import type { Dataset } from '@/training/dataset';
import type { GbdtParams } from '@/training/gbdt/gradient-boosting';
import { innerSplits, selectGbdtParams, selectLogisticL2 } from '@/training/model-selection';

const BASE: GbdtParams = {
  rounds: 200,
  learningRate: 0.3,
  maxDepth: 1,
  minChildWeight: 1,
  lambda: 1,
  gamma: 0,
  subsample: 1,
  colsample: 1,
  maxBins: 255,
  seed: 1,
};

/** y = a XOR b with 10% label noise: stumps cannot learn it, depth-2 trees can. */
function xorData(n: number): Dataset {
  const x = new Float32Array(2 * n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = i % 2;
    const b = Math.floor(i / 2) % 2;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = i % 10 === 0 ? 1 - (a ^ b) : a ^ b;
  }
  return { featureNames: ['a', 'b'], x, y };
}

describe('selectGbdtParams', () => {
  it('prefers depth 2 on an interaction and sets rounds from early stopping', () => {
    const selection = selectGbdtParams(
      xorData(400),
      { base: BASE, grid: [{ maxDepth: 1 }, { maxDepth: 2 }], earlyStoppingRounds: 10, inner: { folds: 4, use: 4 } },
      3,
    );
    expect(selection.params.maxDepth).toBe(2);
    expect(selection.trials[1].meanLogLoss).toBeLessThan(selection.trials[0].meanLogLoss);
    expect(selection.params.rounds).toBe(Math.round(selection.trials[1].meanRounds));
    expect(selection.holdoutFit).toBeUndefined();
  });

  it('hands back the winner fitted on the rows outside a single hold-out', () => {
    const selection = selectGbdtParams(
      xorData(400),
      { base: BASE, grid: [{ maxDepth: 2 }], earlyStoppingRounds: 10, inner: { folds: 4, use: 1 } },
      3,
    );
    expect(selection.holdoutFit?.trees).toHaveLength(selection.params.rounds);
  });
});

describe('innerSplits', () => {
  it('keeps each group on one side when rows carry groups', () => {
    const data = { ...xorData(100), groups: Int32Array.from({ length: 100 }, (_, i) => Math.floor(i / 5)) };
    for (const split of innerSplits(data, { folds: 4, use: 4 }, 1)) {
      const trainGroups = new Set(Array.from(split.train, (r) => data.groups[r]));
      for (const r of split.test) expect(trainGroups.has(data.groups[r])).toBe(false);
    }
  });
});

describe('selectLogisticL2', () => {
  it('picks a strong penalty when the features are pure noise', () => {
    const n = 300;
    let s = 1;
    const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const x = Float32Array.from({ length: n * 5 }, rand);
    const y = Uint8Array.from({ length: n }, () => (rand() < 0.3 ? 1 : 0));
    expect(
      selectLogisticL2({ featureNames: ['a', 'b', 'c', 'd', 'e'], x, y }, [0.001, 1000], { folds: 5, use: 5 }, 1),
    ).toBe(1000);
  });
});
