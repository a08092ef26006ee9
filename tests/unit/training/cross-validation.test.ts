/** Specification of the fold assignment: partitions, stratification, group isolation and seeded determinism. */
import fc from 'fast-check';
import { groupedStratifiedKFold, repeatedStratifiedKFold, splits, stratifiedKFold } from '@/training/cross-validation';
import { Rng } from '@/training/random';

/** Binary labels, at least `minLength` of them. */
const labels = (minLength: number) =>
  fc.array(fc.boolean(), { minLength, maxLength: 300 }).map((bits) => Uint8Array.from(bits, (b) => (b ? 1 : 0)));

function expectPartition(folds: Int32Array[], n: number): void {
  const seen = new Int32Array(n);
  let unsorted = 0;
  for (const fold of folds) {
    for (let i = 0; i < fold.length; i++) {
      seen[fold[i]]++;
      if (i > 0 && fold[i] <= fold[i - 1]) unsorted++;
    }
  }
  expect(unsorted).toBe(0);
  expect(Array.from(seen).every((count) => count === 1)).toBe(true);
}

function countPositives(y: Uint8Array, rows: Int32Array): number {
  let count = 0;
  for (const r of rows) count += y[r];
  return count;
}

/** Rows with group ids: `groupCount` groups of 1–`maxSize` rows, a group positive with probability ~0.3. */
function groupedData(seed: number, groupCount: number, maxSize: number): { y: Uint8Array; groups: Int32Array } {
  const rng = new Rng(seed);
  const y: number[] = [];
  const groups: number[] = [];
  for (let g = 0; g < groupCount; g++) {
    const size = rng.int(1, maxSize);
    const positive = rng.next() < 0.3;
    // Group ids deliberately sparse and out of order, as patient ids are.
    const id = 1000 + ((g * 7919) % 100003);
    for (let i = 0; i < size; i++) {
      groups.push(id);
      y.push(positive && i === size - 1 ? 1 : 0);
    }
  }
  // Rows of a group need not be contiguous.
  const order = Array.from(y, (_, i) => i);
  rng.shuffle(order);
  return { y: Uint8Array.from(order, (i) => y[i]), groups: Int32Array.from(order, (i) => groups[i]) };
}

describe('stratifiedKFold', () => {
  it('puts every row in exactly one test fold, each fold sorted', () => {
    fc.assert(
      fc.property(labels(10), fc.integer({ min: 2, max: 10 }), fc.integer(), (y, k, seed) => {
        expectPartition(stratifiedKFold(y, k, new Rng(seed)), y.length);
      }),
    );
  });

  it('gives each fold its share of each class, to within one row, and sizes within one row', () => {
    fc.assert(
      fc.property(labels(10), fc.integer({ min: 2, max: 10 }), fc.integer(), (y, k, seed) => {
        const folds = stratifiedKFold(y, k, new Rng(seed));
        const positives = y.reduce((s, v) => s + v, 0);
        for (const fold of folds) {
          const pos = countPositives(y, fold);
          expect(pos).toBeGreaterThanOrEqual(Math.floor(positives / k));
          expect(pos).toBeLessThanOrEqual(Math.ceil(positives / k));
          const neg = fold.length - pos;
          expect(neg).toBeGreaterThanOrEqual(Math.floor((y.length - positives) / k));
          expect(neg).toBeLessThanOrEqual(Math.ceil((y.length - positives) / k));
          expect(fold.length).toBeGreaterThanOrEqual(Math.floor(y.length / k));
          expect(fold.length).toBeLessThanOrEqual(Math.ceil(y.length / k));
        }
      }),
    );
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const y = Uint8Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    expect(stratifiedKFold(y, 5, new Rng(42))).toEqual(stratifiedKFold(y, 5, new Rng(42)));
    expect(stratifiedKFold(y, 5, new Rng(42))).not.toEqual(stratifiedKFold(y, 5, new Rng(43)));
  });

  it('rejects fold counts below 2 or above the row count, naming the limit', () => {
    const y = Uint8Array.of(0, 1, 0);
    expect(() => stratifiedKFold(y, 1, new Rng(1))).toThrow(/>= 2/);
    expect(() => stratifiedKFold(y, 4, new Rng(1))).toThrow(/number of rows \(3\)/);
  });
});

describe('splits', () => {
  it('pairs each test fold with the sorted union of the other folds', () => {
    const folds = [Int32Array.of(0, 3), Int32Array.of(1, 4), Int32Array.of(2, 5)];
    expect(splits(folds)).toEqual([
      { train: Int32Array.of(1, 2, 4, 5), test: Int32Array.of(0, 3) },
      { train: Int32Array.of(0, 2, 3, 5), test: Int32Array.of(1, 4) },
      { train: Int32Array.of(0, 1, 3, 4), test: Int32Array.of(2, 5) },
    ]);
  });

  it('rejects a row that is in two folds', () => {
    expect(() => splits([Int32Array.of(0, 1), Int32Array.of(1, 2)])).toThrow(/row 1/);
  });
});

