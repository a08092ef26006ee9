/** Turns out-of-fold predictions into the card's metrics, each with a 95% bootstrap interval over rows or patients. */
import type { ModelMetrics } from '@/inference/model-card';
import { bootstrapCI } from './bootstrap';
import { brierScore, calibration } from './calibration';
import type { Metric } from './metric-input';
import { auroc, averagePrecision, rocCurve } from './ranking-metrics';
import { confusionAt, type Confusion } from './threshold-metrics';

/**
 * Repeats of a cross-validation stacked into one long prediction vector. `unit` names what a bootstrap
 * draws as one piece: the row (so its predictions from every repeat travel together) or, with
 * patient groups, the patient.
 */
export interface StackedPredictions {
  y: Uint8Array;
  p: Float64Array;
  unit: Int32Array;
}

export function stackRepeats(y: Uint8Array, predictions: Float64Array[], groups?: Int32Array): StackedPredictions {
  const n = y.length;
  const stacked: StackedPredictions = {
    y: new Uint8Array(n * predictions.length),
    p: new Float64Array(n * predictions.length),
    unit: new Int32Array(n * predictions.length),
  };
  predictions.forEach((p, r) => {
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(p[i])) throw new RangeError(`row ${i} has no out-of-fold prediction in repeat ${r}`);
      stacked.y[r * n + i] = y[i];
      stacked.p[r * n + i] = p[i];
      stacked.unit[r * n + i] = groups ? groups[i] : i;
    }
  });
  return stacked;
}

export interface ReportOptions {
  replicates: number;
  seed: number;
}

const at =
  (key: keyof Confusion, threshold: number): Metric =>
  (y, p) =>
    confusionAt(y, p, threshold)[key];

export function metricsReport(
  stacked: StackedPredictions,
  threshold: number,
  options: ReportOptions,
): Omit<ModelMetrics, 'utility' | 'aurocFoldMean'> {
  const { y, p, unit } = stacked;
  const boot = { replicates: options.replicates, seed: options.seed, groups: unit };
  const interval = (metric: Metric) => {
    const { estimate, lower, upper } = bootstrapCI(y, p, metric, boot);
    return { estimate, lower, upper };
  };
  const confusion = confusionAt(y, p, threshold);
  const reliability = calibration(y, p, 10);
  return {
    auroc: interval(auroc),
    auprc: interval(averagePrecision),
    brier: interval(brierScore),
    ece: reliability.ece,
    calibration: reliability.bins,
    atThreshold: {
      threshold,
      sensitivity: confusion.sensitivity,
      specificity: confusion.specificity,
      ppv: confusion.ppv,
      npv: confusion.npv,
      f1: confusion.f1,
      mcc: confusion.mcc,
    },
    atThresholdIntervals: {
      sensitivity: interval(at('sensitivity', threshold)),
      specificity: interval(at('specificity', threshold)),
      ppv: interval(at('ppv', threshold)),
      f1: interval(at('f1', threshold)),
      mcc: interval(at('mcc', threshold)),
    },
    // +Infinity (nothing predicted positive) does not survive JSON; 1 says the same for probabilities.
    roc: rocCurve(y, p, 101).map((point) => ({ ...point, threshold: Math.min(point.threshold, 1) })),
  };
}

/** Mean and sample SD of the AUROC within each test fold. */
export function foldMeanAuroc(
  y: Uint8Array,
  predictions: Float64Array[],
  folds: { repeat: number; test: Int32Array }[],
): { mean: number; sd: number } {
  const values = folds.map(({ repeat, test }) =>
    auroc(
      Array.from(test, (r) => y[r]),
      Array.from(test, (r) => predictions[repeat][r]),
    ),
  );
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd };
}

/**
 * The lower edge of the MODERATE band: the highest probability that still keeps 95% of the positive
 * rows at or above it (a rule-out level), held below the decision threshold.
 */
export function ruleOutLevel(stacked: StackedPredictions, highFrom: number, sensitivity = 0.95): number {
  const positives = Array.from(stacked.p).filter((_, i) => stacked.y[i] === 1);
  positives.sort((a, b) => a - b);
  const level = positives[Math.floor((1 - sensitivity) * positives.length)];
  return level < highFrom ? level : highFrom / 2;
}
