/** Binary classification metrics on 0/1 labels and scores: discrimination, calibration, thresholds, bootstrap CIs. */
import { Rng } from '@/training/random';

/*
 * Conventions shared by every function here:
 * - `y` holds labels 0 or 1 and `p` finite scores (probabilities where the metric needs them); anything else
 *   throws MetricInputError, because a silently coerced label corrupts every number downstream.
 * - A scalar metric that is undefined on the data (AUROC without both classes, average precision without
 *   positives, Brier score of nothing) returns NaN rather than a made-up value.
 * - Ties in scores never depend on row order: every sweep moves across whole blocks of equal scores.
 */

export type Metric = (y: ArrayLike<number>, p: ArrayLike<number>) => number;

/** Labels, scores or options that the metrics cannot be computed on. */
export class MetricInputError extends Error {
  readonly code = 'METRIC_INPUT';

  constructor(message: string) {
    super(message);
    this.name = 'MetricInputError';
  }
}

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

export interface BootstrapOptions {
  replicates: number;
  seed: number;
  /** Coverage of the interval, default 0.95. */
  level?: number;
  /** Group id of each row (the patient); when given, whole groups are resampled. */
  groups?: Int32Array;
}

export interface BootstrapInterval {
  /** The metric on the full data. */
  estimate: number;
  lower: number;
  upper: number;
  /** Replicates with a finite metric value (a replicate may lack a class); the percentiles use only these. */
  replicates: number;
}

function checkLabels(y: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new MetricInputError(`label at row ${i} is ${y[i]}; labels must be 0 or 1`);
    }
  }
}

function checkInputs(y: ArrayLike<number>, p: ArrayLike<number>): void {
  if (y.length !== p.length) {
    throw new MetricInputError(`${y.length} labels but ${p.length} scores; they must be the same length`);
  }
  checkLabels(y);
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) {
      throw new MetricInputError(`score at row ${i} is ${p[i]}; scores must be finite numbers`);
    }
  }
}

function checkProbabilities(p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      throw new MetricInputError(`probability at row ${i} is ${p[i]}; probabilities must lie in [0, 1]`);
    }
  }
}

/**
 * Rows sorted by descending score and cut into blocks of equal score: the one sort every ranking metric reuses.
 * Labels and scores are copied into sorted order so the sweeps (and bootstrap replicates) read memory sequentially.
 */
interface RankedRows {
  /** Labels in sorted order. */
  y: Uint8Array;
  /** Scores, highest first. */
  scores: Float64Array;
  /** order[k] is the original row at sorted position k. */
  order: Uint32Array;
  /** Exclusive end position of each block of equal scores (highest block first). */
  blockEnds: Uint32Array;
}

/**
 * A native numeric sort of the scores gives the distinct values; each row then finds its block by binary search
 * and a counting sort places it. This is several times faster than sorting row indices with a JS comparator,
 * and rows within a block stay in row order.
 */
function rank(y: ArrayLike<number>, p: ArrayLike<number>): RankedRows {
  const n = p.length;
  const ascending = Float64Array.from(p).sort();
  const distinct: number[] = [];
  for (let k = n - 1; k >= 0; k--) {
    if (distinct.length === 0 || ascending[k] !== distinct[distinct.length - 1]) distinct.push(ascending[k]);
  }
  const values = Float64Array.from(distinct); // descending
  const blockOfRow = new Uint32Array(n);
  const blockSize = new Uint32Array(values.length);
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid] > p[i]) lo = mid + 1;
      else hi = mid;
    }
    blockOfRow[i] = lo;
    blockSize[lo]++;
  }
  const blockEnds = new Uint32Array(values.length);
  const next = new Uint32Array(values.length);
  let end = 0;
  for (let b = 0; b < values.length; b++) {
    next[b] = end;
    end += blockSize[b];
    blockEnds[b] = end;
  }
  const order = new Uint32Array(n);
  const ys = new Uint8Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = blockOfRow[i];
    const k = next[b]++;
    order[k] = i;
    ys[k] = y[i];
    scores[k] = values[b];
  }
  return { y: ys, scores, order, blockEnds };
}

/** Weight of each sorted position: null means every row once; a bootstrap passes how often each row was drawn. */
type RowWeights = Uint32Array | null;

function classTotals(ranked: RankedRows, w: RowWeights): { pos: number; neg: number } {
  let pos = 0;
  let neg = 0;
  const { y } = ranked;
  for (let k = 0; k < y.length; k++) {
    const wk = w === null ? 1 : w[k];
    if (y[k] === 1) pos += wk;
    else neg += wk;
  }
  return { pos, neg };
}

