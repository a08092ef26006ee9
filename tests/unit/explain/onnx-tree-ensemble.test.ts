/**
 * Specification of reading tree ensembles from ONNX: layouts in any node order, exact mode conversions, skl2onnx's
 * binary convention, clear refusals.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { nextFloat32Up } from '@/explain/onnx-conventions';
import { readTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import {
  InvalidTreeEnsembleError,
  UnsupportedTreeEnsembleError,
  type UnsupportedTreeEnsembleCode,
} from '@/explain/tree-ensemble-errors';
import { predictMargin, sigmoid, type TreeEnsemble } from '@/explain/tree-ensemble';
import { exportOnnx } from '@/training/onnx-export';

const AttributeType = onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

interface NodeRow {
  tree: number;
  id: number;
  /** Omitted: LEAF. */
  mode?: string;
  feature?: number;
  value?: number;
  ifTrue?: number;
  ifFalse?: number;
  missingTracksTrue?: boolean;
}

interface ModelSpec {
  op?: 'TreeEnsembleClassifier' | 'TreeEnsembleRegressor';
  nodes: NodeRow[];
  /** [tree id, node id, weight, class/target id (default 0)]. */
  votes: [number, number, number, number?][];
  base?: number[];
  postTransform?: string;
  /** A number fixes the input's column count; 'symbolic' leaves it unknown. */
  featureCount: number | 'symbolic';
  classLabels?: number[];
  metadata?: Record<string, string>;
  /** Thresholds and weights as double tensors instead of float lists. */
  doubleTensors?: boolean;
  extraAttributes?: onnx.IAttributeProto[];
  extraNodes?: onnx.INodeProto[];
}

/** An ONNX model written by hand, the way other exporters may lay it out. */
function buildModel(spec: ModelSpec): Uint8Array {
  const op = spec.op ?? 'TreeEnsembleClassifier';
  const prefix = op === 'TreeEnsembleClassifier' ? 'class' : 'target';
  const ints = (name: string, values: number[]): onnx.IAttributeProto => ({
    name,
    type: AttributeType.INTS,
    ints: values,
  });
  const reals = (name: string, values: number[]): onnx.IAttributeProto =>
    spec.doubleTensors
      ? {
          name: `${name}_as_tensor`,
          type: AttributeType.TENSOR,
          t: { dims: [values.length], dataType: onnx.TensorProto.DataType.DOUBLE, doubleData: values },
        }
      : { name, type: AttributeType.FLOATS, floats: values };
  const n = spec.nodes;
  const attribute: onnx.IAttributeProto[] = [
    ints(
      'nodes_treeids',
      n.map((r) => r.tree),
    ),
    ints(
      'nodes_nodeids',
      n.map((r) => r.id),
    ),
    ints(
      'nodes_featureids',
      n.map((r) => r.feature ?? 0),
    ),
    { name: 'nodes_modes', type: AttributeType.STRINGS, strings: n.map((r) => utf8.encode(r.mode ?? 'LEAF')) },
    reals(
      'nodes_values',
      n.map((r) => r.value ?? 0),
    ),
    ints(
      'nodes_truenodeids',
      n.map((r) => r.ifTrue ?? 0),
    ),
    ints(
      'nodes_falsenodeids',
      n.map((r) => r.ifFalse ?? 0),
    ),
    ints(
      'nodes_missing_value_tracks_true',
      n.map((r) => (r.missingTracksTrue ? 1 : 0)),
    ),
    ints(
      `${prefix}_treeids`,
      spec.votes.map((v) => v[0]),
    ),
    ints(
      `${prefix}_nodeids`,
      spec.votes.map((v) => v[1]),
    ),
    ints(
      `${prefix}_ids`,
      spec.votes.map((v) => v[3] ?? 0),
    ),
    reals(
      `${prefix}_weights`,
      spec.votes.map((v) => v[2]),
    ),
    ...(spec.base ? [reals('base_values', spec.base)] : []),
    ...(spec.postTransform
      ? [{ name: 'post_transform', type: AttributeType.STRING, s: utf8.encode(spec.postTransform) }]
      : []),
    ...(op === 'TreeEnsembleClassifier'
      ? [ints('classlabels_int64s', spec.classLabels ?? [0, 1])]
      : [{ name: 'n_targets', type: AttributeType.INT, i: 1 }]),
    ...(spec.extraAttributes ?? []),
  ];
  const columns = spec.featureCount === 'symbolic' ? { dimParam: 'F' } : { dimValue: spec.featureCount };
  const outputs =
    op === 'TreeEnsembleClassifier'
      ? [
          { name: 'label', type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'N' }] } } } },
          {
            name: 'probabilities',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } },
          },
        ]
      : [
          {
            name: 'variable',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 1 }] } } },
          },
        ];
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph: {
      name: 'hand',
      node: [
        { opType: op, domain: 'ai.onnx.ml', input: ['features'], output: outputs.map((o) => o.name), attribute },
        ...(spec.extraNodes ?? []),
      ],
      input: [
        { name: 'features', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, columns] } } } },
      ],
      output: outputs,
    },
    metadataProps: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** onnxruntime's positive-class probability (classifier) or raw output (regressor), one per row. */
