/**
 * The logistic baseline's design matrix: standardisation and missing-value indicators learned from training rows,
 * filled in cache-sized blocks.
 */
import { type Dataset, featureCount, rowCount } from './dataset';

/**
 * A column of the design matrix the weights apply to (besides the intercept).
 * `value`: the feature standardised with the training mean and SD, a missing value imputed with the
 *   training mean, i.e. 0.
 * `missing`: 1 when the feature is missing, else 0. It exists only for features that had a missing
 *   value in training (and were not missing everywhere), so the model can learn that "not measured"
 *   carries information of its own; it is not standardised, so its weight reads directly as the
 *   log-odds shift of a missing value over a value at the training mean.
 */
export interface DesignColumn {
  kind: 'value' | 'missing';
  /** Index into `featureNames`. */
  feature: number;
}

/** Standardisation and indicator layout learned from the training rows only. */
export interface Preprocessing {
  means: number[];
  sds: number[];
  columns: DesignColumn[];
}

export function learnPreprocessing(data: Dataset): Preprocessing {
  const f = featureCount(data);
  const n = rowCount(data);
  const sum = new Float64Array(f);
  const present = new Float64Array(f);
  for (let r = 0; r < n; r++) {
    const base = r * f;
    for (let j = 0; j < f; j++) {
      const v = data.x[base + j];
      if (v === v) {
        sum[j] += v;
        present[j]++;
      }
    }
  }
  const means = Array.from(sum, (s, j) => (present[j] > 0 ? s / present[j] : NaN));
  // A second pass around the mean: the one-pass Σx² − n·mean² formula cancels badly for lab values.
  const squares = new Float64Array(f);
  for (let r = 0; r < n; r++) {
    const base = r * f;
    for (let j = 0; j < f; j++) {
      const v = data.x[base + j];
      if (v === v) squares[j] += (v - means[j]) * (v - means[j]);
    }
  }
  const sds = Array.from(squares, (s, j) => (present[j] > 0 ? Math.sqrt(s / present[j]) : 0));

  const columns: DesignColumn[] = [];
  for (let j = 0; j < f; j++) {
    // A constant feature carries no information and would make the Hessian singular without a penalty.
    if (sds[j] > 0) columns.push({ kind: 'value', feature: j });
  }
  for (let j = 0; j < f; j++) {
    if (present[j] > 0 && present[j] < n) columns.push({ kind: 'missing', feature: j });
  }
  return { means, sds, columns };
}

/** The design columns flattened into typed arrays for the per-row loops, reading a raw row layout. */
export interface CompiledDesign {
  /** Position in the raw row of each design column's feature. */
  position: Int32Array;
  indicator: Uint8Array;
  mean: Float64Array;
  inverseSd: Float64Array;
}

/** `source[j]`: where model feature j sits in the raw rows (rows may hold extra or reordered features). */
export function compileDesign(prep: Preprocessing, source: ArrayLike<number>): CompiledDesign {
  const { columns, means, sds } = prep;
  return {
    position: Int32Array.from(columns, (c) => source[c.feature]),
    indicator: Uint8Array.from(columns, (c) => (c.kind === 'missing' ? 1 : 0)),
    mean: Float64Array.from(columns, (c) => (c.kind === 'value' ? means[c.feature] : 0)),
    inverseSd: Float64Array.from(columns, (c) => (c.kind === 'value' ? 1 / sds[c.feature] : 0)),
  };
}

/** Rows per block: a block of ≤ 100 design columns (and its weighted copy) stays within L2 cache. */
export const BLOCK = 64;

/**
 * Writes the design rows of raw rows `start … start+size−1` (row-major, `width` values each) into
 * `block`, column-major: column 0 is the intercept's 1, column c+1 design column c. Columns are
 * filled one at a time so the value/indicator choice is made once per column, not once per cell.
 * Cells of rows past `size` (a short last block) are 0, so they add nothing to any sum.
 */
export function fillBlock(
  design: CompiledDesign,
  x: Float32Array | Float64Array,
  width: number,
  start: number,
  size: number,
  block: Float64Array,
): void {
  if (size < BLOCK) block.fill(0);
  for (let i = 0; i < size; i++) block[i] = 1;
  const { position, indicator, mean, inverseSd } = design;
  for (let c = 0; c < position.length; c++) {
    const out = (c + 1) * BLOCK;
    let at = start * width + position[c];
    if (indicator[c]) {
      for (let i = 0; i < size; i++, at += width) block[out + i] = x[at] !== x[at] ? 1 : 0;
    } else {
      const m = mean[c];
      const s = inverseSd[c];
      for (let i = 0; i < size; i++, at += width) {
        const v = x[at];
        block[out + i] = v !== v ? 0 : (v - m) * s;
      }
    }
  }
}

/** `eta[i]` = the linear predictor of block row i. */
export function blockLogits(beta: Float64Array, block: Float64Array, eta: Float64Array): void {
  eta.fill(beta[0]);
  for (let a = 1; a < beta.length; a++) {
    const b = beta[a];
    if (b === 0) continue;
    const offset = a * BLOCK;
    for (let i = 0; i < BLOCK; i++) eta[i] += b * block[offset + i];
  }
}

export function identitySource(f: number): Int32Array {
  return Int32Array.from({ length: f }, (_, j) => j);
}
