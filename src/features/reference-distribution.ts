/**
 * The training distribution of each entry of a model's vector, binned once at training (models/<id>/reference.json):
 * the bins requests are later counted in to measure drift (population-stability.ts).
 */
import { z } from 'zod';

/** An entry with at most this many distinct training values gets one bin per value (binary, codes, small counts). */
export const MAX_VALUE_BINS = 10;
/** Otherwise its bins are cut at the training values' deciles (equal edges merged). */
export const QUANTILE_BINS = 10;

export const REFERENCE_FILE = 'reference.json';

const inputReferenceSchema = z.object({
  name: z.string().min(1),
  /** `value`: one bin per training value; `decile`: bins cut at the training deciles. */
  binning: z.enum(['value', 'decile']),
  /**
   * Upper edges, inclusive, ascending (float32 values, compared with a value's float32 image): bin i holds
   * edges[i−1] < v ≤ edges[i]; the last bin holds everything above the last edge.
   */
  edges: z.array(z.number()),
  /** Training rows in each bin: edges.length + 1 counts. */
  counts: z.array(z.number().int().nonnegative()),
  /** Training rows where the entry was missing. */
  missing: z.number().int().nonnegative(),
});
export type InputReference = z.infer<typeof inputReferenceSchema>;

export const referenceDistributionSchema = z
  .object({
    referenceVersion: z.literal(1),
    modelId: z.string().min(1),
    modelVersion: z.string().min(1),
    /** The ONNX file the reference belongs to (the card's onnx.sha256). */
    onnxSha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Training rows counted (every entry's counts and missing add up to it). */
    rows: z.number().int().positive(),
    /** How the rows and bins were made, in words. */
    method: z.string(),
    /** One per entry of the model's vector, in the card's order. */
    inputs: z.array(inputReferenceSchema).min(1),
  })
  .superRefine((doc, ctx) => {
    for (const input of doc.inputs) {
      const total = input.counts.reduce((a, b) => a + b, 0) + input.missing;
      if (input.counts.length !== input.edges.length + 1 || total !== doc.rows)
        ctx.addIssue({ code: 'custom', message: `input ${input.name}: counts do not match its edges and the rows` });
    }
  });
export type ReferenceDistribution = z.infer<typeof referenceDistributionSchema>;

/**
 * The bins of one entry from its training values (NaN = missing): one per distinct value when there are at most
 * MAX_VALUE_BINS, else cut at the deciles (the type-1 quantile: the smallest value with at least p of the values at or
 * below it, so every edge is a training value), equal edges merged and an edge at the maximum dropped (its bin above
 * would be empty).
 */
export function binEdges(values: ArrayLike<number>): { binning: InputReference['binning']; edges: number[] } {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) present.push(Math.fround(values[i]));
  present.sort((a, b) => a - b);
  const distinct = present.filter((v, i) => i === 0 || v !== present[i - 1]);
  if (distinct.length <= MAX_VALUE_BINS) return { binning: 'value', edges: distinct.slice(0, -1) };
  const max = present[present.length - 1];
  const edges: number[] = [];
  for (let k = 1; k < QUANTILE_BINS; k++) {
    const edge = present[Math.ceil((k / QUANTILE_BINS) * present.length) - 1];
    if (edge < max && edge !== edges[edges.length - 1]) edges.push(edge);
  }
  return { binning: 'decile', edges };
}

/** The bin of a present value: the first whose upper edge is ≥ its float32 image (binary search), else the last. */
export function binOf(edges: readonly number[], value: number): number {
  const v = Math.fround(value);
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Counts per bin and missing (NaN or null) of `values` in the bins of `edges`. */
export function countInBins(
  edges: readonly number[],
  values: Iterable<number | null>,
): { counts: number[]; missing: number } {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let missing = 0;
  for (const value of values) {
    if (value === null || Number.isNaN(value)) missing++;
    else counts[binOf(edges, value)]++;
  }
  return { counts, missing };
}

/** One entry's reference from its training values. */
export function inputReference(name: string, values: ArrayLike<number>): InputReference {
  const { binning, edges } = binEdges(values);
  return { name, binning, edges, ...countInBins(edges, Array.from(values)) };
}

/**
 * Every entry's reference from a row-major float32 matrix (NaN = missing), `names.length` columns: the rows a model was
 * trained on.
 */
export function vectorReferences(names: readonly string[], x: Float32Array): InputReference[] {
  const width = names.length;
  const rows = x.length / width;
  return names.map((name, j) => {
    const column = new Float32Array(rows);
    for (let r = 0; r < rows; r++) column[r] = x[r * width + j];
    return inputReference(name, column);
  });
}
