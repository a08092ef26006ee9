/** Seeded fold assignment for cross-validation: stratified, repeated, and grouped (no patient on both sides). */
import { Rng } from './random';

/** One cross-validation split, as sorted row indices. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** A split of a repeated cross-validation, numbered from 0. */
export interface RepeatedSplit extends Split {
  repeat: number;
  fold: number;
}

function checkFoldCount(k: number, units: number, unitName: string): void {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`fold count must be an integer >= 2, got ${k}`);
  if (k > units) throw new RangeError(`fold count ${k} exceeds the number of ${unitName} (${units})`);
}

/** Row indices of each fold, ascending, from a row → fold map (every row in exactly one fold). */
function foldsFromAssignment(foldOfRow: Int32Array, k: number): Int32Array[] {
  const sizes = new Int32Array(k);
  for (let r = 0; r < foldOfRow.length; r++) sizes[foldOfRow[r]]++;
  const folds = Array.from(sizes, (size) => new Int32Array(size));
  const filled = new Int32Array(k);
  // Rows are visited in order, so each fold comes out sorted without a sort.
  for (let r = 0; r < foldOfRow.length; r++) {
    const f = foldOfRow[r];
    folds[f][filled[f]++] = r;
  }
  return folds;
}

/**
 * Test rows of each of `k` folds, class proportions preserved: each class's rows are shuffled and
 * dealt round-robin. The deal continues across classes where the previous class stopped, so fold
 * sizes differ by at most one overall as well as within each class. A class with fewer than `k`
 * rows leaves some folds without it.
 */
export function stratifiedKFold(y: Uint8Array, k: number, rng: Rng): Int32Array[] {
  checkFoldCount(k, y.length, 'rows');
  const byClass = new Map<number, number[]>();
  for (let r = 0; r < y.length; r++) {
    const rows = byClass.get(y[r]);
    if (rows) rows.push(r);
    else byClass.set(y[r], [r]);
  }
  // Classes in ascending label order, so the result does not depend on which label comes first.
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const foldOfRow = new Int32Array(y.length);
  let next = 0;
  for (const label of classes) {
    const rows = byClass.get(label)!;
    rng.shuffle(rows);
    for (const r of rows) {
      foldOfRow[r] = next;
      next = (next + 1) % k;
    }
  }
  return foldsFromAssignment(foldOfRow, k);
}

/**
 * Test rows of each of `k` folds such that no group has rows in two folds. Groups are stratified by
 * whether they hold any positive row; within each stratum they are shuffled, ordered by size
 * (largest first, ties in shuffled order) and each is given to the fold with the fewest rows so far.
 * The positive stratum goes first, so positive groups are spread by their own row counts, and the
 * negative groups then even out the totals: fold sizes differ by at most the largest group's size.
 */
export function groupedStratifiedKFold(y: Uint8Array, groups: Int32Array, k: number, rng: Rng): Int32Array[] {
  if (groups.length !== y.length) {
    throw new RangeError(`groups has ${groups.length} entries but y has ${y.length}`);
  }
  // Groups indexed in order of first appearance, so the shuffle input never depends on Map internals.
  const indexOfGroup = new Map<number, number>();
  const groupOfRow = new Int32Array(y.length);
  const sizes: number[] = [];
  const positive: boolean[] = [];
  for (let r = 0; r < y.length; r++) {
    let g = indexOfGroup.get(groups[r]);
    if (g === undefined) {
      g = sizes.length;
      indexOfGroup.set(groups[r], g);
      sizes.push(0);
      positive.push(false);
    }
    groupOfRow[r] = g;
    sizes[g]++;
    if (y[r] !== 0) positive[g] = true;
  }
  checkFoldCount(k, sizes.length, 'groups');

  const foldOfGroup = new Int32Array(sizes.length);
  const foldRows = new Float64Array(k);
  for (const stratum of [true, false]) {
    const members: number[] = [];
    for (let g = 0; g < sizes.length; g++) if (positive[g] === stratum) members.push(g);
    rng.shuffle(members);
    // Array.prototype.sort is stable, so equal-sized groups keep their shuffled order.
    members.sort((a, b) => sizes[b] - sizes[a]);
    for (const g of members) {
      let best = 0;
      for (let f = 1; f < k; f++) if (foldRows[f] < foldRows[best]) best = f;
      foldOfGroup[g] = best;
      foldRows[best] += sizes[g];
    }
  }

  const foldOfRow = new Int32Array(y.length);
  for (let r = 0; r < y.length; r++) foldOfRow[r] = foldOfGroup[groupOfRow[r]];
  return foldsFromAssignment(foldOfRow, k);
}

/** Train/test pairs from test folds: each fold is the test set once, the other folds' rows (sorted) train. */
export function splits(folds: Int32Array[]): Split[] {
  let rowSpan = 0;
  for (const fold of folds) for (let i = 0; i < fold.length; i++) rowSpan = Math.max(rowSpan, fold[i] + 1);
  const foldOfRow = new Int32Array(rowSpan).fill(-1);
  folds.forEach((fold, f) => {
    for (let i = 0; i < fold.length; i++) {
      if (foldOfRow[fold[i]] !== -1) throw new RangeError(`row ${fold[i]} is in folds ${foldOfRow[fold[i]]} and ${f}`);
      foldOfRow[fold[i]] = f;
    }
  });
  let assigned = 0;
  for (const fold of folds) assigned += fold.length;

  return folds.map((test, f) => {
    const train = new Int32Array(assigned - test.length);
    let n = 0;
    for (let r = 0; r < rowSpan; r++) if (foldOfRow[r] !== -1 && foldOfRow[r] !== f) train[n++] = r;
    return { train, test: Int32Array.from(test).sort() };
  });
}

/**
 * `repeats` independent stratified k-fold partitions drawn from one generator seeded with `seed`,
 * flattened into splits in (repeat, fold) order.
 */
export function repeatedStratifiedKFold(y: Uint8Array, k: number, repeats: number, seed: number): RepeatedSplit[] {
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new RangeError(`repeats must be an integer >= 1, got ${repeats}`);
  const rng = new Rng(seed);
  const result: RepeatedSplit[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    splits(stratifiedKFold(y, k, rng)).forEach((split, fold) => result.push({ repeat, fold, ...split }));
  }
  return result;
}
