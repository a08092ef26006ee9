/** Specification of the classification metrics: hand-computed cases and brute-force references on random data. */
import fc from 'fast-check';
import {
  MetricInputError,
  auroc,
  aurocWithCI,
  averagePrecision,
  bootstrapCI,
  brierScore,
  calibration,
  confusionAt,
  maxF1Threshold,
  rocCurve,
  youdenThreshold,
} from '@/training/evaluation/classification-metrics';

/** Labels and scores of equal length with both classes; scores on a coarse grid so ties are frequent. */
const labelledScores = fc
  .array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 12 })), { minLength: 2, maxLength: 80 })
  .filter((rows) => rows.some(([y]) => y === 1) && rows.some(([y]) => y === 0))
  .map((rows) => ({ y: rows.map(([y]) => y), p: rows.map(([, s]) => s / 12) }));

/** O(n²) Mann–Whitney: every (positive, negative) pair scores 1, 1/2 on a tie, 0 otherwise. */
function bruteAuroc(y: number[], p: number[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      pairs++;
      sum += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  }
  return sum / pairs;
}

/** DeLong (1988) from its definition: structural components as pair averages, then their sample variances. */
function bruteDeLongVariance(y: number[], p: number[]): number {
  const xs = p.filter((_, i) => y[i] === 1);
  const zs = p.filter((_, i) => y[i] === 0);
  const psi = (x: number, z: number) => (x > z ? 1 : x === z ? 0.5 : 0);
  const v10 = xs.map((x) => zs.reduce((s, z) => s + psi(x, z), 0) / zs.length);
  const v01 = zs.map((z) => xs.reduce((s, x) => s + psi(x, z), 0) / xs.length);
  const a = v10.reduce((s, v) => s + v, 0) / xs.length;
  const s10 = v10.reduce((s, v) => s + (v - a) ** 2, 0) / (xs.length - 1);
  const s01 = v01.reduce((s, v) => s + (v - a) ** 2, 0) / (zs.length - 1);
  return s10 / xs.length + s01 / zs.length;
}

/** Average precision as the mean, over positives, of the precision at that positive's own score (ties included). */
function bruteAveragePrecision(y: number[], p: number[]): number {
  let sum = 0;
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    positives++;
    let above = 0;
    let positivesAbove = 0;
    for (let j = 0; j < y.length; j++) {
      if (p[j] >= p[i]) {
        above++;
        positivesAbove += y[j];
      }
    }
    sum += positivesAbove / above;
  }
  return sum / positives;
}

/** Type-7 (linear) percentile of unsorted values. */
function percentile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

// Shared small case: positives scored 0.8, 0.6, 0.4; negatives 0.6, 0.3, 0.2.
const Y6 = [1, 1, 1, 0, 0, 0];
const P6 = [0.8, 0.6, 0.4, 0.6, 0.3, 0.2];

