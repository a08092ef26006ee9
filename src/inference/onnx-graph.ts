/**
 * Graph surgery on ONNX models before onnxruntime sees them: cutting the ZipMap that skl2onnx and onnxmltools append to
 * classifiers.
 */
import { onnx } from 'onnx-proto';
import { CodedError } from '@/errors/coded-error';

/*
 * onnxruntime-node returns tensors only ("Non tensor type is temporarily not supported"), and it
 * can fetch only graph outputs. A classifier exported by skl2onnx or onnxmltools ends in
 * `probabilities` (float [N, C]) → ZipMap → `output_probability` (a sequence of maps), so without
 * surgery the probabilities cannot be read at all. Removing the ZipMap and promoting its input to a
 * graph output leaves every computed number as it was: ZipMap only repackages them.
 */

const ONNX_ML_DOMAIN = 'ai.onnx.ml';
const { FLOAT } = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

export type OnnxGraphErrorCode = 'INVALID_ONNX_MODEL' | 'ZIPMAP_NOT_REMOVABLE';

/** Bytes that are not an ONNX model, or a ZipMap whose removal would change what the graph computes. */
export class OnnxGraphError extends CodedError {
  constructor(
    readonly code: OnnxGraphErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ZipMapCut {
  /** The model without ZipMap nodes, or the very bytes passed in when it had none. */
  bytes: Uint8Array;
  cut: boolean;
}

/**
 * Removes every top-level ai.onnx.ml ZipMap node. The float tensor that fed it becomes a graph output
 * of type float [batch, classes] (in the ZipMap output's place, unless it is an output already); the
 * ZipMap's own output leaves the graph outputs and value_info. Other outputs (e.g. skl2onnx's
 * `label` → Cast → `output_label`) are untouched. Throws OnnxGraphError when a node still reads the
 * ZipMap's output, or the ZipMap is malformed.
 */
export function withoutZipMap(bytes: Uint8Array): ZipMapCut {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxGraphError('INVALID_ONNX_MODEL', `not an ONNX model: ${(error as Error).message}`);
  }
  const graph = model.graph;
  const zipMaps = (graph?.node ?? []).filter(isZipMap);
  if (!graph || zipMaps.length === 0) return { bytes, cut: false };

  const removed = new Set(zipMaps);
  const kept = (graph.node ?? []).filter((n) => !removed.has(n));
  for (const zipMap of zipMaps) cutOne(graph, zipMap, kept);
  graph.node = kept;
  return { bytes: onnx.ModelProto.encode(model).finish(), cut: true };
}

function isZipMap(node: onnx.INodeProto): boolean {
  return node.opType === 'ZipMap' && node.domain === ONNX_ML_DOMAIN;
}

function cutOne(graph: onnx.IGraphProto, zipMap: onnx.INodeProto, kept: onnx.INodeProto[]): void {
  const where = `ZipMap node "${zipMap.name ?? ''}"`;
  const [input] = zipMap.input ?? [];
  const [output] = zipMap.output ?? [];
  if (!input || !output || zipMap.input!.length !== 1 || zipMap.output!.length !== 1) {
    throw new OnnxGraphError('ZIPMAP_NOT_REMOVABLE', `${where} must have one input and one output`);
  }
  const consumers = kept.filter((n) => readsName(n, output)).map((n) => `${n.opType} "${n.name ?? ''}"`);
  if (consumers.length > 0) {
    throw new OnnxGraphError(
      'ZIPMAP_NOT_REMOVABLE',
      `${where}: its output "${output}" is read by ${consumers.join(', ')}, which would lose its input`,
    );
  }
  const produced =
    kept.some((n) => (n.output ?? []).includes(input)) ||
    (graph.input ?? []).some((i) => i.name === input) ||
    (graph.initializer ?? []).some((t) => t.name === input);
  if (!produced)
    throw new OnnxGraphError(
      'ZIPMAP_NOT_REMOVABLE',
      `${where} reads "${input}", which no node, input or initializer produces`,
    );

  const info = probabilityInfo(graph, zipMap, input, where);
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => v.name !== output && v.name !== input);
  const before = graph.output ?? [];
  const alreadyOutput = before.some((o) => o.name === input);
  const outputs: onnx.IValueInfoProto[] = [];
  for (const o of before) {
    if (o.name !== output) outputs.push(o);
    else if (!alreadyOutput) outputs.push(info);
  }
  // A ZipMap that fed no graph output still had its input computed for nothing: keep that tensor readable.
  if (!alreadyOutput && !before.some((o) => o.name === output)) outputs.push(info);
  graph.output = outputs;
}

/** ZipMap's input is float [N, C] with C = its label count; an existing tensor declaration wins when it agrees. */
function probabilityInfo(
  graph: onnx.IGraphProto,
  zipMap: onnx.INodeProto,
  name: string,
  where: string,
): onnx.IValueInfoProto {
  const labels = (zipMap.attribute ?? []).find(
    (a) =>
      (a.name === 'classlabels_int64s' && a.type === AttributeType.INTS) ||
      (a.name === 'classlabels_strings' && a.type === AttributeType.STRINGS),
  );
  const classes = labels ? (labels.ints?.length ?? 0) + (labels.strings?.length ?? 0) : 0;
  if (classes === 0)
    throw new OnnxGraphError('ZIPMAP_NOT_REMOVABLE', `${where} has no classlabels_int64s or classlabels_strings`);

  const declared = [...(graph.valueInfo ?? []), ...(graph.output ?? [])].find((v) => v.name === name);
  const tensor = declared?.type?.tensorType;
  if (declared && (!tensor || tensor.elemType !== FLOAT)) {
    throw new OnnxGraphError(
      'ZIPMAP_NOT_REMOVABLE',
      `${where} reads "${name}", declared as something other than a float tensor`,
    );
  }
  if (tensor?.shape?.dim?.length === 2) return declared!;

  // Rows pass through a classifier one to one: reuse the batch dimension of the graph's first input.
  const batch = graph.input?.[0]?.type?.tensorType?.shape?.dim?.[0];
  const which = batch ? onnx.TensorShapeProto.Dimension.create(batch).value : undefined;
  const rows: onnx.TensorShapeProto.IDimension =
    which === 'dimParam'
      ? { dimParam: batch!.dimParam }
      : which === 'dimValue'
        ? { dimValue: batch!.dimValue }
        : { dimParam: 'N' };
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: [rows, { dimValue: classes }] } } } };
}

/** Whether a node reads `name`, directly or from inside one of its subgraphs (If, Loop, Scan bodies). */
function readsName(node: onnx.INodeProto, name: string): boolean {
  if ((node.input ?? []).includes(name)) return true;
  for (const a of node.attribute ?? []) {
    for (const g of [a.g, ...(a.graphs ?? [])]) {
      if (g && (g.node ?? []).some((n) => readsName(n, name))) return true;
    }
  }
  return false;
}