describe('repeatedStratifiedKFold', () => {
  const y = Uint8Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));

  it('yields repeats × k splits, each a train/test partition of all rows', () => {
    const result = repeatedStratifiedKFold(y, 5, 3, 7);
    expect(result.map(({ repeat, fold }) => [repeat, fold])).toEqual(
      [0, 1, 2].flatMap((repeat) => [0, 1, 2, 3, 4].map((fold) => [repeat, fold])),
    );
    for (const { train, test } of result) {
      expect(train.length + test.length).toBe(y.length);
      const all = new Set([...train, ...test]);
      expect(all.size).toBe(y.length);
    }
    for (let repeat = 0; repeat < 3; repeat++) {
      expectPartition(
        result.filter((s) => s.repeat === repeat).map((s) => s.test),
        y.length,
      );
    }
  });

  it('draws a different partition for each repeat', () => {
    const result = repeatedStratifiedKFold(y, 5, 2, 7);
    expect(result[0].test).not.toEqual(result[5].test);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(repeatedStratifiedKFold(y, 5, 2, 7)).toEqual(repeatedStratifiedKFold(y, 5, 2, 7));
    expect(repeatedStratifiedKFold(y, 5, 2, 7)).not.toEqual(repeatedStratifiedKFold(y, 5, 2, 8));
  });
});

describe('groupedStratifiedKFold', () => {
  const arbitraryCase = fc.record({
    seed: fc.integer(),
    groupCount: fc.integer({ min: 10, max: 80 }),
    maxSize: fc.integer({ min: 1, max: 30 }),
    k: fc.integer({ min: 2, max: 10 }),
  });

  it('puts every row in exactly one test fold and no group in two folds', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ seed, groupCount, maxSize, k }) => {
        const { y, groups } = groupedData(seed, groupCount, maxSize);
        const folds = groupedStratifiedKFold(y, groups, k, new Rng(seed ^ 0x5bd1));
        expectPartition(folds, y.length);
        const foldsOfGroup = new Map<number, Set<number>>();
        folds.forEach((fold, f) => {
          for (const r of fold) foldsOfGroup.set(groups[r], (foldsOfGroup.get(groups[r]) ?? new Set()).add(f));
        });
        expect([...foldsOfGroup.values()].filter((set) => set.size > 1)).toEqual([]);
      }),
    );
  });

  it('balances rows: positive-group rows and total rows per fold differ by at most the largest group', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ seed, groupCount, maxSize, k }) => {
        const { y, groups } = groupedData(seed, groupCount, maxSize);
        const folds = groupedStratifiedKFold(y, groups, k, new Rng(seed));
        const size = new Map<number, number>();
        const positive = new Set<number>();
        for (let r = 0; r < y.length; r++) {
          size.set(groups[r], (size.get(groups[r]) ?? 0) + 1);
          if (y[r]) positive.add(groups[r]);
        }
        const largest = Math.max(...size.values());
        const largestPositive = Math.max(0, ...[...positive].map((g) => size.get(g)!));
        const totals = folds.map((fold) => fold.length);
        const positiveRows = folds.map((fold) => fold.filter((r) => positive.has(groups[r])).length);
        expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(largest);
        expect(Math.max(...positiveRows) - Math.min(...positiveRows)).toBeLessThanOrEqual(largestPositive);
      }),
    );
  });

  it('gives every fold a positive group when there are at least k of them', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ seed, groupCount, maxSize, k }) => {
        const { y, groups } = groupedData(seed, groupCount, maxSize);
        const positiveGroups = new Set(Array.from(groups).filter((_, r) => y[r] === 1));
        fc.pre(positiveGroups.size >= k);
        for (const fold of groupedStratifiedKFold(y, groups, k, new Rng(seed))) {
          expect(countPositives(y, fold)).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('keeps positive-group counts close to an even share on a realistic cohort', () => {
    const { y, groups } = groupedData(3, 2000, 40);
    const folds = groupedStratifiedKFold(y, groups, 5, new Rng(3));
    const positiveGroups = new Set(Array.from(groups).filter((_, r) => y[r] === 1));
    const perFold = folds.map(
      (fold) => new Set(Array.from(fold, (r) => groups[r]).filter((g) => positiveGroups.has(g))).size,
    );
    for (const count of perFold)
      expect(Math.abs(count - positiveGroups.size / 5)).toBeLessThan(0.1 * (positiveGroups.size / 5));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const { y, groups } = groupedData(11, 60, 12);
    expect(groupedStratifiedKFold(y, groups, 5, new Rng(1))).toEqual(groupedStratifiedKFold(y, groups, 5, new Rng(1)));
    expect(groupedStratifiedKFold(y, groups, 5, new Rng(1))).not.toEqual(
      groupedStratifiedKFold(y, groups, 5, new Rng(2)),
    );
  });

  it('rejects more folds than groups and mismatched lengths', () => {
    const y = Uint8Array.of(0, 1, 0, 1);
    expect(() => groupedStratifiedKFold(y, Int32Array.of(1, 1, 2, 2), 3, new Rng(1))).toThrow(/number of groups \(2\)/);
    expect(() => groupedStratifiedKFold(y, Int32Array.of(1, 2), 2, new Rng(1))).toThrow(/groups has 2 entries/);
  });
});
