/** Brute-force Shapley values of tree ensembles: the independent reference TreeSHAP is tested against. */
import type { Tree } from '@/explain/tree-ensemble';

/** The row's branch at an internal node, decided as prediction decides it (float32, NaN by the learned direction). */
export function goesLeft(t: Tree, node: number, row: ArrayLike<number>): boolean {
  const x = row[t.feature[node]];
  return Number.isNaN(x) ? t.missingGoesLeft[node] : Math.fround(x) < t.threshold[node];
}

/**
 * v(S) for one tree: a split on a feature in S follows the row, any other split averages its two
 * children weighted by their covers.
 */
export function conditionalValue(
  t: Tree,
  node: number,
  row: ArrayLike<number>,
  known: (feature: number) => boolean,
): number {
  if (t.left[node] === -1) return t.leafValue[node];
  const l = t.left[node];
  const r = t.right[node];
  if (known(t.feature[node])) return conditionalValue(t, goesLeft(t, node, row) ? l : r, row, known);
  const cl = t.cover[l];
  const cr = t.cover[r];
  return (cl * conditionalValue(t, l, row, known) + cr * conditionalValue(t, r, row, known)) / (cl + cr);
}

export function popcount(n: number): number {
  let c = 0;
  for (let x = n; x; x &= x - 1) c++;
  return c;
}

/**
 * Adds to phi the Shapley values φ_i = Σ_{S ⊆ P∖{i}} |S|!(M−|S|−1)!/M! (v(S∪{i}) − v(S)) of a game on
 * `players` (feature indices), given v over their subsets (bit k of a subset = players[k]).
 */
export function addShapley(v: Float64Array, players: number[], phi: Float64Array): void {
  const m = players.length;
  const factorial = [1];
  for (let k = 1; k <= m; k++) factorial[k] = factorial[k - 1] * k;
  players.forEach((f, k) => {
    const bit = 1 << k;
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & bit) continue;
      const s = popcount(mask);
      phi[f] += ((factorial[s] * factorial[m - s - 1]) / factorial[m]) * (v[mask | bit] - v[mask]);
    }
  });
}

/**
 * Shapley values of v(S) = Σ_trees v_tree(S) by enumerating every subset of `players`; features that
 * are not players are never known (restricting to the features the trees use is exact: the others
 * are null players). `empty` is v(∅).
 */
export function bruteForceShapley(
  trees: Tree[],
  row: ArrayLike<number>,
  players: number[],
  featureCount: number,
): { phi: Float64Array; empty: number } {
  const position = new Int32Array(featureCount).fill(-1);
  players.forEach((f, k) => (position[f] = k));
  const v = new Float64Array(1 << players.length);
  for (let mask = 0; mask < v.length; mask++) {
    const known = (f: number) => position[f] >= 0 && (mask & (1 << position[f])) !== 0;
    for (const t of trees) v[mask] += conditionalValue(t, 0, row, known);
  }
  const phi = new Float64Array(featureCount);
  addShapley(v, players, phi);
  return { phi, empty: v[0] };
}
