/**
 * Specification of Hosmer–Lemeshow H (deciles of risk) and the χ² tail behind its p-value: a hand-worked table,
 * closed forms and printed table values of χ², and the bootstrap's weights against rows written out.
 */
import fc from 'fast-check';
import { chiSquareUpperTail, logGamma } from '@/training/evaluation/chi-square';
import { hosmerLemeshow, repeatedHosmerLemeshow } from '@/training/evaluation/hosmer-lemeshow';

describe('chiSquareUpperTail', () => {
  it('matches the closed forms for 2 and 4 degrees of freedom', () => {
    for (const x of [0.1, 1, 3.3, 9, 25]) {
      expect(chiSquareUpperTail(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
      expect(chiSquareUpperTail(x, 4)).toBeCloseTo(Math.exp(-x / 2) * (1 + x / 2), 12);
    }
  });

  it('gives the printed critical values: χ²(1) 3.8415 and χ²(8) 15.5073 at 5%, χ²(8) 20.0902 at 1%', () => {
    expect(chiSquareUpperTail(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareUpperTail(15.507313, 8)).toBeCloseTo(0.05, 6);
    expect(chiSquareUpperTail(20.090235, 8)).toBeCloseTo(0.01, 6);
    expect(chiSquareUpperTail(0, 8)).toBe(1);
  });

  it('rests on log Γ: Γ(5) = 24, Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
});

describe('hosmerLemeshow', () => {
  it('sums (O − E)² / (E(1 − E/n)) over groups of equal size by predicted risk, worked by hand', () => {
    // Sorted by p: [.1 .2] [.3 .6] [.7 .8] with y [0 1] [0 1] [1 0] (given shuffled).
    // G1: O 1, E .3, var .3·(1 − .15) = .255 → .49/.255. G2: O 1, E .9, var .9·(1 − .45) = .495 → .01/.495.
    // G3: O 1, E 1.5, var 1.5·(1 − .75) = .375 → .25/.375.
    const p = [0.6, 0.1, 0.8, 0.3, 0.2, 0.7];
    const y = [1, 0, 0, 0, 1, 1];
    const hl = hosmerLemeshow(y, p, 3);
    const h = 0.49 / 0.255 + 0.01 / 0.495 + 0.25 / 0.375;
    expect(hl.h).toBeCloseTo(h, 12);
    expect(hl.df).toBe(1);
    expect(hl.pValue).toBeCloseTo(chiSquareUpperTail(h, 1), 15);
    expect(hl.groups.map((g) => g.count)).toEqual([2, 2, 2]);
    expect(hl.groups.map((g) => g.observed)).toEqual([1, 1, 1]);
    expect(hl.groups[2].expected).toBeCloseTo(1.5, 15);
  });

  it('is 0 when every group observes what it expects', () => {
    // Ten groups of two rows at p = 0.5, one death each.
    const p = Array.from({ length: 20 }, () => 0.5);
    const y = Array.from({ length: 20 }, (_, i) => i % 2);
    expect(hosmerLemeshow(y, p).h).toBe(0);
  });

  it('with weights, equals H on the rows written out as many times as drawn', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 0, max: 3 })), {
          minLength: 12,
          maxLength: 60,
        }),
        (rows) => {
          const y = rows.map(([v]) => v);
          const p = rows.map(([, s]) => s / 100);
          const w = Uint32Array.from(rows, ([, , c]) => c);
          fc.pre(w.reduce((a, b) => a + b, 0) >= 10);
          const written: { y: number; p: number }[] = [];
          // Rows written out in order of p, ties in row order: the order the weighted form walks.
          const order = rows.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
          for (const i of order) for (let c = 0; c < w[i]; c++) written.push({ y: y[i], p: p[i] });
          const direct = hosmerLemeshow(
            written.map((r) => r.y),
            written.map((r) => r.p),
          );
          expect(hosmerLemeshow(y, p, 10, undefined, w).h).toBeCloseTo(direct.h, 9);
        },
      ),
    );
  });
});

describe('repeatedHosmerLemeshow', () => {
  it('averages H over the repeats, its interval around the estimate', () => {
    const n = 200;
    const y = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 1 : 0));
    const a = Float64Array.from({ length: n }, (_, i) => 0.05 + (0.3 * ((i * 37) % n)) / n);
    const b = Float64Array.from({ length: n }, (_, i) => 0.1 + (0.2 * ((i * 53) % n)) / n);
    const r = repeatedHosmerLemeshow(y, [a, b], { replicates: 200, seed: 3 });
    expect(r.h.estimate).toBeCloseTo((hosmerLemeshow(y, a).h + hosmerLemeshow(y, b).h) / 2, 12);
    expect(r.df).toBe(8);
    expect(r.pValue).toBeCloseTo(chiSquareUpperTail(r.h.estimate, 8), 15);
    expect(r.h.lower).toBeLessThan(r.h.upper);
  });
});
