/** Ranking metrics: AUROC (with DeLong's interval), average precision and the ROC curve. */
import { checkInputs, checkLevel, MetricInputError } from './metric-input';
import { normalQuantile } from './normal-quantile';
import { classTotals, rank, sweepThresholds, type RankedRows, type RowWeights } from './ranked-rows';

export interface AurocInterval {
  estimate: number;
  lower: number;
  upper: number;
  /** DeLong standard error of the AUROC (probability scale). */
  standardError: number;
}

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Rows with score >= threshold are positive; the first point has threshold +Infinity (nothing positive). */
  threshold: number;
}

/** Mann–Whitney U / (P·N): each positive scores 1 per lower negative and 1/2 per tied negative. */
export function rankedAuroc(ranked: RankedRows, w: RowWeights): number {
  const { y, blockEnds } = ranked;
  const { pos, neg } = classTotals(ranked, w);
  if (pos === 0 || neg === 0) return NaN;
  let u = 0;
  let negBelow = 0;
  // Ascending sweep, so the negatives already passed are exactly those scored lower.
  for (let b = blockEnds.length - 1; b >= 0; b--) {
    const start = b === 0 ? 0 : blockEnds[b - 1];
    let gp = 0;
    let gn = 0;
    for (let k = start; k < blockEnds[b]; k++) {
      const wk = w === null ? 1 : w[k];
      if (y[k] === 1) gp += wk;
      else gn += wk;
    }
    u += gp * (negBelow + gn / 2);
    negBelow += gn;
  }
  return u / (pos * neg);
}

/** sklearn's average precision: Σ over distinct thresholds (descending) of Δrecall · precision at that threshold. */
export function rankedAveragePrecision(ranked: RankedRows, w: RowWeights): number {
  const { y, blockEnds } = ranked;
  const { pos } = classTotals(ranked, w);
  if (pos === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let start = 0;
  for (let b = 0; b < blockEnds.length; b++) {
    const tpBefore = tp;
    for (let k = start; k < blockEnds[b]; k++) {
      const wk = w === null ? 1 : w[k];
      if (y[k] === 1) tp += wk;
      else fp += wk;
    }
    // A block without positives adds no recall; a block drawn zero times in a bootstrap adds nothing at all.
    if (tp > tpBefore) ap += ((tp - tpBefore) / pos) * (tp / (tp + fp));
    start = blockEnds[b];
  }
  return ap;
}

/** AUROC with ties counted 1/2 (Mann–Whitney); NaN unless both classes are present. O(n log n). */
export function auroc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkInputs(y, p);
  return rankedAuroc(rank(y, p), null);
}

/**
 * AUROC with DeLong's variance, computed by the O(n log n) midrank algorithm of Sun & Xu (2014): the structural
 * components are V10(x) = (negatives below x + ½ tied negatives)/N and V01(z) = (positives above z + ½ tied
 * positives)/P, which equal the midrank differences (Tz − Tx)/N and 1 − (Tz − Ty)/P of the paper.
 * The interval is normal on the logit scale, back-transformed, so it always lies in [0, 1] without clipping
 * and is asymmetric near 1 where clinical AUROCs sit. With variance 0 (e.g. perfect separation) the interval
 * collapses to the estimate; with fewer than 2 rows of a class the variance is undefined and the bounds NaN.
 */
export function aurocWithCI(y: ArrayLike<number>, p: ArrayLike<number>, level = 0.95): AurocInterval {
  checkInputs(y, p);
  checkLevel(level);
  const ranked = rank(y, p);
  const { blockEnds } = ranked;
  const { pos, neg } = classTotals(ranked, null);
  const estimate = rankedAuroc(ranked, null);
  if (pos < 2 || neg < 2) return { estimate, lower: NaN, upper: NaN, standardError: NaN };

  let s10 = 0;
  let s01 = 0;
  let negBelow = 0;
  let posBelow = 0;
  for (let b = blockEnds.length - 1; b >= 0; b--) {
    const start = b === 0 ? 0 : blockEnds[b - 1];
    let gp = 0;
    let gn = 0;
    for (let k = start; k < blockEnds[b]; k++) {
      if (ranked.y[k] === 1) gp++;
      else gn++;
    }
    const v10 = (negBelow + gn / 2) / neg;
    const v01 = (pos - posBelow - gp + gp / 2) / pos;
    s10 += gp * (v10 - estimate) ** 2;
    s01 += gn * (v01 - estimate) ** 2;
    negBelow += gn;
    posBelow += gp;
  }
  const variance = s10 / (pos - 1) / pos + s01 / (neg - 1) / neg;
  const standardError = Math.sqrt(variance);
  if (!(standardError > 0) || estimate <= 0 || estimate >= 1) {
    return { estimate, lower: estimate, upper: estimate, standardError };
  }
  const z = normalQuantile((1 + level) / 2);
  const logit = Math.log(estimate / (1 - estimate));
  // Delta method: d logit(a)/da = 1 / (a (1 − a)).
  const halfWidth = (z * standardError) / (estimate * (1 - estimate));
  return { estimate, lower: expit(logit - halfWidth), upper: expit(logit + halfWidth), standardError };
}

/**
 * Average precision as sklearn defines it: thresholds at the distinct scores, AP = Σ (R_k − R_{k−1}) · P_k
 * with R_0 = 0 (step-wise, no interpolation; tied scores enter together). NaN without positives.
 */
export function averagePrecision(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkInputs(y, p);
  return rankedAveragePrecision(rank(y, p), null);
}

/**
 * The exact ROC curve — (0,0) at threshold +Infinity, then one point per distinct score, descending, ending
 * at (1,1) — thinned to at most `maxPoints` by taking points evenly spaced in curve index (first and last
 * always kept), so dense stretches of the curve keep proportionally many points. Throws without both classes.
 */
export function rocCurve(y: ArrayLike<number>, p: ArrayLike<number>, maxPoints = 101): RocPoint[] {
  checkInputs(y, p);
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new MetricInputError(`maxPoints is ${maxPoints}; it must be an integer >= 2`);
  }
  const ranked = rank(y, p);
  const { pos, neg } = classTotals(ranked, null);
  if (pos === 0 || neg === 0) {
    throw new MetricInputError(`a ROC curve needs both classes; got ${pos} positives and ${neg} negatives`);
  }
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  sweepThresholds(ranked, (tp, fp, threshold) => points.push({ fpr: fp / neg, tpr: tp / pos, threshold }));
  if (points.length <= maxPoints) return points;
  const last = points.length - 1;
  const thinned: RocPoint[] = [];
  for (let k = 0; k < maxPoints; k++) thinned.push(points[Math.round((k * last) / (maxPoints - 1))]);
  return thinned;
}

function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
