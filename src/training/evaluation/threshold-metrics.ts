/**
 * Metrics at a decision threshold (confusion counts and the rates from them) and the thresholds that maximise Youden's
 * J or F1.
 */
import { checkInputs } from './metric-input';
import { classTotals, rank, sweepThresholds } from './ranked-rows';

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  sensitivity: number;
  specificity: number;
  ppv: number;
  npv: number;
  f1: number;
  mcc: number;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * Confusion counts with rows positive when p >= threshold, and the rates derived from them.
 * A rate whose denominator is 0 is reported as 0 (e.g. ppv when nothing is positive, mcc when a margin is empty),
 * so the record stays numeric; read the counts to tell "undefined" from a true 0.
 */
export function confusionAt(y: ArrayLike<number>, p: ArrayLike<number>, threshold: number): Confusion {
  checkInputs(y, p);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const positive = p[i] >= threshold;
    if (y[i] === 1) {
      if (positive) tp++;
      else fn++;
    } else if (positive) fp++;
    else tn++;
  }
  // Square roots of pair products first: the four-way product overflows 2^53 on large cohorts.
  const mccDenominator = Math.sqrt((tp + fp) * (tp + fn)) * Math.sqrt((tn + fp) * (tn + fn));
  return {
    tp,
    fp,
    tn,
    fn,
    sensitivity: ratio(tp, tp + fn),
    specificity: ratio(tn, tn + fp),
    ppv: ratio(tp, tp + fp),
    npv: ratio(tn, tn + fn),
    f1: ratio(2 * tp, 2 * tp + fp + fn),
    mcc: ratio(tp * tn - fp * fn, mccDenominator),
  };
}

/**
 * Sweeps the distinct scores (descending) as thresholds and keeps the one whose (numerator, denominator) is best.
 * Comparisons are cross-multiplied integers, exact below 2^53, so equal criteria are truly equal and the tie-break
 * (the smallest threshold wins) does not depend on rounding.
 */
function bestThreshold(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  criterion: (tp: number, fp: number, pos: number, neg: number) => [number, number],
): number {
  const ranked = rank(y, p);
  const { pos, neg } = classTotals(ranked, null);
  let best = NaN;
  let bestNum = 0;
  let bestDen = 1;
  sweepThresholds(ranked, (tp, fp, threshold) => {
    const [num, den] = criterion(tp, fp, pos, neg);
    // Thresholds descend, so ">=" hands ties to the smaller threshold.
    if (Number.isNaN(best) || num * bestDen >= bestNum * den) {
      best = threshold;
      bestNum = num;
      bestDen = den;
    }
  });
  return best;
}

/**
 * The distinct score t maximising Youden's J = sensitivity + specificity − 1 for "positive when p >= t";
 * ties go to the smallest t. NaN unless both classes are present.
 */
export function youdenThreshold(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkInputs(y, p);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  if (pos === 0 || pos === y.length) return NaN;
  // J = tp/P − fp/N = (tp·N − fp·P) / (P·N); the common denominator does not change the order.
  return bestThreshold(y, p, (tp, fp, P, N) => [tp * N - fp * P, 1]);
}

/** The distinct score t maximising F1 for "positive when p >= t"; ties go to the smallest t. NaN without positives. */
export function maxF1Threshold(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkInputs(y, p);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  if (pos === 0) return NaN;
  // F1 = 2tp / (2tp + fp + fn) = 2tp / (tp + fp + P).
  return bestThreshold(y, p, (tp, fp, P) => [2 * tp, tp + fp + P]);
}

/**
 * PhysioNet/CinC 2012 Event 1 score at a threshold: min(sensitivity, positive predictivity), rows positive when
 * p >= threshold (0 when nothing is predicted positive).
 */
export function event1At(y: ArrayLike<number>, p: ArrayLike<number>, threshold: number): number {
  const c = confusionAt(y, p, threshold);
  return Math.min(c.sensitivity, c.ppv);
}

/**
 * The distinct score t maximising Event 1 = min(sensitivity, PPV) for "positive when p >= t"; ties go to the smallest
 * t. NaN without positives. min(tp/P, tp/(tp+fp)) = tp / max(P, tp+fp), so the criterion stays one exact ratio.
 */
export function maxEvent1Threshold(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkInputs(y, p);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  if (pos === 0) return NaN;
  return bestThreshold(y, p, (tp, fp, P) => [tp, Math.max(P, tp + fp)]);
}
