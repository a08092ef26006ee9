/**
 * Calibration of predicted probabilities: the Brier score and the reliability table with its expected calibration
 * error.
 */
import { checkInputs, checkProbabilities, MetricInputError } from './metric-input';
import type { RowWeights } from './ranked-rows';

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number | null;
  observedRate: number | null;
}

export interface Calibration {
  bins: CalibrationBin[];
  ece: number;
}

export function weightedBrier(y: ArrayLike<number>, p: ArrayLike<number>, w: RowWeights): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === null ? 1 : w[i];
    const d = p[i] - y[i];
    sum += wi * d * d;
    total += wi;
  }
  return sum / total;
}

/** Mean squared difference between probability and label; NaN on empty input. */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkInputs(y, p);
  return weightedBrier(y, p, null);
}

/**
 * Reliability table on `bins` equal-width bins of [0, 1]: bin k holds k/bins <= p < (k+1)/bins, the last
 * bin also holds p = 1. ECE = Σ (count/n) · |meanPredicted − observedRate| over non-empty bins.
 * Empty bins have count 0 and null means. Probabilities outside [0, 1] throw.
 */
export function calibration(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): Calibration {
  checkInputs(y, p);
  checkProbabilities(p);
  if (!Number.isInteger(bins) || bins < 1) throw new MetricInputError(`bins is ${bins}; it must be an integer >= 1`);
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    let k = Math.min(Math.floor(p[i] * bins), bins - 1);
    // p·bins can round across a boundary; the edges k/bins are the definition, so settle against them.
    if (k > 0 && p[i] < k / bins) k--;
    else if (k < bins - 1 && p[i] >= (k + 1) / bins) k++;
    count[k]++;
    sumP[k] += p[i];
    sumY[k] += y[i];
  }
  const n = p.length;
  let ece = 0;
  const table: CalibrationBin[] = [];
  for (let k = 0; k < bins; k++) {
    const c = count[k];
    const meanPredicted = c > 0 ? sumP[k] / c : null;
    const observedRate = c > 0 ? sumY[k] / c : null;
    if (meanPredicted !== null && observedRate !== null) ece += (c / n) * Math.abs(meanPredicted - observedRate);
    table.push({ lower: k / bins, upper: (k + 1) / bins, count: c, meanPredicted, observedRate });
  }
  return { bins: table, ece };
}
