import { applyCuts, featureCuts, FLOAT32_MAX, learnCuts } from '@/training/gbdt/binning';
import type { Dataset } from '@/training/dataset';

describe('featureCuts', () => {
  it('gives each distinct value its own bin, cut at the float32 midpoint', () => {
    const cuts = featureCuts(Float32Array.from([1, 1, 2, 4]), 255);
    expect(Array.from(cuts)).toEqual([1.5, 3, FLOAT32_MAX]);
  });

  it('keeps a cut strictly above the lower neighbour when the two are adjacent float32 values', () => {
    const a = Math.fround(0.1);
    const b = Math.fround(a + 2 ** -27); // the next float32 after 0.1
    expect(b).toBeGreaterThan(a);
    const [cut] = featureCuts(Float32Array.from([a, b]), 255);
    expect(cut).toBeGreaterThan(a);
    expect(cut).toBeLessThanOrEqual(b);
  });

  it('uses at most maxBins bins for many distinct values, with increasing cuts', () => {
    const values = Float32Array.from({ length: 10_000 }, (_, i) => i / 7).sort();
    const cuts = featureCuts(values, 16);
    expect(cuts.length).toBeLessThanOrEqual(16);
    for (let i = 1; i < cuts.length; i++) expect(cuts[i]).toBeGreaterThan(cuts[i - 1]);
  });
});

describe('applyCuts', () => {
  it('puts a value in bin b exactly when cuts[b-1] <= value < cuts[b], and NaN in the last bin', () => {
    const train: Dataset = { featureNames: ['a'], x: Float32Array.from([1, 2, 4, NaN, 2, 1]), y: new Uint8Array(6) };
    const cuts = learnCuts(train);
    expect(Array.from(cuts[0])).toEqual([1.5, 3, FLOAT32_MAX]);
    expect(Array.from(applyCuts(train, cuts).bins)).toEqual([0, 1, 2, 3, 1, 0]);
    // Unseen values: a value equal to a cut is not below it, so it lands in the upper bin.
    const other: Dataset = {
      featureNames: ['a'],
      x: Float32Array.from([1.5, 3, 2.9999, -100, 1e30]),
      y: new Uint8Array(5),
    };
    const binned = applyCuts(other, cuts);
    expect(Array.from(binned.bins)).toEqual([1, 2, 1, 0, 2]);
    expect(Array.from(binned.binCount)).toEqual([3]);
  });
});
