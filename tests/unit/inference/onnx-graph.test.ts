import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { OnnxGraphError, withoutZipMap } from '@/inference/onnx-graph';

const AttributeType = onnx.AttributeProto.AttributeType;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const utf8 = new TextEncoder();

const ints = (name: string, values: number[]): onnx.IAttributeProto => ({
  name,
  type: AttributeType.INTS,
  ints: values,
});
const floats = (name: string, values: number[]): onnx.IAttributeProto => ({
  name,
  type: AttributeType.FLOATS,
  floats: values,
});

/** A one-split stump on feature 0 (x <= 0.5: −1, else +2, base 0.25) in skl2onnx's layout. */
function classifier(): onnx.INodeProto {
  return {
    name: 'TreeEnsembleClassifier',
    opType: 'TreeEnsembleClassifier',
    domain: 'ai.onnx.ml',
    input: ['float_input'],
    output: ['label', 'probabilities'],
    attribute: [
      ints('class_ids', [0, 0]),
      ints('class_nodeids', [1, 2]),
      ints('class_treeids', [0, 0]),
      floats('class_weights', [-1, 2]),
      ints('classlabels_int64s', [0, 1]),
      floats('base_values', [0.25]),
      ints('nodes_falsenodeids', [2, 0, 0]),
      ints('nodes_featureids', [0, 0, 0]),
      floats('nodes_hitrates', [1, 1, 1]),
      {
        name: 'nodes_modes',
        type: AttributeType.STRINGS,
        strings: ['BRANCH_LEQ', 'LEAF', 'LEAF'].map((m) => utf8.encode(m)),
      },
      ints('nodes_nodeids', [0, 1, 2]),
      ints('nodes_treeids', [0, 0, 0]),
      ints('nodes_truenodeids', [1, 0, 0]),
      floats('nodes_values', [0.5, 0, 0]),
      { name: 'post_transform', type: AttributeType.STRING, s: utf8.encode('LOGISTIC') },
    ],
  };
}

const cast: onnx.INodeProto = {
  name: 'Cast',
  opType: 'Cast',
  domain: '',
  input: ['label'],
  output: ['output_label'],
  attribute: [{ name: 'to', type: AttributeType.INT, i: INT64 }],
};

const zipMap = (input = 'probabilities', output = 'output_probability'): onnx.INodeProto => ({
  name: 'ZipMap',
  opType: 'ZipMap',
  domain: 'ai.onnx.ml',
  input: [input],
  output: [output],
  attribute: [ints('classlabels_int64s', [0, 1])],
});

const tensor = (name: string, elemType: number, dim: onnx.TensorShapeProto.IDimension[]): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim } } },
});

/** seq(map(int64, tensor(float))), the type skl2onnx gives `output_probability`. */
const sequenceOfMaps = (name: string): onnx.IValueInfoProto => ({
  name,
  type: { sequenceType: { elemType: { mapType: { keyType: INT64, valueType: { tensorType: { elemType: FLOAT } } } } } },
});

interface GraphSpec {
  nodes?: onnx.INodeProto[];
  outputs?: onnx.IValueInfoProto[];
  valueInfo?: onnx.IValueInfoProto[];
  batch?: onnx.TensorShapeProto.IDimension;
}

/** skl2onnx's binary classifier graph: label → Cast → output_label, probabilities → ZipMap → output_probability. */
function sklModel(spec: GraphSpec = {}): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'skl2onnx',
    producerVersion: '1.17.0',
    opsetImport: [
      { domain: '', version: 13 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    graph: {
      name: 'GradientBoostingClassifier',
      node: spec.nodes ?? [classifier(), cast, zipMap()],
      input: [tensor('float_input', FLOAT, [spec.batch ?? { dimParam: 'batch' }, { dimValue: 1 }])],
      output: spec.outputs ?? [tensor('output_label', INT64, [{}]), sequenceOfMaps('output_probability')],
      valueInfo: spec.valueInfo ?? [],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

// Decoded messages carry every repeated field (empty when absent), unlike the I-interfaces.
const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes).graph as onnx.GraphProto;
const dims = (v: onnx.IValueInfoProto) =>
  v.type!.tensorType!.shape!.dim!.map((d) => onnx.TensorShapeProto.Dimension.create(d).toJSON());

async function run(bytes: Uint8Array, x: number[], outputs: string[]): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run({ float_input: new ort.Tensor('float32', Float32Array.from(x), [x.length, 1]) }, outputs);
  } finally {
    await session.release();
  }
}

