import { foldMeanAuroc, metricsReport, ruleOutLevel, stackRepeats } from '@/training/evaluation/metrics-report';
import { auroc } from '@/training/evaluation/ranking-metrics';

describe('stackRepeats', () => {
  it('stacks repeats and keeps each row (or patient) as one bootstrap unit', () => {
    const stacked = stackRepeats(Uint8Array.from([0, 1]), [
      Float64Array.from([0.1, 0.9]),
      Float64Array.from([0.2, 0.8]),
    ]);
    expect(Array.from(stacked.y)).toEqual([0, 1, 0, 1]);
    expect(Array.from(stacked.p)).toEqual([0.1, 0.9, 0.2, 0.8]);
    expect(Array.from(stacked.unit)).toEqual([0, 1, 0, 1]);
    const grouped = stackRepeats(Uint8Array.from([0, 1]), [Float64Array.from([0.1, 0.9])], Int32Array.from([7, 7]));
    expect(Array.from(grouped.unit)).toEqual([7, 7]);
  });

  it('refuses a row without an out-of-fold prediction', () => {
    expect(() => stackRepeats(Uint8Array.from([0, 1]), [Float64Array.from([0.1, NaN])])).toThrow(/row 1/);
  });
});

describe('ruleOutLevel', () => {
  // 20 positives scored 0.05, 0.10, …, 1.00: 95% of them (19) are at or above 0.10.
  const y = new Uint8Array(40).fill(1, 0, 20);
  const p = Float64Array.from({ length: 40 }, (_, i) => (i < 20 ? (i + 1) / 20 : 0.01));
  const stacked = stackRepeats(y, [p]);

  it('is the highest level that keeps 95% of positives at or above it', () => {
    expect(ruleOutLevel(stacked, 0.5)).toBe(0.1);
  });

  it('falls back to half the threshold when that level is not below it', () => {
    expect(ruleOutLevel(stacked, 0.08)).toBe(0.04);
  });
});

describe('metricsReport', () => {
  it('reports the pooled metrics with intervals around them and the confusion at the threshold', () => {
    const y = Uint8Array.from([0, 0, 0, 1, 1, 0, 1, 1, 0, 1]);
    const p = Float64Array.from([0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.6, 0.7, 0.8, 0.9]);
    const report = metricsReport(stackRepeats(y, [p]), 0.5, { replicates: 200, seed: 1 });
    expect(report.auroc.estimate).toBe(auroc(y, p));
    expect(report.auroc.lower).toBeLessThanOrEqual(report.auroc.estimate);
    expect(report.auroc.upper).toBeGreaterThanOrEqual(report.auroc.estimate);
    // p >= 0.5: rows 6–9 → tp 3 (rows 6, 7, 9), fp 1 (row 8); fn 2, tn 4
    expect(report.atThreshold).toMatchObject({ sensitivity: 3 / 5, specificity: 4 / 5, ppv: 3 / 4 });
    expect(report.roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: 1 });
    expect(report.calibration).toHaveLength(10);
  });
});

describe('foldMeanAuroc', () => {
  it('averages the AUROC of each test fold', () => {
    // fold A (rows 0–3): perfectly ranked → 1; fold B (rows 4–7): inverted → 0
    const y = Uint8Array.from([0, 0, 1, 1, 0, 0, 1, 1]);
    const p = Float64Array.from([0.1, 0.2, 0.8, 0.9, 0.9, 0.8, 0.2, 0.1]);
    const folds = [
      { repeat: 0, test: Int32Array.from([0, 1, 2, 3]) },
      { repeat: 0, test: Int32Array.from([4, 5, 6, 7]) },
    ];
    expect(foldMeanAuroc(y, [p], folds)).toEqual({ mean: 0.5, sd: Math.SQRT1_2 });
  });
});
