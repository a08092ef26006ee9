/**
 * Specification of covers counted from background rows: the counts, explaining through uncovered branches, and
 * refusals.
 */
import { bruteForceShapley } from '../../support/brute-force-shapley';
import { ensembleOf, expectClose, tree } from '../../support/hand-built-trees';
import { ExplainInputError } from '@/explain/explain-input-error';
import { computeCovers, InvalidCoversError } from '@/explain/tree-covers';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { explainRow, prepareExplainer } from '@/explain/tree-shap';

describe('computeCovers', () => {
  // x0 < 0.5 (NaN left) → leaf A; else x1 < 1 (NaN right) → leaf B | leaf C.
  const uncovered = tree({
    f: 0,
    t: 0.5,
    missingLeft: true,
    l: { leaf: -1, cover: NaN },
    r: { f: 1, t: 1, l: { leaf: 1, cover: NaN }, r: { leaf: 2, cover: NaN } },
  });
  const ensemble = ensembleOf(2, [uncovered]);

  it('counts the background rows reaching each node, with ties right and NaN on its missing-value side', () => {
    const background = Float32Array.from([
      0,
      0, // left
      0.5,
      0, // tie at the root → right, then x1 = 0 < 1 → B
      NaN,
      5, // NaN at the root → left
      1,
      NaN, // right, then NaN → C
      2,
      1, // right, tie → C
    ]);
    const covered = computeCovers(ensemble, background, 2);
    // Node order (preorder): root, A, split on x1, B, C.
    expect(covered.trees[0].cover).toEqual([5, 2, 3, 1, 2]);
    expect(uncovered.cover.every(Number.isNaN)).toBe(true);
    expect({ ...covered.trees[0], cover: [] }).toEqual({ ...uncovered, cover: [] });
    expect(covered.trees[0].feature).not.toBe(uncovered.feature);
    // These counts make the explanation a Shapley value of the background-weighted game.
    const row = [1, 0];
    expectClose(explainRow(covered, row).contributions, bruteForceShapley(covered.trees, row, [0, 1], 2).phi, 1e-12);
  });

  it.each(['algorithm-2', 'fast-v2'] as const)(
    'lets a row explain through a branch no background row took, but not through a split with none below it (%s)',
    (algorithm) => {
      const explain = (e: TreeEnsemble, row: number[]) => prepareExplainer(e, { algorithm }).explain(row);
      // Every background row goes left at the root: B and C (and the x1 split) get cover 0.
      const covered = computeCovers(ensemble, Float64Array.from([0, 0, 0.25, 3]), 2);
      expect(covered.trees[0].cover).toEqual([2, 2, 0, 0, 0]);
      // A row going left never needs the empty side: φ0 = −1 − (−1) = 0.
      expectClose(explain(covered, [0, 0]).contributions, [0, 0]);
      // A row going right reaches the x1 split, whose children no background row reached: undefined.
      expect(() => explain(covered, [1, 0])).toThrow(InvalidCoversError);
      expect(() => explain(covered, [1, 0])).toThrow(/tree 0 \(node 2\)/);
    },
  );

  it('refuses an empty background or the wrong width', () => {
    expect(() => computeCovers(ensemble, new Float32Array(0), 2)).toThrow(ExplainInputError);
    expect(() => computeCovers(ensemble, new Float32Array(3), 2)).toThrow(ExplainInputError);
    expect(() => computeCovers(ensemble, new Float32Array(3), 3)).toThrow(ExplainInputError);
  });
});
