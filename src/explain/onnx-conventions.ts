/**
 * The project's ONNX conventions for tree ensembles, shared by the exporter (training) and the reader (serving): names,
 * metadata keys, node layout, float32 thresholds.
 */

/*
 * The conventions below are shared with the exporter (src/training/onnx-export.ts). They live here,
 * not in training, because serving code (the model registry) needs them and never imports training.
 *
 * - Node ids: tree t of `ensemble.trees` has ONNX tree id t, and node id = index in the Tree arrays.
 *   Nodes are listed grouped by tree, in ascending node id, root (id 0) first: onnxruntime 1.30 refuses
 *   node ids outside 0..n−1, takes the first listed node of a tree as its root and mis-evaluates
 *   interleaved listings. The reader accepts any listing and any ids (other exporters' models).
 * - Leaves carry one vote each under class id 0 (skl2onnx's binary convention): the positive class's
 *   margin. Writing weights for both classes makes onnxruntime's `label` output wrong.
 * - base_values holds one value, the base score: onnxruntime 1.30 then outputs
 *   probabilities = [1 − p, p] with p = sigmoid(base + Σ leaves) (sums in float32).
 * - Label guard: when no leaf weight is negative, onnxruntime decides `label` by `score > 0.5`
 *   instead of `score > 0` (its "all weights positive" branch, meant for probability-valued leaves),
 *   while the probabilities stay right. The exporter then appends one guard tree that can never
 *   reach its negative leaf (x < −∞ is false, NaN goes right) and always adds +0; its tree id is
 *   recorded under `crc.label_guard_tree`, and the reader drops it.
 * - Covers: `crc.tree_covers` is a JSON array per tree (ascending tree id, guard excluded) of the
 *   covers in ascending node-id order, i.e. in Tree index order for the exporter's output.
 */

/** Name of the model's input: float32 [N, featureCount]. */
export const ONNX_INPUT_NAME = 'features';
/** Name of the int64 [N] label output. */
export const ONNX_LABEL_OUTPUT = 'label';
/** Name of the float32 [N, 2] output holding [1 − p, p] per row. */
export const ONNX_PROBABILITY_OUTPUT = 'probabilities';
export const ONNX_ML_DOMAIN = 'ai.onnx.ml';

/** metadata_props keys written by the exporter. */
export const ONNX_METADATA_KEYS = {
  modelId: 'crc.model_id',
  version: 'crc.version',
  featureNames: 'crc.feature_names',
  baseScore: 'crc.base_score',
  treeCovers: 'crc.tree_covers',
  labelGuardTree: 'crc.label_guard_tree',
} as const;

/** The next float32 above t: for float32 x, x <= t exactly when x < nextFloat32Up(t). */
export function nextFloat32Up(t: number): number {
  if (Number.isNaN(t) || t === Infinity) return t;
  if (t === 0) return 2 ** -149;
  const f = new Float32Array([t]);
  const bits = new Int32Array(f.buffer);
  bits[0] += t > 0 ? 1 : -1;
  return f[0];
}
