/** Global importance for the card: each feature's mean |TreeSHAP contribution| (log-odds) over the training rows. */
import { prepareExplainer } from '@/explain/tree-shap';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import type { Dataset } from './dataset';

export interface GlobalImportance {
  /** Sorted by importance, largest first (ties by name). */
  features: { name: string; meanAbsContribution: number }[];
  /** Rows explained: every training row, or an evenly spaced sample of them. */
  rows: number;
}

/**
 * Explains every training row, or every k-th row when there are more than `maxRows` (the sepsis set
 * explains at a few thousand rows per second, so all 790k rows would take minutes for a figure that a
 * 50,000-row sample pins to three digits).
 */
export function globalImportance(ensemble: TreeEnsemble, data: Dataset, maxRows = 50_000): GlobalImportance {
  const f = data.featureNames.length;
  const n = data.y.length;
  const step = Math.max(1, Math.ceil(n / maxRows));
  // Algorithm 2 for every tree: the committed cards' figures were summed from its contributions, and Fast TreeSHAP v2's
  // differ from them in the last bits, which `npm run train -- --check` (byte for byte) would report as a change.
  const explainer = prepareExplainer(ensemble, { algorithm: 'algorithm-2' });
  const sums = new Float64Array(f);
  const contributions = new Float64Array(f);
  let rows = 0;
  for (let r = 0; r < n; r += step) {
    explainer.explainInto(data.x.subarray(r * f, (r + 1) * f), contributions, 0);
    for (let j = 0; j < f; j++) sums[j] += Math.abs(contributions[j]);
    rows++;
  }
  const features = data.featureNames.map((name, j) => ({ name, meanAbsContribution: sums[j] / rows }));
  features.sort((a, b) => b.meanAbsContribution - a.meanAbsContribution || a.name.localeCompare(b.name));
  return { features, rows };
}
