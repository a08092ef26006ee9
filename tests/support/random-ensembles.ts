/** Random tree ensembles for the explainer's property tests: recurring features, NaN routing, float32 ties. */
import fc from 'fast-check';
import { ensembleOf, tree, type Spec } from './hand-built-trees';
import type { Tree, TreeEnsemble } from '@/explain/tree-ensemble';

/** float32-representable split values; rows draw from the same values so ties (x = t → right) are common. */
export const THRESHOLDS = [-2, -1, -0.5, 0, Math.fround(0.1), 0.5, 1, 2];
/** 0.1 is not float32: it rounds to the threshold fround(0.1) and must go right although 0.1 < fround(0.1). */
export const ROW_VALUES = [...THRESHOLDS, 0.1, -3, -0.75, 0.25, 1.5, 3, NaN, NaN];
export const MAX_SPLITS = 24;
export const MAX_DEPTH = 8;
const DRAWS = 2 * MAX_SPLITS + 1;

export interface TreeDraws {
  splitChance: number;
  maxDepth: number;
  /** Features come from the first `pool` indices: a small pool forces the same feature to recur on a path. */
  pool: number;
  /** Seeds the coin flips that shape the tree (fast-check's doubles lean to 0, which would always split). */
  shapeSeed: number;
  features: number[];
  thresholds: number[];
  missingLeft: boolean[];
  leafValues: number[];
  leafCovers: number[];
}

export const treeDraws = (featureCount: number): fc.Arbitrary<TreeDraws> =>
  fc.record({
    splitChance: fc.integer({ min: 30, max: 95 }).map((p) => p / 100),
    maxDepth: fc.integer({ min: 1, max: MAX_DEPTH }),
    pool: fc.integer({ min: 1, max: featureCount }),
    shapeSeed: fc.integer({ min: 0, max: 0x7fffffff }),
    features: fc.array(fc.nat(featureCount - 1), { minLength: DRAWS, maxLength: DRAWS }),
    thresholds: fc.array(fc.constantFrom(...THRESHOLDS), { minLength: DRAWS, maxLength: DRAWS }),
    missingLeft: fc.array(fc.boolean(), { minLength: DRAWS, maxLength: DRAWS }),
    leafValues: fc.array(fc.double({ min: -1, max: 1, noNaN: true }).map(Math.fround), {
      minLength: DRAWS,
      maxLength: DRAWS,
    }),
    // Positive covers of any scale (hessian sums are not integers); parents are the sums of their children.
    leafCovers: fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: DRAWS, maxLength: DRAWS }),
  });

/** Uniform draws in [0, 1) from a 32-bit seed (mulberry32). */
export function coins(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Grows a tree depth first, each node splitting with `splitChance` while under its `maxDepth` and
 * MAX_SPLITS; the side grown first is random so the split budget does not all go to the left.
 */
export function buildTree(d: TreeDraws, featureCount: number): Tree {
  const coin = coins(d.shapeSeed);
  let splits = 0;
  let leaves = 0;
  const grow = (depth: number): Spec => {
    if (depth < d.maxDepth && splits < MAX_SPLITS && coin() < d.splitChance) {
      const s = splits++;
      const f = d.features[s] % Math.min(d.pool, featureCount);
      const rightFirst = coin() < 0.5;
      const first = grow(depth + 1);
      const second = grow(depth + 1);
      const [l, r] = rightFirst ? [second, first] : [first, second];
      return { f, t: d.thresholds[s], missingLeft: d.missingLeft[s], l, r };
    }
    const leaf = leaves++;
    return { leaf: d.leafValues[leaf], cover: d.leafCovers[leaf] };
  };
  return tree(grow(0));
}

export interface Case {
  ensemble: TreeEnsemble;
  rows: number[][];
}

export const caseOf = (maxFeatures: number, maxTrees: number): fc.Arbitrary<Case> =>
  fc.integer({ min: 1, max: maxFeatures }).chain((featureCount) =>
    fc
      .record({
        draws: fc.array(treeDraws(featureCount), { minLength: 1, maxLength: maxTrees }),
        baseScore: fc.double({ min: -2, max: 2, noNaN: true }).map(Math.fround),
        rows: fc.array(fc.array(fc.constantFrom(...ROW_VALUES), { minLength: featureCount, maxLength: featureCount }), {
          minLength: 1,
          maxLength: 3,
        }),
      })
      .map(({ draws, baseScore, rows }) => ({
        ensemble: ensembleOf(
          featureCount,
          draws.map((d) => buildTree(d, featureCount)),
          baseScore,
        ),
        rows,
      })),
  );