describe('withoutZipMap', () => {
  it('returns the very bytes it was given when the graph has no ZipMap', () => {
    const bytes = sklModel({
      nodes: [classifier(), cast],
      outputs: [tensor('output_label', INT64, [{}]), tensor('probabilities', FLOAT, [{}, { dimValue: 2 }])],
    });
    expect(withoutZipMap(bytes)).toEqual({ bytes, cut: false });
    expect(withoutZipMap(bytes).bytes).toBe(bytes);
  });

  it('cuts skl2onnx’s ZipMap: its input becomes a float [N, 2] output in its place, the label Cast stays', () => {
    const { bytes, cut } = withoutZipMap(sklModel());
    expect(cut).toBe(true);
    const graph = decode(bytes);
    expect(graph.node.map((n) => n.opType)).toEqual(['TreeEnsembleClassifier', 'Cast']);
    expect(graph.output.map((o) => o.name)).toEqual(['output_label', 'probabilities']);
    const probabilities = graph.output[1];
    expect(probabilities.type!.tensorType!.elemType).toBe(FLOAT);
    // The batch dimension of the input, then one column per ZipMap label.
    expect(dims(probabilities)).toEqual([{ dimParam: 'batch' }, { dimValue: '2' }]);
    expect(graph.output[0]).toEqual(decode(sklModel()).output[0]);
  });

  it('names the batch dimension N when the input’s is unknown, and keeps a fixed one', () => {
    expect(dims(decode(withoutZipMap(sklModel({ batch: {} })).bytes).output[1])).toEqual([
      { dimParam: 'N' },
      { dimValue: '2' },
    ]);
    expect(dims(decode(withoutZipMap(sklModel({ batch: { dimValue: 4 } })).bytes).output[1])).toEqual([
      { dimValue: '4' },
      { dimValue: '2' },
    ]);
  });

  it('lets onnxruntime return probabilities and labels, which the uncut graph cannot', async () => {
    const x = [0.25, 0.5, 0.75, NaN];
    // probabilities is an inner tensor there, and output_probability is not a tensor.
    await expect(run(sklModel(), x, ['probabilities'])).rejects.toThrow(/invalid output name: probabilities/);
    await expect(run(sklModel(), x, ['output_probability'])).rejects.toThrow(
      /Non tensor type is temporarily not supported/,
    );

    const out = await run(withoutZipMap(sklModel()).bytes, x, ['probabilities', 'output_label']);
    const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));
    // x <= 0.5 → −1, else +2; NaN fails the comparison and takes the false branch (+2).
    const p = [0.25 - 1, 0.25 - 1, 0.25 + 2, 0.25 + 2].map(sigmoid);
    expect(out.probabilities.dims).toEqual([4, 2]);
    const both = Array.from(out.probabilities.data as Float32Array);
    p.forEach((pi, i) => {
      expect(both[2 * i + 1]).toBeCloseTo(pi, 6);
      expect(both[2 * i]).toBeCloseTo(1 - pi, 6);
    });
    expect(Array.from(out.output_label.data as BigInt64Array)).toEqual([0n, 0n, 1n, 1n]);
  });

  it('is idempotent: a cut graph has no ZipMap left', () => {
    const once = withoutZipMap(sklModel()).bytes;
    expect(withoutZipMap(once)).toEqual({ bytes: once, cut: false });
  });

  it('keeps a declared float [N, 2] value_info of the probability tensor and drops value_info of the ZipMap output', () => {
    const declared = tensor('probabilities', FLOAT, [{ dimParam: 'rows' }, { dimValue: 2 }]);
    const graph = decode(
      withoutZipMap(sklModel({ valueInfo: [declared, sequenceOfMaps('output_probability')] })).bytes,
    );
    expect(graph.valueInfo).toEqual([]);
    expect(dims(graph.output[1])).toEqual([{ dimParam: 'rows' }, { dimValue: '2' }]);
  });

  it('does not list the probability tensor twice when it is a graph output already', () => {
    const outputs = [
      tensor('probabilities', FLOAT, [{}, { dimValue: 2 }]),
      tensor('output_label', INT64, [{}]),
      sequenceOfMaps('output_probability'),
    ];
    const graph = decode(withoutZipMap(sklModel({ outputs })).bytes);
    expect(graph.output.map((o) => o.name)).toEqual(['probabilities', 'output_label']);
  });

  it('removes a ZipMap that feeds no graph output and makes its input readable', () => {
    const graph = decode(withoutZipMap(sklModel({ outputs: [tensor('output_label', INT64, [{}])] })).bytes);
    expect(graph.node.map((n) => n.opType)).toEqual(['TreeEnsembleClassifier', 'Cast']);
    expect(graph.output.map((o) => o.name)).toEqual(['output_label', 'probabilities']);
  });

  it('refuses a graph where another node reads the ZipMap’s output, naming that node', () => {
    const reader: onnx.INodeProto = {
      name: 'pick',
      opType: 'ArrayFeatureExtractor',
      domain: 'ai.onnx.ml',
      input: ['output_probability', 'k'],
      output: ['y'],
    };
    const bytes = sklModel({ nodes: [classifier(), cast, zipMap(), reader] });
    expect(() => withoutZipMap(bytes)).toThrow(OnnxGraphError);
    expect(() => withoutZipMap(bytes)).toThrow(/output "output_probability" is read by ArrayFeatureExtractor "pick"/);
    try {
      withoutZipMap(bytes);
    } catch (error) {
      expect((error as OnnxGraphError).code).toBe('ZIPMAP_NOT_REMOVABLE');
    }
  });

  it('refuses a ZipMap without class labels or whose input nothing produces', () => {
    const unlabelled = { ...zipMap(), attribute: [] };
    expect(() => withoutZipMap(sklModel({ nodes: [classifier(), cast, unlabelled] }))).toThrow(
      /has no classlabels_int64s or classlabels_strings/,
    );
    expect(() => withoutZipMap(sklModel({ nodes: [classifier(), cast, zipMap('scores')] }))).toThrow(
      /reads "scores", which no node, input or initializer produces/,
    );
  });

  it('refuses bytes that are not an ONNX model', () => {
    expect(() => withoutZipMap(utf8.encode('not an onnx model'))).toThrow(
      expect.objectContaining({ name: 'OnnxGraphError', code: 'INVALID_ONNX_MODEL' }),
    );
  });
});
