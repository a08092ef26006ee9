/**
 * Column operations on a Dataset: keeping a subset of features, and hiding optional ones so a model learns their
 * absence.
 */
import type { Dataset } from './dataset';
import { Rng } from './random';

/** The dataset restricted to `names`, in that order. */
export function selectColumns(data: Dataset, names: string[]): Dataset {
  const from = names.map((name) => {
    const j = data.featureNames.indexOf(name);
    if (j < 0) throw new RangeError(`unknown feature ${name}; the dataset has ${data.featureNames.join(', ')}`);
    return j;
  });
  const f = data.featureNames.length;
  const n = data.y.length;
  const x = new Float32Array(n * names.length);
  for (let r = 0; r < n; r++) for (let k = 0; k < from.length; k++) x[r * names.length + k] = data.x[r * f + from[k]];
  return { ...data, featureNames: names, x };
}

/** A copy with every feature in `hidden` set missing, in all rows (`share` = 1) or a seeded share of them. */
export function hideColumns(data: Dataset, hidden: string[], share: number, seed: number): Dataset {
  const columns = hidden.map((name) => data.featureNames.indexOf(name)).filter((j) => j >= 0);
  if (columns.length === 0 || share <= 0) return data;
  const f = data.featureNames.length;
  const x = data.x.slice();
  const rng = new Rng(seed);
  for (let r = 0; r < data.y.length; r++) {
    if (share < 1 && rng.next() >= share) continue;
    for (const j of columns) x[r * f + j] = NaN;
  }
  return { ...data, x };
}
