/**
 * Trees built by hand for the explainer tests: a nested spec to a Tree, ensembles of them, and a close-enough
 * comparison.
 */
import type { Tree, TreeEnsemble } from '@/explain/tree-ensemble';

export type Spec = { leaf: number; cover: number } | { f: number; t: number; missingLeft?: boolean; l: Spec; r: Spec };

/** A Tree in preorder (root 0) from a nested spec; an internal node's cover is the sum of its children's. */
export function tree(spec: Spec): Tree {
  const t: Tree = { feature: [], threshold: [], left: [], right: [], missingGoesLeft: [], leafValue: [], cover: [] };
  const add = (s: Spec): number => {
    const i = t.feature.length;
    t.feature.push(0);
    t.threshold.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.missingGoesLeft.push(false);
    t.leafValue.push(0);
    t.cover.push(0);
    if ('leaf' in s) {
      t.leafValue[i] = s.leaf;
      t.cover[i] = s.cover;
    } else {
      t.feature[i] = s.f;
      t.threshold[i] = Math.fround(s.t);
      t.missingGoesLeft[i] = s.missingLeft ?? false;
      const l = add(s.l);
      const r = add(s.r);
      t.left[i] = l;
      t.right[i] = r;
      t.cover[i] = t.cover[l] + t.cover[r];
    }
    return i;
  };
  add(spec);
  return t;
}

export const ensembleOf = (featureCount: number, trees: Tree[], baseScore = 0): TreeEnsemble => ({
  featureCount,
  baseScore,
  trees,
});

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-9): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      throw new Error(
        `element ${i}: ${actual[i]} differs from ${expected[i]} by more than ${tolerance}\nactual   ${Array.from(actual)}\nexpected ${Array.from(expected)}`,
      );
    }
  }
}
