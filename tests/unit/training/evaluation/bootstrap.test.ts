/**
 * Specification of the bootstrap intervals: reproducible by seed, paired across metrics, resampling whole patients, the
 * fast path equal to the plain one.
 */
import { auroc, averagePrecision } from '@/training/evaluation/ranking-metrics';
import { brierScore } from '@/training/evaluation/calibration';
import { bootstrapCI } from '@/training/evaluation/bootstrap';

/** Type-7 (linear) percentile of unsorted values. */
function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

describe('bootstrapCI', () => {
  const n = 400;
  const y = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const p = Array.from({ length: n }, (_, i) => (((i * 37) % 101) / 100) * 0.5 + (i % 5 === 0 ? 0.3 : 0));

  it('is reproducible for a seed and brackets the estimate', () => {
    const a = bootstrapCI(y, p, averagePrecision, { replicates: 50, seed: 7 });
    expect(bootstrapCI(y, p, averagePrecision, { replicates: 50, seed: 7 })).toEqual(a);
    expect(a.estimate).toBe(averagePrecision(y, p));
    expect(a.replicates).toBe(50);
    expect(a.lower).toBeLessThan(a.estimate);
    expect(a.upper).toBeGreaterThan(a.estimate);
  });

  it('takes type-7 percentiles of the replicate values, and the fast path equals calling the metric on resamples', () => {
    for (const metric of [auroc, averagePrecision, brierScore]) {
      const seen: number[] = [];
      const recording = (ys: ArrayLike<number>, ps: ArrayLike<number>) => {
        const value = metric(ys, ps);
        seen.push(value);
        return value;
      };
      const slow = bootstrapCI(y, p, recording, { replicates: 40, seed: 3, level: 0.9 });
      const replicateValues = seen.slice(1); // the first call is the full-data estimate
      expect(replicateValues).toHaveLength(40);
      expect(slow.lower).toBeCloseTo(percentile(replicateValues, 0.05), 14);
      expect(slow.upper).toBeCloseTo(percentile(replicateValues, 0.95), 14);
      // Same seed, same rows drawn: the weighted single-sort evaluation must agree.
      const fast = bootstrapCI(y, p, metric, { replicates: 40, seed: 3, level: 0.9 });
      expect(fast.lower).toBeCloseTo(slow.lower, 12);
      expect(fast.upper).toBeCloseTo(slow.upper, 12);
    }
  });

  it('draws the same rows for a seed whatever the scores, so two models are compared on paired resamples', () => {
    // Scores that encode the row index reveal which rows each replicate drew.
    const drawnRows = (scores: number[]) => {
      const replicatesSeen: number[][] = [];
      const record = (_ys: ArrayLike<number>, ps: ArrayLike<number>) => {
        replicatesSeen.push(Array.from(ps, (v) => Math.abs(v)));
        return 0;
      };
      bootstrapCI(y, scores, record, { replicates: 5, seed: 11 });
      return replicatesSeen.slice(1);
    };
    const rows = Array.from({ length: n }, (_, i) => i);
    expect(drawnRows(rows)).toEqual(drawnRows(rows.map((i) => -i)));
  });

  it('resamples whole groups when groups are given', () => {
    // Groups of two rows scored 2g and 2g + 1: a resample keeps groups whole iff both scores occur equally often.
    const groups = Int32Array.from({ length: 60 }, (_, i) => 1000 - (i >> 1));
    const ys = Array.from({ length: 60 }, (_, i) => i % 2);
    const ps = Array.from({ length: 60 }, (_, i) => i);
    const intact = (_y: ArrayLike<number>, s: ArrayLike<number>) => {
      const counts = new Map<number, number>();
      for (let i = 0; i < s.length; i++) counts.set(s[i], (counts.get(s[i]) ?? 0) + 1);
      for (let g = 0; g < 30; g++) if ((counts.get(2 * g) ?? 0) !== (counts.get(2 * g + 1) ?? 0)) return 0;
      return 1;
    };
    expect(bootstrapCI(ys, ps, intact, { replicates: 30, seed: 1, groups })).toMatchObject({ lower: 1, upper: 1 });
    expect(bootstrapCI(ys, ps, intact, { replicates: 30, seed: 1 }).upper).toBe(0);
    // Grouped fast path equals the grouped slow path.
    const fast = bootstrapCI(ys, ps, auroc, { replicates: 30, seed: 2, groups });
    const slow = bootstrapCI(ys, ps, (a, b) => auroc(a, b), { replicates: 30, seed: 2, groups });
    expect(fast.lower).toBeCloseTo(slow.lower, 12);
    expect(fast.upper).toBeCloseTo(slow.upper, 12);
  });

  it('drops replicates where the metric is undefined', () => {
    // One positive in 20 rows: about (19/20)^20 ≈ 36 % of replicates draw none and AP is NaN there.
    const ys = Array.from({ length: 20 }, (_, i) => (i === 0 ? 1 : 0));
    const ps = Array.from({ length: 20 }, (_, i) => i / 20);
    const result = bootstrapCI(ys, ps, averagePrecision, { replicates: 100, seed: 5 });
    expect(result.replicates).toBeGreaterThan(40);
    expect(result.replicates).toBeLessThan(90);
    expect(Number.isFinite(result.lower)).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => bootstrapCI(y, p, brierScore, { replicates: 0, seed: 1 })).toThrow(/replicates/);
    expect(() => bootstrapCI(y, p, brierScore, { replicates: 5, seed: 1, level: 1 })).toThrow(/level/);
    expect(() => bootstrapCI(y, p, brierScore, { replicates: 5, seed: 1, groups: new Int32Array(3) })).toThrow(
      /group ids/,
    );
  });
});
