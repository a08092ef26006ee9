import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { globalImportance } from '@/training/global-importance';
import type { Dataset } from '@/training/dataset';

// One stump on feature a: a < 0.5 → −1, else +3, each side covering half the rows. Its expected
// value is (−1 + 3)/2 = 1, so a row going left gets φ_a = −2 and a row going right φ_a = +2; b never
// splits, φ_b = 0.
const stump: TreeEnsemble = {
  featureCount: 2,
  baseScore: 0,
  trees: [
    {
      feature: [0, 0, 0],
      threshold: [0.5, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      missingGoesLeft: [false, false, false],
      leafValue: [0, -1, 3],
      cover: [2, 1, 1],
    },
  ],
};
const data: Dataset = {
  featureNames: ['a', 'b'],
  x: Float32Array.from([0, 9, 1, 9, 0, 9, 0, 9]),
  y: new Uint8Array(4),
};

describe('globalImportance', () => {
  it('is the mean |contribution| of each feature over the rows, largest first', () => {
    expect(globalImportance(stump, data)).toEqual({
      features: [
        { name: 'a', meanAbsContribution: 2 },
        { name: 'b', meanAbsContribution: 0 },
      ],
      rows: 4,
    });
  });

  it('explains an evenly spaced sample when there are more rows than allowed', () => {
    // maxRows 2 of 4 → rows 0 and 2
    expect(globalImportance(stump, data, 2).rows).toBe(2);
  });
});
