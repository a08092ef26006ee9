/**
 * Hosmer–Lemeshow H: observed against expected deaths in groups of equal size by predicted risk (deciles), as the
 * PhysioNet/CinC 2012 challenge scored calibration (its Event 2), with a bootstrap interval over stays.
 */
import { Rng } from '../random';
import { chiSquareUpperTail } from './chi-square';
import { checkInputs, checkProbabilities } from './metric-input';

export interface HosmerLemeshowGroup {
  count: number;
  observed: number;
  expected: number;
}

export interface HosmerLemeshowResult {
  h: number;
  /** Groups − 2, the degrees of freedom for a model evaluated on the data it was developed on. */
  df: number;
  pValue: number;
  groups: HosmerLemeshowGroup[];
}

/** Rows in ascending order of predicted risk; ties keep row order (a stable sort). */
function ascending(p: ArrayLike<number>): Int32Array {
  return Int32Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
}

/**
 * H over `groups` groups of (near) equal size: rows sorted by p, the row at rank k (0-based, of n) in group
 * floor(k·groups/n). H = Σ (O − E)² / (E·(1 − E/n_g)), E = Σ p and O = Σ y over the group; a group whose variance
 * term is 0 adds nothing. `weights` (how often each row was drawn, for a bootstrap) repeats rows in place.
 */
export function hosmerLemeshow(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  groups = 10,
  order: Int32Array = ascending(p),
  weights?: Uint32Array,
): HosmerLemeshowResult {
  checkInputs(y, p);
  checkProbabilities(p);
  let n = 0;
  for (let i = 0; i < y.length; i++) n += weights ? weights[i] : 1;
  const table = Array.from({ length: groups }, () => ({ count: 0, observed: 0, expected: 0 }));
  let rank = 0;
  for (const i of order) {
    const copies = weights ? weights[i] : 1;
    for (let c = 0; c < copies; c++) {
      const g = table[Math.floor((rank * groups) / n)];
      g.count++;
      g.observed += y[i];
      g.expected += p[i];
      rank++;
    }
  }
  let h = 0;
  for (const g of table) {
    const variance = g.count > 0 ? g.expected * (1 - g.expected / g.count) : 0;
    if (variance > 0) h += (g.observed - g.expected) ** 2 / variance;
  }
  const df = groups - 2;
  return { h, df, pValue: chiSquareUpperTail(h, df), groups: table };
}

export interface RepeatedHosmerLemeshow {
  /** Mean of H over the repeats (each repeat scores every stay once). */
  h: { estimate: number; lower: number; upper: number };
  df: number;
  /** P(χ²(df) >= the mean H): read as indicative, the mean of H over repeats is not itself χ²-distributed. */
  pValue: number;
  groups: number;
}

/**
 * H of each repeat's out-of-fold predictions, averaged over the repeats, with a percentile bootstrap interval: each
 * replicate draws stays with replacement (`new Rng(seed)`), the same draw for every repeat.
 */
export function repeatedHosmerLemeshow(
  y: ArrayLike<number>,
  predictions: Float64Array[],
  options: { replicates: number; seed: number; groups?: number },
): RepeatedHosmerLemeshow {
  const groups = options.groups ?? 10;
  const orders = predictions.map((p) => ascending(p));
  const meanH = (w?: Uint32Array) =>
    predictions.reduce((sum, p, r) => sum + hosmerLemeshow(y, p, groups, orders[r], w).h, 0) / predictions.length;
  const estimate = meanH();
  const rng = new Rng(options.seed);
  const n = y.length;
  const w = new Uint32Array(n);
  const values: number[] = [];
  for (let r = 0; r < options.replicates; r++) {
    w.fill(0);
    for (let i = 0; i < n; i++) w[rng.int(0, n - 1)]++;
    values.push(meanH(w));
  }
  values.sort((a, b) => a - b);
  const quantile = (q: number) => {
    const h = (values.length - 1) * q;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, values.length - 1);
    return values[lo] + (h - lo) * (values[hi] - values[lo]);
  };
  return {
    h: { estimate, lower: quantile(0.025), upper: quantile(0.975) },
    df: groups - 2,
    pValue: chiSquareUpperTail(estimate, groups - 2),
    groups,
  };
}
