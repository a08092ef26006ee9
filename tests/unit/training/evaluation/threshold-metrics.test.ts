/**
 * Specification of the threshold metrics: confusion counts and rates, Youden and F1 thresholds, against exhaustive
 * search.
 */
import fc from 'fast-check';
import { labelledScores } from '../../../support/labelled-scores';
import {
  confusionAt,
  event1At,
  maxEvent1Threshold,
  maxF1Threshold,
  youdenThreshold,
} from '@/training/evaluation/threshold-metrics';

describe('confusionAt', () => {
  it('counts p >= threshold as positive and derives the rates', () => {
    // Threshold 0.5: positive 0.9(y1), 0.6(y0), 0.5(y1), 0.5(y0) → tp 2, fp 2; negative 0.4(y1) → fn 1; 0.2, 0.1 → tn
    // 2.
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
    expect(c).toMatchObject({
      tp: 0,
      fp: 0,
      tn: 1,
      fn: 1,
      sensitivity: 0,
      specificity: 1,
      ppv: 0,
      npv: 0.5,
      f1: 0,
      mcc: 0,
    });
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

describe('event1At and maxEvent1Threshold (PhysioNet/CinC 2012 Event 1)', () => {
  it('is min(sensitivity, PPV), worked by hand', () => {
    // y = 1 1 1 0 0 0 0 0, p = .9 .8 .3 .7 .6 .2 .1 .05. At 0.6: tp 2 (.9 .8), fp 2 (.7 .6): Se 2/3, PPV 2/4 → 1/2.
    // At 0.8: tp 2, fp 0: Se 2/3, PPV 1 → 2/3. At 0.3: tp 3, fp 2: Se 1, PPV 3/5 → 3/5. At 0.9: Se 1/3, PPV 1 → 1/3.
    // At 0.7: tp 2, fp 1 → min(2/3, 2/3) = 2/3, tied with 0.8: the smaller threshold, 0.7, wins.
    const y = [1, 1, 1, 0, 0, 0, 0, 0];
    const p = [0.9, 0.8, 0.3, 0.7, 0.6, 0.2, 0.1, 0.05];
    expect(event1At(y, p, 0.6)).toBe(0.5);
    expect(event1At(y, p, 0.8)).toBeCloseTo(2 / 3, 15);
    expect(event1At(y, p, 0.3)).toBeCloseTo(3 / 5, 15);
    expect(maxEvent1Threshold(y, p)).toBe(0.7);
  });

  it('finds the threshold with the highest Event 1 of every distinct score, ties to the smallest', () => {
    fc.assert(
      fc.property(labelledScores, ({ y, p }) => {
        const candidates = [...new Set(p)].sort((a, b) => a - b);
        let best = -1;
        let bestT = NaN;
        for (const t of candidates) {
          const c = confusionAt(y, p, t);
          const e = Math.min(c.sensitivity, c.ppv);
          // Ascending candidates: only a strictly better value moves the choice, so ties keep the smallest.
          if (e > best + 1e-12) {
            best = e;
            bestT = t;
          }
        }
        expect(maxEvent1Threshold(y, p)).toBe(bestT);
        expect(event1At(y, p, bestT)).toBeCloseTo(best, 12);
      }),
    );
  });

  it('is NaN without positives', () => {
    expect(maxEvent1Threshold([0, 0], [0.1, 0.2])).toBeNaN();
  });
});
