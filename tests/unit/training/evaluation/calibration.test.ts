/** Specification of the calibration metrics (Brier score, reliability table and ECE): hand-computed cases. */
import { brierScore, calibration } from '@/training/evaluation/calibration';

describe('brierScore', () => {
  it('is the mean squared error of the probabilities', () => {
    // (0.2² + 0.3² + 0.5²)/3 = (0.04 + 0.09 + 0.25)/3 = 0.38/3.
    expect(brierScore([1, 0, 1], [0.8, 0.3, 0.5])).toBeCloseTo(0.38 / 3, 15);
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
    expect(result.bins[1]).toEqual({
      lower: 0.1,
      upper: 0.2,
      count: 2,
      meanPredicted: expect.closeTo(0.135, 15),
      observedRate: 0.5,
    });
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