async function ortScores(bytes: Uint8Array, rows: number[][]): Promise<number[]> {
  const session = await InferenceSession.create(Buffer.from(bytes));
  try {
    const width = rows[0].length;
    const out = await session.run({
      features: new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]),
    });
    if (out.probabilities) {
      const p = out.probabilities.data as Float32Array;
      return rows.map((_, r) => p[2 * r + 1]);
    }
    return Array.from(out.variable.data as Float32Array);
  } finally {
    await session.release();
  }
}

const nextDown = (t: number) => -nextFloat32Up(-t);

/** Every combination of values around each threshold: on it, one float32 either side, NaN, ±∞. */
function probeRows(thresholdsPerFeature: number[][]): number[][] {
  const values = thresholdsPerFeature.map((ts) => [
    ...ts.flatMap((t) => [t, nextFloat32Up(t), nextDown(t)]),
    NaN,
    Infinity,
    -Infinity,
  ]);
  return values.reduce<number[][]>((rows, column) => rows.flatMap((row) => column.map((v) => [...row, v])), [[]]);
}

function expectUnsupported(bytes: Uint8Array, code: UnsupportedTreeEnsembleCode, message: RegExp): void {
  let error: unknown;
  try {
    readTreeEnsemble(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UnsupportedTreeEnsembleError);
  expect((error as UnsupportedTreeEnsembleError).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

// One stump per tree: x0 < 0.5 ? −1 : 2 (NaN left).
const stump = (tree: number): NodeRow[] => [
  { tree, id: 0, mode: 'BRANCH_LT', feature: 0, value: 0.5, ifTrue: 1, ifFalse: 2, missingTracksTrue: true },
  { tree, id: 1 },
  { tree, id: 2 },
];

describe('readTreeEnsemble', () => {
  it('round trip of a hand-built ensemble, covers included (an unknown NaN cover survives as null)', () => {
    const ensemble: TreeEnsemble = {
      featureCount: 2,
      baseScore: 0.25,
      trees: [
        {
          feature: [1, 0, 0, 0, 0],
          threshold: [-2, 0, 0.75, 0, 0],
          left: [2, -1, 3, -1, -1],
          right: [1, -1, 4, -1, -1],
          missingGoesLeft: [false, false, true, false, false],
          leafValue: [0, 0.5, 0, -0.25, 0.125],
          cover: [12, 5, 7, NaN, 4],
        },
        {
          feature: [0],
          threshold: [0],
          left: [-1],
          right: [-1],
          missingGoesLeft: [false],
          leafValue: [-0.0625],
          cover: [12],
        },
      ],
    };
    const read = readTreeEnsemble(exportOnnx(ensemble, { modelId: 'm', version: '2', featureNames: ['age', 'bmi'] }));
    expect(read.ensemble).toEqual(ensemble);
    expect(read.featureNames).toEqual(['age', 'bmi']);
    expect(read.hasCovers).toBe(true);
    expect(read.metadata['crc.model_id']).toBe('m');
  });

  it('lays out nodes listed in any order with any ids: root at 0, then ascending node id; no covers means NaN and hasCovers false', () => {
    // Tree 4: root 7: x1 < 1 ? leaf 3 (0.5) : node 12: x0 < −1 (NaN true) ? leaf 5 (−0.25) : leaf 9 (1)
    const bytes = buildModel({
      featureCount: 2,
      nodes: [
        { tree: 4, id: 12, mode: 'BRANCH_LT', feature: 0, value: -1, ifTrue: 5, ifFalse: 9, missingTracksTrue: true },
        { tree: 4, id: 5 },
        { tree: 4, id: 7, mode: 'BRANCH_LT', feature: 1, value: 1, ifTrue: 3, ifFalse: 12 },
        { tree: 4, id: 9 },
        { tree: 4, id: 3 },
      ],
      votes: [
        [4, 9, 1],
        [4, 3, 0.5],
        [4, 5, -0.25],
      ],
      base: [-0.5],
      postTransform: 'LOGISTIC',
    });
    const read = readTreeEnsemble(bytes);
    expect(read.hasCovers).toBe(false);
    expect(read.featureNames).toBeUndefined();
    // Index order: 7, 3, 5, 9, 12.
    expect(read.ensemble).toEqual({
      featureCount: 2,
      baseScore: -0.5,
      trees: [
        {
          feature: [1, 0, 0, 0, 0],
          threshold: [1, 0, 0, 0, -1],
          left: [1, -1, -1, -1, 2],
          right: [4, -1, -1, -1, 3],
          missingGoesLeft: [false, false, false, false, true],
          leafValue: [0, 0.5, -0.25, 1, 0],
          cover: [NaN, NaN, NaN, NaN, NaN],
        },
      ],
    });
  });

  it('the same tree listed in any order reads the same, and agrees with onnxruntime on the listing it runs (ids 0..n−1, root first)', async () => {
    // onnxruntime 1.30 refuses node ids outside 0..n−1 and takes the first listed node as the root.
    const nodes: NodeRow[] = [
      { tree: 0, id: 0, mode: 'BRANCH_LT', feature: 1, value: 1, ifTrue: 4, ifFalse: 1 },
      { tree: 0, id: 1, mode: 'BRANCH_LT', feature: 0, value: -1, ifTrue: 3, ifFalse: 2, missingTracksTrue: true },
      { tree: 0, id: 2 },
      { tree: 0, id: 3 },
      { tree: 0, id: 4 },
    ];
    const spec = (listing: NodeRow[]): ModelSpec => ({
      featureCount: 2,
      nodes: listing,
      votes: [
        [0, 2, 1],
        [0, 4, 0.5],
        [0, 3, -0.25],
      ],
      base: [-0.5],
      postTransform: 'LOGISTIC',
    });
    const bytes = buildModel(spec(nodes));
    const { ensemble } = readTreeEnsemble(bytes);
    expect(readTreeEnsemble(buildModel(spec([nodes[3], nodes[1], nodes[4], nodes[0], nodes[2]]))).ensemble).toEqual(
      ensemble,
    );
    const rows = probeRows([[-1], [1]]);
    const ort = await ortScores(bytes, rows);
    rows.forEach((row, r) =>
      expect(Math.abs(ort[r] - sigmoid(predictMargin(ensemble, row)))).toBeLessThanOrEqual(1e-6),
    );
  });

  it('converts BRANCH_LEQ, BRANCH_GT and BRANCH_GTE exactly: agrees with onnxruntime on, beside and around every threshold', async () => {
    const t = [Math.fround(0.1), -3, 0];
    const bytes = buildModel({
      featureCount: 3,
      nodes: [
        { tree: 0, id: 0, mode: 'BRANCH_GT', feature: 0, value: t[0], ifTrue: 1, ifFalse: 2, missingTracksTrue: true },
        {
          tree: 0,
          id: 1,
          mode: 'BRANCH_GTE',
          feature: 1,
          value: t[1],
          ifTrue: 3,
          ifFalse: 4,
          missingTracksTrue: false,
        },
        { tree: 0, id: 2, mode: 'BRANCH_LEQ', feature: 2, value: t[2], ifTrue: 5, ifFalse: 6, missingTracksTrue: true },
        { tree: 0, id: 3 },
        { tree: 0, id: 4 },
        { tree: 0, id: 5 },
        { tree: 0, id: 6 },
        {
          tree: 1,
          id: 0,
          mode: 'BRANCH_LEQ',
          feature: 1,
          value: t[1],
          ifTrue: 1,
          ifFalse: 2,
          missingTracksTrue: false,
        },
        { tree: 1, id: 1 },
        { tree: 1, id: 2 },
      ],
      votes: [
        [0, 3, 0.5],
        [0, 4, -1],
        [0, 5, 1.5],
        [0, 6, -2],
        [1, 1, 0.25],
        [1, 2, -0.125],
      ],
      base: [0.1],
      postTransform: 'LOGISTIC',
    });
    const { ensemble } = readTreeEnsemble(bytes);
    expect(ensemble.trees[0].threshold.slice(0, 3)).toEqual([nextFloat32Up(t[0]), t[1], 2 ** -149]);
    // GT and GTE send their true branch right, and NaN with it.
    expect(ensemble.trees[0].left.slice(0, 3)).toEqual([2, 4, 5]);
    expect(ensemble.trees[0].missingGoesLeft.slice(0, 3)).toEqual([false, true, true]);
    const rows = probeRows([[t[0]], [t[1]], [t[2], -0]]);
    const ort = await ortScores(bytes, rows);
    rows.forEach((row, r) =>
      expect(Math.abs(ort[r] - sigmoid(predictMargin(ensemble, row)))).toBeLessThanOrEqual(1e-6),
    );
  });

  it('TreeEnsembleRegressor: margin = base + Σ leaves, agreeing with onnxruntime', async () => {
    const bytes = buildModel({
      op: 'TreeEnsembleRegressor',
      featureCount: 1,
      nodes: [...stump(0), ...stump(1)],
      votes: [
        [0, 1, -1],
        [0, 2, 2],
        [1, 1, 0.25],
        [1, 2, 0.5],
      ],
      base: [0.75],
      extraAttributes: [{ name: 'aggregate_function', type: AttributeType.STRING, s: utf8.encode('SUM') }],
    });
    const read = readTreeEnsemble(bytes);
    expect(read.operator).toBe('TreeEnsembleRegressor');
    expect(read.postTransform).toBe('NONE');
    const rows = [[0], [0.5], [NaN], [7]];
    expect(rows.map((row) => predictMargin(read.ensemble, row))).toEqual([0, 3.25, 0, 3.25]);
    expect(await ortScores(bytes, rows)).toEqual([0, 3.25, 0, 3.25]);
  });

  it('sums several votes on one leaf, reads double tensors, and ignores nodes after the ensemble (ZipMap)', () => {
    const bytes = buildModel({
      featureCount: 'symbolic',
      nodes: stump(0),
      votes: [
        [0, 1, -1],
        [0, 1, 0.25],
        [0, 2, 2],
      ],
      base: [0.5],
      postTransform: 'LOGISTIC',
      doubleTensors: true,
      extraNodes: [
        { opType: 'ZipMap', domain: 'ai.onnx.ml', input: ['probabilities'], output: ['output_probability'] },
      ],
    });
    const read = readTreeEnsemble(bytes);
    expect(read.ensemble.trees[0].leafValue).toEqual([0, -0.75, 2]);
    expect(read.ensemble.baseScore).toBe(0.5);
    // No feature names and a symbolic column count: the largest feature id used decides.
    expect(read.ensemble.featureCount).toBe(1);
  });

  it('takes featureCount from the input shape when there are no feature names', () => {
    const bytes = buildModel({
      featureCount: 6,
      nodes: stump(0),
      votes: [
        [0, 1, -1],
        [0, 2, 2],
      ],
      postTransform: 'LOGISTIC',
    });
    expect(readTreeEnsemble(bytes).ensemble.featureCount).toBe(6);
  });

  describe('refuses what TreeEnsemble cannot represent, with a stable code', () => {
    const modeModel = (mode: string, value = 0.5) =>
      buildModel({
        featureCount: 1,
        nodes: [{ ...stump(0)[0], mode, value }, ...stump(0).slice(1)],
        votes: [
          [0, 1, -1],
          [0, 2, 2],
        ],
        postTransform: 'LOGISTIC',
      });
    it.each(['BRANCH_EQ', 'BRANCH_NEQ'])('%s', (mode) => {
      expectUnsupported(
        modeModel(mode),
        'UNSUPPORTED_NODE_MODE',
        new RegExp(`mode ${mode}; supported: BRANCH_LT, BRANCH_LEQ, BRANCH_GT, BRANCH_GTE, LEAF`),
      );
    });
    it('BRANCH_LEQ at +∞ (no x < t form is true for x = +∞)', () => {
      expectUnsupported(modeModel('BRANCH_LEQ', Infinity), 'UNSUPPORTED_THRESHOLD', /no exact BRANCH_LT form/);
    });
    it('weights for both classes', () => {
      const bytes = buildModel({
        featureCount: 1,
        nodes: stump(0),
        votes: [
          [0, 1, -1, 1],
          [0, 2, 2, 1],
          [0, 1, 1, 0],
          [0, 2, -2, 0],
        ],
        postTransform: 'LOGISTIC',
      });
      expectUnsupported(bytes, 'UNSUPPORTED_CLASS_WEIGHTS', /only class id 0/);
    });
    it('a classifier without LOGISTIC', () => {
      const bytes = buildModel({
        featureCount: 1,
        nodes: stump(0),
        votes: [
          [0, 1, -1],
          [0, 2, 2],
        ],
        postTransform: 'NONE',
      });
      expectUnsupported(bytes, 'UNSUPPORTED_POST_TRANSFORM', /post_transform NONE is not supported; allowed: LOGISTIC/);
    });
    it('more than two classes', () => {
      const bytes = buildModel({
        featureCount: 1,
        nodes: stump(0),
        votes: [
          [0, 1, -1],
          [0, 2, 2],
        ],
        postTransform: 'LOGISTIC',
        classLabels: [0, 1, 2],
      });
      expectUnsupported(bytes, 'UNSUPPORTED_TARGETS', /only binary classifiers/);
    });
    it('two base values', () => {
      const bytes = buildModel({
        featureCount: 1,
        nodes: stump(0),
        votes: [
          [0, 1, -1],
          [0, 2, 2],
        ],
        postTransform: 'LOGISTIC',
        base: [0, 0.5],
      });
      expectUnsupported(bytes, 'UNSUPPORTED_BASE_VALUES', /2 base_values/);
    });
    it('a regressor that averages', () => {
      const bytes = buildModel({
        op: 'TreeEnsembleRegressor',
        featureCount: 1,
        nodes: stump(0),
        votes: [
          [0, 1, -1],
          [0, 2, 2],
        ],
        extraAttributes: [{ name: 'aggregate_function', type: AttributeType.STRING, s: utf8.encode('AVERAGE') }],
      });
      expectUnsupported(bytes, 'UNSUPPORTED_AGGREGATE_FUNCTION', /AVERAGE is not supported; allowed: SUM/);
    });
  });

  describe('rejects malformed models as InvalidTreeEnsembleError', () => {
    const stumpVotes: [number, number, number][] = [
      [0, 1, -1],
      [0, 2, 2],
    ];
    it.each<[string, () => Uint8Array, RegExp]>([
      ['bytes that are not ONNX', () => Uint8Array.from([0xff, 0xff, 0xff, 0x0f]), /not an ONNX model/],
      [
        'a graph without a tree ensemble',
        () => onnx.ModelProto.encode({ irVersion: 8, graph: { node: [{ opType: 'Relu' }] } }).finish(),
        /found 0 \(graph nodes: Relu\)/,
      ],
      [
        'a weight on a node that does not exist',
        () =>
          buildModel({
            featureCount: 1,
            nodes: stump(0),
            votes: [...stumpVotes, [0, 9, 1]],
            postTransform: 'LOGISTIC',
          }),
        /names node 0\/9/,
      ],
      [
        'a cycle (no root)',
        () =>
          buildModel({
            featureCount: 1,
            nodes: [
              { ...stump(0)[0], ifTrue: 1 },
              { tree: 0, id: 1, mode: 'BRANCH_LT', ifTrue: 0, ifFalse: 2 },
              { tree: 0, id: 2 },
            ],
            votes: [[0, 2, 1]],
            postTransform: 'LOGISTIC',
          }),
        /0 nodes without a parent/,
      ],
      [
        'covers that do not match the trees',
        () =>
          buildModel({
            featureCount: 1,
            nodes: stump(0),
            votes: stumpVotes,
            postTransform: 'LOGISTIC',
            metadata: { 'crc.tree_covers': '[[1,2]]' },
          }),
        /one array of covers per tree/,
      ],
      [
        'a label guard that changes margins',
        () =>
          buildModel({
            featureCount: 1,
            nodes: stump(0),
            votes: stumpVotes,
            postTransform: 'LOGISTIC',
            metadata: { 'crc.label_guard_tree': '0' },
          }),
        /can change the margin/,
      ],
      [
        'feature names that disagree with the input width',
        () =>
          buildModel({
            featureCount: 2,
            nodes: stump(0),
            votes: stumpVotes,
            postTransform: 'LOGISTIC',
            metadata: { 'crc.feature_names': '["a"]' },
          }),
        /1 feature names but the input has 2 columns/,
      ],
    ])('%s', (_, build, message) => {
      const bytes = build();
      expect(() => readTreeEnsemble(bytes)).toThrow(InvalidTreeEnsembleError);
      expect(() => readTreeEnsemble(bytes)).toThrow(message);
    });
  });
});
