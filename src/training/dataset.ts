/** A labelled table ready for learning: float32 feature rows with NaN for missing, binary labels, optional groups. */

export interface Dataset {
  featureNames: string[];
  /** Row-major, `rows × featureNames.length`; NaN marks a missing value. */
  x: Float32Array;
  y: Uint8Array;
  /** Group of each row (the patient, for sepsis): rows of one group never straddle a fold. */
  groups?: Int32Array;
}

export function rowCount(data: Dataset): number {
  return data.y.length;
}

export function featureCount(data: Dataset): number {
  return data.featureNames.length;
}

/** The rows at `indices`, as a new dataset (groups kept). */
export function subset(data: Dataset, indices: ArrayLike<number>): Dataset {
  const f = featureCount(data);
  const x = new Float32Array(indices.length * f);
  const y = new Uint8Array(indices.length);
  const groups = data.groups ? new Int32Array(indices.length) : undefined;
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    x.set(data.x.subarray(r * f, (r + 1) * f), i * f);
    y[i] = data.y[r];
    if (groups) groups[i] = data.groups![r];
  }
  return { featureNames: data.featureNames, x, y, groups };
}

export function row(data: Dataset, r: number): Float32Array {
  const f = featureCount(data);
  return data.x.subarray(r * f, (r + 1) * f);
}
