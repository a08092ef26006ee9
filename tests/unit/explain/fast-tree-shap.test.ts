/**
 * Specification of Fast TreeSHAP v2: the same values as Algorithm 2 and brute force, and which trees get its tables
 * (the leaf-game size cap and the ensemble's table budget). Its agreement with hand-computed and brute-force Shapley
 * values on every kind of tree is in tree-shap.test.ts, which runs each case on both algorithms.
 */
import fc from 'fast-check';
import { bruteForceShapley } from '../../support/brute-force-shapley';
import { ensembleOf, expectClose, tree, type Spec } from '../../support/hand-built-trees';
import { caseOf, ROW_VALUES } from '../../support/random-ensembles';
import { FAST_TABLE_BUDGET, MAX_TABLE_PLAYERS } from '@/explain/fast-tree-shap';
import { computeCovers, InvalidCoversError } from '@/explain/tree-covers';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { prepareExplainer } from '@/explain/tree-shap';

const allFeatures = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A tree splitting `depth` times on every path, on features first, first + 1, … (one per level): 2^depth leaves. */
function fullTree(depth: number, first: number, seed: number): Spec {
  let leaf = seed;
  const grow = (level: number): Spec => {
    if (level === depth) {
      leaf++;
      return { leaf: Math.fround(((leaf * 37) % 19) / 19 - 0.5), cover: 1 + ((leaf * 13) % 7) };
    }
    return { f: first + level, t: 0.5, missingLeft: level % 2 === 0, l: grow(level + 1), r: grow(level + 1) };
  };
  return grow(0);
}

/** x_k < 0.5 → leaf, else the next feature: the deepest leaf's game has `features` players. */
function chain(features: number): Spec {
  const grow = (k: number): Spec =>
    k === features
      ? { leaf: 2, cover: 1 }
      : { f: k, t: 0.5, l: { leaf: -1 + k / features, cover: 1 + k }, r: grow(k + 1) };
  return grow(0);
}

function expectSameValues(ensemble: TreeEnsemble, rows: ArrayLike<number>[], tolerance = 1e-12): void {
  const reference = prepareExplainer(ensemble, { algorithm: 'algorithm-2' });
  const explainers = [prepareExplainer(ensemble), prepareExplainer(ensemble, { algorithm: 'fast-v2' })];
  for (const row of rows) {
    const expected = reference.explain(row).contributions;
    for (const explainer of explainers) {
      expect(explainer.baseValue).toBe(reference.baseValue);
      expectClose(explainer.explain(row).contributions, expected, tolerance);
    }
  }
}

describe('Fast TreeSHAP v2 against Algorithm 2', () => {
  it('gives the same contributions to 1e-12 on random ensembles (recurring features, NaN, float32 ties)', () => {
    fc.assert(
      fc.property(caseOf(12, 6), ({ ensemble, rows }) => expectSameValues(ensemble, rows)),
      { numRuns: 300 },
    );
  });

  it('gives the same contributions, or refuses the same rows, with covers counted from a few background rows (branches without cover)', () => {
    fc.assert(
      fc.property(
        caseOf(6, 4).chain((c) =>
          fc.record({
            c: fc.constant(c),
            background: fc.array(
              fc.array(fc.constantFrom(...ROW_VALUES), {
                minLength: c.ensemble.featureCount,
                maxLength: c.ensemble.featureCount,
              }),
              { minLength: 1, maxLength: 4 },
            ),
          }),
        ),
        ({ c, background }) => {
          const f = c.ensemble.featureCount;
          // Counted covers add up, so every split with cover has children with some: both explainers prepare.
          const ensemble = computeCovers(c.ensemble, Float64Array.from(background.flat()), f);
          const reference = prepareExplainer(ensemble, { algorithm: 'algorithm-2' });
          const fast = prepareExplainer(ensemble, { algorithm: 'fast-v2' });
          for (const row of [...c.rows, ...background]) {
            let expected: Float64Array | undefined;
            try {
              expected = reference.explain(row).contributions;
            } catch (error) {
              expect(error).toBeInstanceOf(InvalidCoversError);
            }
            if (expected) expectClose(fast.explain(row).contributions, expected, 1e-12);
            else expect(() => fast.explain(row)).toThrow(InvalidCoversError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives the same contributions on wider ensembles of up to 30 trees', () => {
    fc.assert(
      fc.property(caseOf(40, 30), ({ ensemble, rows }) => expectSameValues(ensemble, rows)),
      { numRuns: 100 },
    );
  });
});

describe('which trees get tables', () => {
  it(`keeps Algorithm 2 for a tree with a leaf game of more than ${MAX_TABLE_PLAYERS} players, and the mixed ensemble still gives brute-force Shapley values`, () => {
    const players = MAX_TABLE_PLAYERS + 1;
    const ensemble = ensembleOf(players, [
      tree(chain(players)),
      tree(chain(MAX_TABLE_PLAYERS)),
      tree({ f: 3, t: 0.5, l: { leaf: 1, cover: 3 }, r: { leaf: -1, cover: 1 } }),
    ]);
    const explainer = prepareExplainer(ensemble, { algorithm: 'fast-v2' });
    expect(explainer.fastTreeCount).toBe(2);
    expect(explainer.maxDepth).toBe(players);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ROW_VALUES), { minLength: players, maxLength: players }), (row) => {
        const reference = bruteForceShapley(ensemble.trees, row, allFeatures(players), players);
        expectClose(explainer.explain(row).contributions, reference.phi);
      }),
      { numRuns: 20 },
    );
  });

  it('gives tables to trees in ensemble order while the total stays within FAST_TABLE_BUDGET under auto, to every tree under fast-v2', () => {
    // Depth 8 on 8 distinct features: 256 leaves, each with a 2^8-entry table of float64, 512 KiB per tree.
    const perTree = 256 * 256 * 8;
    const trees = [0, 1, 2].map((k) => tree(fullTree(8, k, 100 * k)));
    const ensemble = ensembleOf(10, trees, 0.25);
    const fitting = Math.floor(FAST_TABLE_BUDGET / perTree);
    expect(fitting).toBeLessThan(trees.length);

    const auto = prepareExplainer(ensemble);
    expect(auto.fastTreeCount).toBe(fitting);
    expect(auto.fastTableBytes).toBe(fitting * perTree);
    const fast = prepareExplainer(ensemble, { algorithm: 'fast-v2' });
    expect(fast.fastTreeCount).toBe(3);
    expect(fast.fastTableBytes).toBe(3 * perTree);
    expect(prepareExplainer(ensemble, { algorithm: 'algorithm-2' }).fastTreeCount).toBe(0);

    const rows = Array.from({ length: 40 }, (_, r) =>
      Array.from({ length: 10 }, (_, j) => ROW_VALUES[(r * 7 + j * 3 + ((r * j) % 5)) % ROW_VALUES.length]),
    );
    expectSameValues(ensemble, rows);
  });

  it('gives no table to a leaf of value 0, which adds nothing', () => {
    const ensemble = ensembleOf(2, [
      tree({
        f: 0,
        t: 0.5,
        l: { leaf: 0, cover: 2 },
        r: { f: 1, t: 0.5, l: { leaf: 0, cover: 1 }, r: { leaf: 1, cover: 1 } },
      }),
    ]);
    const explainer = prepareExplainer(ensemble, { algorithm: 'fast-v2' });
    // Only the leaf of value 1 (two players: 2^2 entries).
    expect(explainer.fastTableBytes).toBe(4 * 8);
    expectClose(explainer.explain([1, 1]).contributions, [3 / 8, 3 / 8], 1e-15);
  });
});
