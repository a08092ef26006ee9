/**
 * Reading an ROC curve in words: the sensitivity a curve reaches at a given false-positive rate, for the chart's text
 * summary.
 */

export interface RocPoint {
  fpr: number;
  tpr: number;
}

/**
 * The highest TPR the curve reaches at a false-positive rate, interpolating linearly between points
 * (the ROC convex combination of two thresholds); points need not be sorted. NaN outside the curve's range.
 */
export function tprAtFpr(points: readonly RocPoint[], fpr: number): number {
  const sorted = [...points].sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr);
  let best = -Infinity;
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i];
    if (p.fpr === fpr) best = Math.max(best, p.tpr);
    const next = sorted[i + 1];
    if (next && p.fpr < fpr && fpr < next.fpr) {
      best = Math.max(best, p.tpr + ((fpr - p.fpr) / (next.fpr - p.fpr)) * (next.tpr - p.tpr));
    }
  }
  // Outside the curve (or an empty one): saying nothing beats extrapolating.
  return best > -Infinity ? best : NaN;
}
