/**
 * Specification of TreeSHAP: hand-computed Shapley values, agreement with a brute-force Shapley reference on random
 * ensembles, local accuracy, batches and the covers it refuses.
 */
import fc from 'fast-check';
import { bruteForceShapley } from '../../support/brute-force-shapley';
import { ensembleOf, expectClose, tree } from '../../support/hand-built-trees';
import { buildTree, caseOf, MAX_DEPTH, ROW_VALUES, treeDraws } from '../../support/random-ensembles';
import { ExplainInputError } from '@/explain/explain-input-error';
import { InvalidCoversError, MissingCoversError } from '@/explain/tree-covers';
import { predictMargin, type Tree, type TreeEnsemble } from '@/explain/tree-ensemble';
import { InvalidTreeEnsembleError } from '@/explain/tree-ensemble-errors';
import { explainRow, explainRows, prepareExplainer } from '@/explain/tree-shap';

/** Every test of the values runs on both algorithms, each forced for every tree. */
const ALGORITHMS = ['algorithm-2', 'fast-v2'] as const;

const allFeatures = (n: number) => Array.from({ length: n }, (_, i) => i);

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

// ---------------------------------------------------------------------------------------------

describe.each(ALGORITHMS)('TreeSHAP (%s) on hand-computed trees', (algorithm) => {
  const explain = (e: TreeEnsemble, row: ArrayLike<number>) => prepareExplainer(e, { algorithm }).explain(row);

  // Depth 1 on x0 < 0.5: left −1 (cover 30), right 2 (cover 10); E = (30·(−1) + 10·2)/40 = −0.25.
  const stump = ensembleOf(2, [tree({ f: 0, t: 0.5, l: { leaf: -1, cover: 30 }, r: { leaf: 2, cover: 10 } })], 0.5);

  it('gives a stump’s whole deviation from its mean to its feature, none to the unused one', () => {
    // x0 = 1 goes right: f = 2, so φ0 = 2 − (−0.25) = 2.25 and φ1 = 0.
    const { baseValue, contributions } = explain(stump, [1, 7]);
    expect(baseValue).toBeCloseTo(0.5 - 0.25, 15);
    expectClose(contributions, [2.25, 0], 1e-15);
  });

  it('sends a value equal to the threshold right (x < t is false) and NaN to the missing-value side', () => {
    expectClose(explain(stump, [0.5, 0]).contributions, [2.25, 0], 1e-15);
    // missingGoesLeft is false on the stump: NaN takes the right (hot) branch, as in prediction.
    expectClose(explain(stump, [NaN, 0]).contributions, [2.25, 0], 1e-15);
    const missingLeft = ensembleOf(2, [
      tree({ f: 0, t: 0.5, missingLeft: true, l: { leaf: -1, cover: 30 }, r: { leaf: 2, cover: 10 } }),
    ]);
    // NaN left: f = −1, φ0 = −1 − (−0.25) = −0.75.
    expectClose(explain(missingLeft, [NaN, 0]).contributions, [-0.75, 0], 1e-15);
  });

  it('compares in float32: 0.1 rounds to the threshold fround(0.1) and goes right', () => {
    const t = ensembleOf(1, [tree({ f: 0, t: 0.1, l: { leaf: -1, cover: 1 }, r: { leaf: 1, cover: 1 } })]);
    // E = 0; x = 0.1 (float64, below the float32 threshold 0.100000001…) still goes right: φ0 = 1.
    expectClose(explain(t, [0.1]).contributions, [1], 1e-15);
    expectClose(explain(t, new Float64Array([0.09999999])).contributions, [-1], 1e-15);
  });

  /*
   * The AND tree of the paper: x0 < 0.5 → 0; else x1 < 0.5 → 0 else 1, every cell equally likely
   * (covers 2 | 1, 1). v(∅) = 1/4.
   * Row (1, 1): v{0} = 1/2 (x0 known, x1 averaged), v{1} = 1/2·0 + 1/2·1 = 1/2, v{0,1} = 1.
   *   φ0 = ½[(v{0} − v∅) + (v{01} − v{1})] = ½[1/4 + 1/2] = 3/8, and φ1 = 3/8 by symmetry.
   * Row (1, 0): v{0} = 1/2, v{1} = 0, v{01} = 0.
   *   φ0 = ½[(1/2 − 1/4) + (0 − 0)] = 1/8, φ1 = ½[(0 − 1/4) + (0 − 1/2)] = −3/8.
   * Row (0, 1): v{0} = 0, v{1} = 1/2, v{01} = 0.
   *   φ0 = ½[(0 − 1/4) + (0 − 1/2)] = −3/8, φ1 = ½[(1/2 − 1/4) + (0 − 0)] = 1/8.
   */
  const and = ensembleOf(2, [
    tree({
      f: 0,
      t: 0.5,
      l: { leaf: 0, cover: 2 },
      r: { f: 1, t: 0.5, l: { leaf: 0, cover: 1 }, r: { leaf: 1, cover: 1 } },
    }),
  ]);

  it.each([
    [
      [1, 1],
      [3 / 8, 3 / 8],
    ],
    [
      [1, 0],
      [1 / 8, -3 / 8],
    ],
    [
      [0, 1],
      [-3 / 8, 1 / 8],
    ],
    [
      [0, 0],
      [-1 / 8, -1 / 8],
    ],
  ])('splits the AND tree’s output at row %j into %j', (row, expected) => {
    const { baseValue, contributions } = explain(and, row);
    expect(baseValue).toBe(0.25);
    expectClose(contributions, expected, 1e-15);
  });

  /*
   * A feature that recurs around another: x0 < 1 → 0 (cover 2), else x1 < 1 → 1 (cover 1), else
   * x0 < 2 → 2 (cover 1) | 5 (cover 2). Row (5, 5) reaches the leaf 5.
   * v(∅) = 2/6·0 + 4/6·[1/4·1 + 3/4·(1·2 + 2·5)/3] = 4/6 · 13/4 = 13/6.
   * v{0} = 1/4·1 + 3/4·5 = 4 (both x0 splits follow the row, x1 averaged),
   * v{1} = 2/6·0 + 4/6·4 = 8/3 (x0 averaged at both of its splits), v{0,1} = 5.
   * φ0 = ½[(4 − 13/6) + (5 − 8/3)] = 25/12, φ1 = ½[(8/3 − 13/6) + (5 − 4)] = 3/4; 13/6 + 25/12 + 3/4 = 5.
   * Treating the two x0 splits as separate players instead gives φ ≈ (2.0972, 0.7361).
   */
  it('unwinds a feature’s earlier split when it recurs on the path', () => {
    const repeated = ensembleOf(2, [
      tree({
        f: 0,
        t: 1,
        l: { leaf: 0, cover: 2 },
        r: {
          f: 1,
          t: 1,
          l: { leaf: 1, cover: 1 },
          r: { f: 0, t: 2, l: { leaf: 2, cover: 1 }, r: { leaf: 5, cover: 2 } },
        },
      }),
    ]);
    const { baseValue, contributions } = explain(repeated, [5, 5]);
    expect(baseValue).toBeCloseTo(13 / 6, 15);
    expectClose(contributions, [25 / 12, 3 / 4], 1e-15);
  });

  it('lets a single-leaf tree shift only the base value', () => {
    const withLeaf = ensembleOf(2, [...and.trees, tree({ leaf: 0.75, cover: 4 })], -0.5);
    const { baseValue, contributions } = explain(withLeaf, [1, 0]);
    expect(baseValue).toBe(-0.5 + 0.25 + 0.75);
    expectClose(contributions, [1 / 8, -3 / 8], 1e-15);
    const onlyLeaves = ensembleOf(3, [tree({ leaf: 0.25, cover: 1 })], 1);
    expect(explain(onlyLeaves, [1, 2, 3])).toEqual({ baseValue: 1.25, contributions: new Float64Array(3) });
  });
});