/** Mann–Whitney U / (P·N): each positive scores 1 per lower negative and 1/2 per tied negative. */
function rankedAuroc(ranked: RankedRows, w: RowWeights): number {
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
function rankedAveragePrecision(ranked: RankedRows, w: RowWeights): number {
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

function weightedBrier(y: ArrayLike<number>, p: ArrayLike<number>, w: RowWeights): number {
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

/** Mean squared difference between probability and label; NaN on empty input. */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkInputs(y, p);
  return weightedBrier(y, p, null);
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
  const { blockEnds, scores } = ranked;
  const { pos, neg } = classTotals(ranked, null);
  if (pos === 0 || neg === 0) {
    throw new MetricInputError(`a ROC curve needs both classes; got ${pos} positives and ${neg} negatives`);
  }
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  let start = 0;
  for (let b = 0; b < blockEnds.length; b++) {
    for (let k = start; k < blockEnds[b]; k++) {
      if (ranked.y[k] === 1) tp++;
      else fp++;
    }
    points.push({ fpr: fp / neg, tpr: tp / pos, threshold: scores[start] });
    start = blockEnds[b];
  }
  if (points.length <= maxPoints) return points;
  const last = points.length - 1;
  const thinned: RocPoint[] = [];
  for (let k = 0; k < maxPoints; k++) thinned.push(points[Math.round((k * last) / (maxPoints - 1))]);
  return thinned;
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
  const { blockEnds, scores } = ranked;
  const { pos, neg } = classTotals(ranked, null);
  let best = NaN;
  let bestNum = 0;
  let bestDen = 1;
  let tp = 0;
  let fp = 0;
  let start = 0;
  for (let b = 0; b < blockEnds.length; b++) {
    for (let k = start; k < blockEnds[b]; k++) {
      if (ranked.y[k] === 1) tp++;
      else fp++;
    }
    const [num, den] = criterion(tp, fp, pos, neg);
    // Thresholds descend, so ">=" hands ties to the smaller threshold.
    if (Number.isNaN(best) || num * bestDen >= bestNum * den) {
      best = scores[start];
      bestNum = num;
      bestDen = den;
    }
    start = blockEnds[b];
  }
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

type WeightedMetric = (ranked: RankedRows, w: RowWeights) => number;

/** Metrics bootstrapCI evaluates from one sort plus per-row draw counts, instead of re-sorting every replicate. */
const weightedForms = new Map<Metric, WeightedMetric>([
  [auroc, rankedAuroc],
  [averagePrecision, rankedAveragePrecision],
  [brierScore, (ranked, w) => weightedBrier(ranked.y, ranked.scores, w)],
]);

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new MetricInputError(`level is ${level}; it must lie strictly between 0 and 1`);
}

/** Dense index 0..G−1 of each row's group, in order of first appearance. */
function denseGroups(groups: Int32Array): { index: Int32Array; count: number } {
  const ids = new Map<number, number>();
  const index = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    let k = ids.get(groups[i]);
    if (k === undefined) {
      k = ids.size;
      ids.set(groups[i], k);
    }
    index[i] = k;
  }
  return { index, count: ids.size };
}

/** Linear interpolation between order statistics (numpy's default percentile, Hyndman–Fan type 7). */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile bootstrap interval of `metric`. Each replicate draws n rows (or, with `groups`, as many groups as
 * there are, keeping each drawn group's rows together) with replacement from `new Rng(seed)`. Draws are made in
 * row space, so one seed resamples the same rows whatever the metric or the scores: two models, or AUROC and AP,
 * bootstrapped with the same seed are paired.
 * `auroc`, `averagePrecision` and `brierScore` (the functions themselves, not wrappers) are evaluated in O(n) per
 * replicate from a single pre-sort, weighting each row by how often it was drawn (about 0.05 s per replicate at
 * 790k rows); any other metric is called on materialised resampled arrays and pays its full cost every time, so
 * callers pass modest replicate counts (a few hundred at most). Replicates where the metric is not finite (no
 * positive drawn) are dropped and the count used is reported. Percentiles interpolate linearly (numpy's default).
 */
export function bootstrapCI(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  metric: Metric,
  options: BootstrapOptions,
): BootstrapInterval {
  const { replicates, seed, level = 0.95, groups } = options;
  checkInputs(y, p);
  checkLevel(level);
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new MetricInputError(`replicates is ${replicates}; it must be an integer >= 1`);
  }
  if (groups !== undefined && groups.length !== y.length) {
    throw new MetricInputError(`${groups.length} group ids but ${y.length} rows; they must be the same length`);
  }
  const n = y.length;
  const estimate = metric(y, p);
  const rng = new Rng(seed);
  const weighted = weightedForms.get(metric);
  const ranked = weighted === undefined ? null : rank(y, p);
  const dense = groups === undefined ? null : denseGroups(groups);
  const groupDraws = new Uint32Array(dense === null ? 0 : dense.count);
  const rowDraws = new Uint32Array(n);
  // The fast path reads draw counts in sorted order; gathering them once per replicate is much cheaper than
  // scattering each draw through the permutation (a dependent random access per draw).
  const w = ranked === null ? rowDraws : new Uint32Array(n);
  const values: number[] = [];

  for (let r = 0; r < replicates; r++) {
    if (dense === null) {
      rowDraws.fill(0);
      for (let i = 0; i < n; i++) rowDraws[rng.int(0, n - 1)]++;
    } else {
      groupDraws.fill(0);
      for (let g = 0; g < dense.count; g++) groupDraws[rng.int(0, dense.count - 1)]++;
      for (let i = 0; i < n; i++) rowDraws[i] = groupDraws[dense.index[i]];
    }
    if (ranked !== null) for (let k = 0; k < n; k++) w[k] = rowDraws[ranked.order[k]];
    const value = weighted !== undefined && ranked !== null ? weighted(ranked, w) : onResample(y, p, w, metric);
    if (Number.isFinite(value)) values.push(value);
  }

  const sorted = Float64Array.from(values).sort();
  return {
    estimate,
    lower: quantileOfSorted(sorted, (1 - level) / 2),
    upper: quantileOfSorted(sorted, (1 + level) / 2),
    replicates: sorted.length,
  };
}

/** `metric` on the resampled rows written out: row i repeated `counts[i]` times, in row order. */
function onResample(y: ArrayLike<number>, p: ArrayLike<number>, counts: Uint32Array, metric: Metric): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const ys = new Uint8Array(total);
  const ps = new Float64Array(total);
  let at = 0;
  for (let i = 0; i < counts.length; i++) {
    for (let c = 0; c < counts[i]; c++) {
      ys[at] = y[i];
      ps[at] = p[i];
      at++;
    }
  }
  return metric(ys, ps);
}

function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/*
 * Wichura's AS 241 (PPND16) coefficients, highest power first; the denominators' constant term 1 is appended.
 * Digits beyond double precision are dropped (the values are the nearest doubles).
 */
const CENTRAL_NUM = [
  2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987,
  13731.69376550946, 1971.5909503065513, 133.14166789178438, 3.3871328727963665,
];
const CENTRAL_DEN = [
  5226.495278852546, 28729.085735721943, 39307.89580009271, 21213.794301586597,
  5394.196021424751, 687.1870074920579, 42.31333070160091, 1,
];
const NEAR_NUM = [
  0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684,
  3.6478483247632045, 5.769497221460691, 4.630337846156546, 1.4234371107496835,
];
const NEAR_DEN = [
  1.0507500716444169e-09, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008,
  0.6897673349851, 1.6763848301838038, 2.053191626637759, 1,
];
const FAR_NUM = [
  2.0103343992922881e-07, 2.7115555687434876e-05, 0.0012426609473880784, 0.026532189526576124,
  0.29656057182850487, 1.7848265399172913, 5.463784911164114, 6.657904643501103,
];
const FAR_DEN = [
  2.0442631033899397e-15, 1.421511758316446e-07, 1.8463183175100548e-05, 0.0007868691311456133,
  0.014875361290850615, 0.1369298809227358, 0.599832206555888, 1,
];

function horner(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (const c of coefficients) value = value * x + c;
  return value;
}

/** Standard normal quantile by Wichura's AS 241 (PPND16), accurate to about 1e-16. */
function normalQuantile(prob: number): number {
  const q = prob - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(CENTRAL_NUM, r)) / horner(CENTRAL_DEN, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? prob : 1 - prob));
  const value =
    r <= 5 ? horner(NEAR_NUM, r - 1.6) / horner(NEAR_DEN, r - 1.6) : horner(FAR_NUM, r - 5) / horner(FAR_DEN, r - 5);
  return q < 0 ? -value : value;
}
