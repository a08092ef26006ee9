/**
 * Specification of the ranking metrics (AUROC with DeLong's interval, average precision, ROC curve): hand-computed
 * cases and brute-force references on random data.
 */
import fc from 'fast-check';
import { labelledScores } from '../../../support/labelled-scores';
import { auroc, aurocWithCI, averagePrecision, rocCurve } from '@/training/evaluation/ranking-metrics';
import { MetricInputError } from '@/training/evaluation/metric-input';

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
    expect(aurocWithCI([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toEqual({
      estimate: 1,
      lower: 1,
      upper: 1,
      standardError: 0,
    });
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