describe('auroc', () => {
  it('counts a tied positive–negative pair as 1/2', () => {
    // Pairs won: 0.8 beats all 3 negatives (3); 0.6 beats 0.3, 0.2 and ties 0.6 (2.5); 0.4 beats 0.3, 0.2 (2).
    // U = 7.5 of 3·3 = 9 pairs → 5/6.
    expect(auroc(Y6, P6)).toBeCloseTo(5 / 6, 15);
  });

  it('is 1 for perfect ranking, 0 for reversed, 1/2 when all scores tie', () => {
    expect(auroc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(auroc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.4])).toBe(0);
    expect(auroc([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('is NaN without both classes', () => {
    expect(auroc([1, 1], [0.2, 0.9])).toBeNaN();
    expect(auroc([], [])).toBeNaN();
  });

  it('equals the O(n²) pair count on random data with ties', () => {
    fc.assert(
      fc.property(labelledScores, ({ y, p }) => {
        expect(auroc(y, p)).toBeCloseTo(bruteAuroc(y, p), 12);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects labels other than 0/1, non-finite scores and length mismatches', () => {
    expect(() => auroc([0, 2], [0.1, 0.2])).toThrow(MetricInputError);
    expect(() => auroc([0, 1], [0.1, NaN])).toThrow(/finite/);
    expect(() => auroc([0, 1], [0.1])).toThrow(/same length/);
    try {
      auroc([0, 0.5], [0.1, 0.2]);
    } catch (error) {
      expect((error as MetricInputError).code).toBe('METRIC_INPUT');
    }
  });
});

describe('aurocWithCI (DeLong)', () => {
  it('matches the hand-computed variance of the small case', () => {
    // V10 (positives): [3, 2.5, 2]/3 = [1, 5/6, 2/3]; V01 (negatives, positives above + ½ ties):
    // 0.6 → (1 + 0.5)/3 = 1/2, 0.3 → 1, 0.2 → 1. AUC = 5/6.
    // S10 = ((1/6)² + 0 + (1/6)²)/2 = 1/36;  S01 = ((1/3)² + (1/6)² + (1/6)²)/2 = 1/12.
    // Var = S10/3 + S01/3 = 1/108 + 3/108 = 1/27.
    const ci = aurocWithCI(Y6, P6);
    expect(ci.estimate).toBeCloseTo(5 / 6, 15);
    expect(ci.standardError ** 2).toBeCloseTo(1 / 27, 15);
    // Logit scale: logit(5/6) = ln 5; se_logit = se / (a(1 − a)) = (1/√27)/(5/36); z(0.975) = 1.959963984540054.
    const z = 1.959963984540054;
    const seLogit = 1 / Math.sqrt(27) / (5 / 36);
    const expit = (x: number) => 1 / (1 + Math.exp(-x));
    expect(ci.lower).toBeCloseTo(expit(Math.log(5) - z * seLogit), 12); // 0.24855
    expect(ci.upper).toBeCloseTo(expit(Math.log(5) + z * seLogit), 12); // 0.98694
    // z(0.95) = 1.6448536269514722 for a 90 % interval.
    expect(aurocWithCI(Y6, P6, 0.9).upper).toBeCloseTo(expit(Math.log(5) + 1.6448536269514722 * seLogit), 12);
  });

  it('equals the definition-based DeLong variance on random data', () => {
    fc.assert(
      fc.property(
        labelledScores.filter(({ y }) => y.filter((v) => v === 1).length >= 2 && y.filter((v) => v === 0).length >= 2),
        ({ y, p }) => {
          const ci = aurocWithCI(y, p);
          expect(ci.standardError ** 2).toBeCloseTo(bruteDeLongVariance(y, p), 12);
          expect(ci.lower).toBeGreaterThanOrEqual(0);
          expect(ci.upper).toBeLessThanOrEqual(1);
          expect(ci.lower).toBeLessThanOrEqual(ci.estimate);
          expect(ci.upper).toBeGreaterThanOrEqual(ci.estimate);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('collapses to the estimate at perfect separation and is NaN with a class of one row', () => {
    expect(aurocWithCI([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toEqual({ estimate: 1, lower: 1, upper: 1, standardError: 0 });
    const single = aurocWithCI([0, 0, 1], [0.1, 0.2, 0.3]);
    expect(single.estimate).toBe(1);
    expect(single.lower).toBeNaN();
  });
});

describe('averagePrecision', () => {
  it("matches sklearn's documented example", () => {
    // sklearn docs: average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333…
    // Thresholds 0.8: R 1/2, P 1 → 1/2; 0.4: ΔR 0; 0.35: R 1, P 2/3 → 1/2 · 2/3 = 1/3. Sum 5/6.
    expect(averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(5 / 6, 15);
  });

  it('takes tied scores as one threshold', () => {
    // y = [1, 0, 1, 1, 0], p = [0.9, 0.8, 0.8, 0.4, 0.2], P = 3.
    // 0.9: tp 1 fp 0 → ΔR 1/3 · 1; 0.8 (one positive, one negative together): tp 2 fp 1 → 1/3 · 2/3;
    // 0.4: tp 3 fp 1 → 1/3 · 3/4; 0.2: no new positive. AP = 12/36 + 8/36 + 9/36 = 29/36.
    expect(averagePrecision([1, 0, 1, 1, 0], [0.9, 0.8, 0.8, 0.4, 0.2])).toBeCloseTo(29 / 36, 15);
  });

  it('is NaN without positives', () => {
    expect(averagePrecision([0, 0], [0.1, 0.2])).toBeNaN();
  });

  it('equals the mean precision at each positive on random data', () => {
    fc.assert(
      fc.property(labelledScores, ({ y, p }) => {
        expect(averagePrecision(y, p)).toBeCloseTo(bruteAveragePrecision(y, p), 12);
      }),
      { numRuns: 300 },
    );
  });
});

describe('brierScore', () => {
  it('is the mean squared error of the probabilities', () => {
    // (0.2² + 0.3² + 0.5²)/3 = (0.04 + 0.09 + 0.25)/3 = 0.38/3.
    expect(brierScore([1, 0, 1], [0.8, 0.3, 0.5])).toBeCloseTo(0.38 / 3, 15);
  });
});

describe('rocCurve', () => {
  it('lists one point per distinct score, from (0,0) to (1,1)', () => {
    // Descending thresholds over Y6/P6 (P = N = 3): 0.8 → tp 1; 0.6 → tp 2, fp 1; 0.4 → tp 3; 0.3 → fp 2; 0.2 → fp 3.
    expect(rocCurve(Y6, P6)).toEqual([
      { fpr: 0, tpr: 0, threshold: Infinity },
      { fpr: 0, tpr: 1 / 3, threshold: 0.8 },
      { fpr: 1 / 3, tpr: 2 / 3, threshold: 0.6 },
      { fpr: 1 / 3, tpr: 1, threshold: 0.4 },
      { fpr: 2 / 3, tpr: 1, threshold: 0.3 },
      { fpr: 1, tpr: 1, threshold: 0.2 },
    ]);
  });

  it('thins evenly in curve index, keeping both ends', () => {
    // 6 points, 3 kept: indices round(k · 5/2) = 0, 3 (2.5 rounds up), 5.
    const full = rocCurve(Y6, P6);
    expect(rocCurve(Y6, P6, 3)).toEqual([full[0], full[3], full[5]]);
  });

  it('has the AUROC as trapezoid area, and thinning keeps the ends and monotonicity', () => {
    fc.assert(
      fc.property(labelledScores, fc.integer({ min: 2, max: 6 }), ({ y, p }, maxPoints) => {
        const curve = rocCurve(y, p, 10_000);
        let area = 0;
        for (let k = 1; k < curve.length; k++) {
          area += (curve[k].fpr - curve[k - 1].fpr) * ((curve[k].tpr + curve[k - 1].tpr) / 2);
        }
        expect(area).toBeCloseTo(auroc(y, p), 12);
        const thin = rocCurve(y, p, maxPoints);
        expect(thin.length).toBeLessThanOrEqual(maxPoints);
        expect(thin[0]).toEqual({ fpr: 0, tpr: 0, threshold: Infinity });
        expect(thin[thin.length - 1]).toMatchObject({ fpr: 1, tpr: 1 });
        for (let k = 1; k < thin.length; k++) {
          expect(thin[k].fpr).toBeGreaterThanOrEqual(thin[k - 1].fpr);
          expect(thin[k].tpr).toBeGreaterThanOrEqual(thin[k - 1].tpr);
          expect(thin[k].threshold).toBeLessThan(thin[k - 1].threshold);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('needs both classes', () => {
    expect(() => rocCurve([1, 1], [0.1, 0.2])).toThrow(MetricInputError);
  });
});

describe('calibration', () => {
  it('bins, reports empty bins as null, and weights the ECE by bin size', () => {
    // Bins of width 0.1: 0.05 → bin 0; 0.15, 0.12 → bin 1; 0.5 → bin 5; 0.95 and 1.0 → bin 9 (last includes 1).
    // bin 0: mean 0.05, rate 0 → |0.05|;  bin 1: mean 0.135, rate 1/2 → 0.365;  bin 5: 0.5 vs 0 → 0.5;
    // bin 9: mean 0.975, rate 1 → 0.025.  ECE = (1·0.05 + 2·0.365 + 1·0.5 + 2·0.025)/6 = 1.33/6.
    const result = calibration([0, 0, 1, 1, 1, 0], [0.05, 0.15, 0.12, 0.95, 1.0, 0.5]);
    expect(result.ece).toBeCloseTo(1.33 / 6, 15);
    expect(result.bins).toHaveLength(10);
    expect(result.bins[1]).toEqual({ lower: 0.1, upper: 0.2, count: 2, meanPredicted: expect.closeTo(0.135, 15), observedRate: 0.5 });
    expect(result.bins[2]).toEqual({ lower: 0.2, upper: 0.3, count: 0, meanPredicted: null, observedRate: null });
    expect(result.bins[9]).toMatchObject({ count: 2, observedRate: 1 });
  });

  it('puts a probability equal to a bin edge k/bins into bin k', () => {
    for (const bins of [3, 7, 10, 20]) {
      for (let k = 0; k <= bins; k++) {
        const table = calibration([0], [k / bins], bins).bins;
        expect(table[Math.min(k, bins - 1)].count).toBe(1);
      }
    }
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => calibration([0], [1.2])).toThrow(/\[0, 1\]/);
  });
});

describe('confusionAt', () => {
  it('counts p >= threshold as positive and derives the rates', () => {
    // Threshold 0.5: positive 0.9(y1), 0.6(y0), 0.5(y1), 0.5(y0) → tp 2, fp 2; negative 0.4(y1) → fn 1; 0.2, 0.1 → tn 2.
    // sens 2/3, spec 2/4, ppv 2/4, npv 2/3, f1 = 4/(4 + 2 + 1) = 4/7, mcc = (2·2 − 2·1)/√(4·3·4·3) = 2/12.
    const c = confusionAt([1, 1, 0, 0, 1, 0, 0], [0.9, 0.4, 0.6, 0.2, 0.5, 0.5, 0.1], 0.5);
    expect(c).toEqual({
      tp: 2,
      fp: 2,
      tn: 2,
      fn: 1,
      sensitivity: 2 / 3,
      specificity: 0.5,
      ppv: 0.5,
      npv: 2 / 3,
      f1: 4 / 7,
      mcc: expect.closeTo(1 / 6, 15),
    });
  });

  it('reports 0 for rates with an empty denominator', () => {
    // Nothing reaches 0.95: tp = fp = 0, so ppv and mcc are undefined and reported 0.
    const c = confusionAt([1, 0], [0.9, 0.1], 0.95);
    expect(c).toMatchObject({ tp: 0, fp: 0, tn: 1, fn: 1, sensitivity: 0, specificity: 1, ppv: 0, npv: 0.5, f1: 0, mcc: 0 });
  });
});

describe('youdenThreshold and maxF1Threshold', () => {
  // y = [0, 0, 1, 0, 1, 1], p = [0.1, 0.3, 0.35, 0.4, 0.8, 0.9]; P = N = 3.
  // threshold: (tp, fp) → J = tp/3 − fp/3;  F1 = 2tp/(tp + fp + 3)
  // 0.9: (1,0) → 1/3, 2/4;  0.8: (2,0) → 2/3, 4/5;  0.4: (2,1) → 1/3, 4/6;
  // 0.35: (3,1) → 2/3, 6/7;  0.3: (3,2) → 1/3, 6/8;  0.1: (3,3) → 0, 6/9.
  const y = [0, 0, 1, 0, 1, 1];
  const p = [0.1, 0.3, 0.35, 0.4, 0.8, 0.9];

  it('Youden: J ties at 0.8 and 0.35, the smaller threshold wins', () => {
    expect(youdenThreshold(y, p)).toBe(0.35);
  });

  it('F1: the best is 6/7 at 0.35', () => {
    expect(maxF1Threshold(y, p)).toBe(0.35);
  });

  it('F1: ties go to the smaller threshold', () => {
    // y = [1, 0, 0, 1], p = [0.9, 0.6, 0.5, 0.4], P = 2: 0.9 → 2/(1+0+2) = 2/3; 0.6 → 2/4; 0.5 → 2/5; 0.4 → 4/6 = 2/3.
    expect(maxF1Threshold([1, 0, 0, 1], [0.9, 0.6, 0.5, 0.4])).toBe(0.4);
  });

  it('are NaN when undefined', () => {
    expect(youdenThreshold([1, 1], [0.2, 0.3])).toBeNaN();
    expect(maxF1Threshold([0, 0], [0.2, 0.3])).toBeNaN();
  });

  it('agree with an exhaustive search through confusionAt', () => {
    fc.assert(
      fc.property(labelledScores, ({ y: ys, p: ps }) => {
        const P = ys.filter((v) => v === 1).length;
        const N = ys.length - P;
        const candidates = [...new Set(ps)].sort((a, b) => a - b); // ascending: the first best is the smallest
        const search = (criterion: (tp: number, fp: number) => [number, number]): number => {
          let best = candidates[0];
          let [bn, bd] = criterion(confusionAt(ys, ps, best).tp, confusionAt(ys, ps, best).fp);
          for (const t of candidates) {
            const c = confusionAt(ys, ps, t);
            const [n, d] = criterion(c.tp, c.fp);
            if (n * bd > bn * d) [best, bn, bd] = [t, n, d];
          }
          return best;
        };
        expect(youdenThreshold(ys, ps)).toBe(search((tp, fp) => [tp * N - fp * P, 1]));
        expect(maxF1Threshold(ys, ps)).toBe(search((tp, fp) => [2 * tp, tp + fp + P]));
      }),
      { numRuns: 200 },
    );
  });
});

describe('bootstrapCI', () => {
  const n = 400;
  const y = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const p = Array.from({ length: n }, (_, i) => ((i * 37) % 101) / 100 * 0.5 + (i % 5 === 0 ? 0.3 : 0));

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
    expect(() => bootstrapCI(y, p, brierScore, { replicates: 5, seed: 1, groups: new Int32Array(3) })).toThrow(/group ids/);
  });
});
