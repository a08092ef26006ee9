/**
 * Honest threshold-dependent metrics: each outer fold's threshold chosen on predictions for its own training rows
 * (the inner validation predictions), applied to its test rows, the decisions pooled, with bootstrap intervals.
 */
import type { FoldThresholdMetrics } from '@/inference/model-card';
import type { InnerPredictions } from '../model-selection';
import { Rng } from '../random';

/** A threshold rule: the threshold it picks for these labels and predictions (patient groups where it needs them). */
export type ThresholdRule = (y: Uint8Array, p: Float64Array, groups?: Int32Array) => number;

export interface FoldDecisions {
  /** The threshold of each outer fold, in `folds` order. */
  thresholds: number[];
  /** decisions[repeat][row]: 1 when the row's out-of-fold probability reaches its fold's threshold, else 0. */
  decisions: Float64Array[];
}

/** Each fold's threshold by `rule` on its inner predictions, and the decisions it implies on its test rows. */
export function foldDecisions(
  y: Uint8Array,
  predictions: Float64Array[],
  folds: { repeat: number; test: Int32Array }[],
  inner: InnerPredictions[],
  rule: ThresholdRule,
  groups?: Int32Array,
): FoldDecisions {
  if (inner.length !== folds.length)
    throw new RangeError(`${inner.length} inner prediction sets for ${folds.length} folds`);
  const decisions = predictions.map((p) => new Float64Array(p.length).fill(NaN));
  const thresholds = folds.map(({ repeat, test }, f) => {
    const { rows, p } = inner[f];
    const threshold = rule(
      Uint8Array.from(rows, (r) => y[r]),
      p,
      groups ? Int32Array.from(rows, (r) => groups[r]) : undefined,
    );
    for (const r of test) decisions[repeat][r] = predictions[repeat][r] >= threshold ? 1 : 0;
    return threshold;
  });
  return { thresholds, decisions };
}

interface Counts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

const RATES = {
  sensitivity: ({ tp, fn }: Counts) => ratio(tp, tp + fn),
  specificity: ({ tn, fp }: Counts) => ratio(tn, tn + fp),
  ppv: ({ tp, fp }: Counts) => ratio(tp, tp + fp),
  npv: ({ tn, fn }: Counts) => ratio(tn, tn + fn),
  f1: ({ tp, fp, fn }: Counts) => ratio(2 * tp, 2 * tp + fp + fn),
  mcc: ({ tp, fp, tn, fn }: Counts) =>
    ratio(tp * tn - fp * fn, Math.sqrt((tp + fp) * (tp + fn)) * Math.sqrt((tn + fp) * (tn + fn))),
  event1: (c: Counts) => Math.min(ratio(c.tp, c.tp + c.fn), ratio(c.tp, c.tp + c.fp)),
};
type Rate = keyof typeof RATES;

/** As confusionAt: a rate whose denominator is 0 is 0. */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function countsOf(y: ArrayLike<number>, decisions: Float64Array[], weights?: Uint32Array): Counts {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const d of decisions) {
    for (let i = 0; i < y.length; i++) {
      const w = weights ? weights[i] : 1;
      if (w === 0) continue;
      if (d[i] === 1) {
        if (y[i] === 1) c.tp += w;
        else c.fp += w;
      } else if (y[i] === 1) c.fn += w;
      else c.tn += w;
    }
  }
  return c;
}

/**
 * The rates of the pooled decisions (every repeat's), each with a percentile bootstrap interval: a replicate draws
 * rows, or with `groups` whole patients, with replacement (`new Rng(seed)`), each drawn row bringing its decision from
 * every repeat; all rates of a replicate come from the same draw.
 */
export function decisionRates(
  y: Uint8Array,
  decisions: Float64Array[],
  options: { replicates: number; seed: number; groups?: Int32Array },
): Record<Rate, { estimate: number; lower: number; upper: number }> {
  for (const d of decisions) {
    const missing = d.findIndex((v) => Number.isNaN(v));
    if (missing >= 0) throw new RangeError(`row ${missing} has no fold decision`);
  }
  const names = Object.keys(RATES) as Rate[];
  const full = countsOf(y, decisions);
  const n = y.length;
  const { groups } = options;
  // Dense group index of each row, in order of first appearance.
  const ids = new Map<number, number>();
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const key = groups ? groups[i] : i;
    let g = ids.get(key);
    if (g === undefined) {
      g = ids.size;
      ids.set(key, g);
    }
    groupOf[i] = g;
  }
  const rng = new Rng(options.seed);
  const groupDraws = new Uint32Array(ids.size);
  const weights = new Uint32Array(n);
  const values = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Rate, number[]>;
  for (let r = 0; r < options.replicates; r++) {
    groupDraws.fill(0);
    for (let g = 0; g < ids.size; g++) groupDraws[rng.int(0, ids.size - 1)]++;
    for (let i = 0; i < n; i++) weights[i] = groupDraws[groupOf[i]];
    const counts = countsOf(y, decisions, weights);
    for (const name of names) values[name].push(RATES[name](counts));
  }
  const quantile = (sorted: number[], q: number) => {
    const h = (sorted.length - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  };
  return Object.fromEntries(
    names.map((name) => {
      const sorted = values[name].sort((a, b) => a - b);
      return [name, { estimate: RATES[name](full), lower: quantile(sorted, 0.025), upper: quantile(sorted, 0.975) }];
    }),
  ) as Record<Rate, { estimate: number; lower: number; upper: number }>;
}

/** The card's `atFoldThresholds` from the folds' thresholds and decisions (utility added by the caller). */
export function foldThresholdMetrics(
  y: Uint8Array,
  fold: FoldDecisions,
  options: { replicates: number; seed: number; groups?: Int32Array; rule: string; event1?: boolean },
): FoldThresholdMetrics {
  const rates = decisionRates(y, fold.decisions, options);
  const sorted = [...fold.thresholds].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const { event1, ...rest } = rates;
  return {
    rule: options.rule,
    folds: fold.thresholds.length,
    thresholds: { min: sorted[0], median, max: sorted[sorted.length - 1] },
    ...rest,
    ...(options.event1 ? { event1 } : {}),
  };
}
