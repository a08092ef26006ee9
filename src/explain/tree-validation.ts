/** TreeEnsemble's structural invariants, checked before a tree is read, written or explained. */
import type { Tree } from './tree-ensemble';

/**
 * Why a tree breaks TreeEnsemble's invariants (parallel arrays, children in range, every node reached
 * exactly once from root 0, features in range), or undefined when it is well formed.
 */
export function findTreeProblem(tree: Tree, featureCount: number): string | undefined {
  const n = tree.feature.length;
  if (n === 0) return 'has no nodes';
  const arrays = [tree.threshold, tree.left, tree.right, tree.missingGoesLeft, tree.leafValue, tree.cover];
  if (arrays.some((a) => a.length !== n)) return 'has arrays of different lengths';
  const seen = new Uint8Array(n);
  const stack = [0];
  seen[0] = 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (tree.left[i] === -1) continue;
    if (!Number.isInteger(tree.feature[i]) || tree.feature[i] < 0 || tree.feature[i] >= featureCount) {
      return `node ${i} splits on feature ${tree.feature[i]}, allowed 0..${featureCount - 1}`;
    }
    if (Number.isNaN(tree.threshold[i])) return `node ${i} has a NaN threshold`;
    for (const child of [tree.left[i], tree.right[i]]) {
      if (!Number.isInteger(child) || child <= 0 || child >= n)
        return `node ${i} has child ${child}, allowed 1..${n - 1}`;
      if (seen[child]) return `node ${child} is reached twice`;
      seen[child] = 1;
      stack.push(child);
    }
  }
  const unreached = seen.indexOf(0);
  return unreached === -1 ? undefined : `node ${unreached} is not reachable from the root`;
}