describe.each(ALGORITHMS)('TreeSHAP (%s) against brute-force Shapley values', (algorithm) => {
  const explain = (e: TreeEnsemble, row: ArrayLike<number>) => prepareExplainer(e, { algorithm }).explain(row);

  it('agrees to 1e-9 on random ensembles (≤ 12 features, depth ≤ 8, recurring features, NaN, ties)', () => {
    fc.assert(
      fc.property(caseOf(12, 4), ({ ensemble, rows }) => {
        const explainer = prepareExplainer(ensemble, { algorithm });
        const splitting = ensemble.trees.filter((t) => t.left[0] !== -1).length;
        expect(explainer.fastTreeCount).toBe(algorithm === 'fast-v2' ? splitting : 0);
        for (const row of rows) {
          const reference = bruteForceShapley(
            ensemble.trees,
            row,
            allFeatures(ensemble.featureCount),
            ensemble.featureCount,
          );
          const { baseValue, contributions } = explainer.explain(row);
          expect(Math.abs(baseValue - (ensemble.baseScore + reference.empty))).toBeLessThanOrEqual(1e-9);
          expectClose(contributions, reference.phi);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on deep, narrow trees where one or two features recur down every path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((featureCount) =>
          fc.record({
            draws: fc.array(
              treeDraws(featureCount).map((d) => ({
                ...d,
                splitChance: 0.9,
                maxDepth: MAX_DEPTH,
                pool: Math.min(d.pool, 2),
              })),
              {
                minLength: 1,
                maxLength: 3,
              },
            ),
            row: fc.array(fc.constantFrom(...ROW_VALUES), { minLength: featureCount, maxLength: featureCount }),
            featureCount: fc.constant(featureCount),
          }),
        ),
        ({ draws, row, featureCount }) => {
          const ensemble = ensembleOf(
            featureCount,
            draws.map((d) => buildTree(d, featureCount)),
          );
          const reference = bruteForceShapley(ensemble.trees, row, allFeatures(featureCount), featureCount);
          expectClose(explain(ensemble, row).contributions, reference.phi);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe.each(ALGORITHMS)('local accuracy (%s)', (algorithm) => {
  const explain = (e: TreeEnsemble, row: ArrayLike<number>) => prepareExplainer(e, { algorithm }).explain(row);

  it('baseValue + Σ contributions = predictMargin to 1e-9 on larger random ensembles', () => {
    fc.assert(
      fc.property(caseOf(40, 30), ({ ensemble, rows }) => {
        const explainer = prepareExplainer(ensemble, { algorithm });
        for (const row of rows) {
          const { baseValue, contributions } = explainer.explain(row);
          expect(Math.abs(baseValue + sum(contributions) - predictMargin(ensemble, row))).toBeLessThanOrEqual(1e-9);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives every feature that no tree uses a contribution of exactly 0', () => {
    fc.assert(
      fc.property(caseOf(12, 4), ({ ensemble, rows }) => {
        const used = new Set(ensemble.trees.flatMap((t) => t.feature.filter((_, i) => t.left[i] !== -1)));
        const { contributions } = explain(ensemble, rows[0]);
        contributions.forEach((c, j) => {
          if (!used.has(j)) expect(c).toBe(0);
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('batches and the prepared explainer', () => {
  it('explainRows and a reused explainer give each row’s explainRow result, for float32 and float64 batches', () => {
    fc.assert(
      fc.property(caseOf(12, 6), ({ ensemble, rows }) => {
        const f = ensemble.featureCount;
        const x64 = Float64Array.from(rows.flat());
        const x32 = Float32Array.from(x64);
        const explainer = prepareExplainer(ensemble);
        const batch64 = explainRows(ensemble, x64, f);
        const batch32 = explainRows(ensemble, x32, f);
        const into = new Float64Array(rows.length * f + 1);
        rows.forEach((row, r) => {
          const single = explainRow(ensemble, row);
          // Float32 rows hold fround(x), which the explainer compares anyway.
          expect(Array.from(batch64.contributions.subarray(r * f, (r + 1) * f))).toEqual(
            Array.from(single.contributions),
          );
          expect(Array.from(batch32.contributions.subarray(r * f, (r + 1) * f))).toEqual(
            Array.from(single.contributions),
          );
          explainer.explainInto(row, into, 1 + r * f);
          expect(Array.from(into.subarray(1 + r * f, 1 + (r + 1) * f))).toEqual(Array.from(single.contributions));
        });
        expect(into[0]).toBe(0);
        expect(batch64.baseValue).toBe(explainer.baseValue);
        expect(batch64.featureCount).toBe(f);
      }),
      { numRuns: 100 },
    );
  });

  it('reports per-tree expected values and the maximum depth', () => {
    const e = ensembleOf(2, [
      tree({
        f: 0,
        t: 0.5,
        l: { leaf: 0, cover: 2 },
        r: { f: 1, t: 0.5, l: { leaf: 0, cover: 1 }, r: { leaf: 1, cover: 1 } },
      }),
      tree({ leaf: 0.5, cover: 4 }),
    ]);
    const explainer = prepareExplainer(e);
    expect(Array.from(explainer.expectedValues)).toEqual([0.25, 0.5]);
    expect(explainer.maxDepth).toBe(2);
    expect(explainer.baseValue).toBe(0.75);
  });

  it('refuses rows and batches of the wrong width', () => {
    const e = ensembleOf(2, [tree({ f: 0, t: 0.5, l: { leaf: 0, cover: 1 }, r: { leaf: 1, cover: 1 } })]);
    expect(() => explainRow(e, [1, 2, 3])).toThrow(ExplainInputError);
    expect(() => explainRows(e, new Float32Array(3), 2)).toThrow(
      expect.objectContaining({ code: 'INVALID_EXPLAIN_INPUT' }),
    );
    expect(() => explainRows(e, new Float32Array(6), 3)).toThrow(ExplainInputError);
    expect(() => prepareExplainer(e).explainInto([1, 2], new Float64Array(2), 1)).toThrow(ExplainInputError);
  });
});

describe('covers TreeSHAP refuses', () => {
  it('throws MissingCoversError (MISSING_COVERS) for an ensemble without covers', () => {
    const noCovers = ensembleOf(2, [tree({ f: 0, t: 0.5, l: { leaf: 0, cover: NaN }, r: { leaf: 1, cover: NaN } })]);
    expect(() => prepareExplainer(noCovers)).toThrow(MissingCoversError);
    expect(() => explainRow(noCovers, [0, 0])).toThrow(
      expect.objectContaining({ code: 'MISSING_COVERS', name: 'MissingCoversError' }),
    );
    expect(() => explainRows(noCovers, new Float32Array(2), 2)).toThrow(/crc\.tree_covers/);
  });

  it('throws InvalidCoversError (INVALID_COVERS) for negative or infinite covers, or a tree whose root has no cover below it', () => {
    const withCovers = (l: number, r: number) =>
      ensembleOf(1, [tree({ f: 0, t: 0, l: { leaf: 0, cover: l }, r: { leaf: 1, cover: r } })]);
    expect(() => prepareExplainer(withCovers(-1, 2))).toThrow(
      expect.objectContaining({ code: 'INVALID_COVERS', name: 'InvalidCoversError' }),
    );
    expect(() => prepareExplainer(withCovers(Infinity, 2))).toThrow(InvalidCoversError);
    expect(() => prepareExplainer(withCovers(0, 0))).toThrow(InvalidCoversError);
  });

  it('throws InvalidTreeEnsembleError for a malformed tree', () => {
    const t = tree({ f: 0, t: 0, l: { leaf: 0, cover: 1 }, r: { leaf: 1, cover: 1 } });
    const unreachable: Tree = {
      ...t,
      feature: [...t.feature, 0],
      threshold: [...t.threshold, 0],
      left: [...t.left, -1],
      right: [...t.right, -1],
      missingGoesLeft: [...t.missingGoesLeft, false],
      leafValue: [...t.leafValue, 5],
      cover: [...t.cover, 1],
    };
    expect(() => prepareExplainer(ensembleOf(1, [unreachable]))).toThrow(InvalidTreeEnsembleError);
    expect(() => prepareExplainer(ensembleOf(1, [{ ...t, feature: [3, 0, 0] }]))).toThrow(
      expect.objectContaining({ code: 'INVALID_TREE_ENSEMBLE' }),
    );
  });
});
