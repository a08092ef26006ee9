/**
 * Specification of the ONNX export: onnxruntime computes p = sigmoid(predictMargin), labels margin > 0, bytes are
 * deterministic, and the reader inverts it.
 */
import fc from 'fast-check';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import {
  exportOnnx,
  ONNX_INPUT_NAME,
  ONNX_PROBABILITY_OUTPUT,
  OnnxExportError,
  type OnnxExportMeta,
} from '@/training/onnx-export';
import { nextFloat32Up, ONNX_METADATA_KEYS } from '@/explain/onnx-conventions';
import { readTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import { predictMargin, sigmoid, type Tree, type TreeEnsemble } from '@/explain/tree-ensemble';
import { Rng } from '@/training/random';

interface OrtOutput {
  label: number[];
  /** [1 − p, p] per row. */
  probabilities: [number, number][];
}

async function runOrt(bytes: Uint8Array, rows: number[][], featureCount: number): Promise<OrtOutput> {
  const session = await InferenceSession.create(Buffer.from(bytes));
  try {
    const input = new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, featureCount]);
    const out = await session.run({ [ONNX_INPUT_NAME]: input });
    const probs = out[ONNX_PROBABILITY_OUTPUT].data as Float32Array;
    return {
      label: Array.from(out.label.data as BigInt64Array, Number),
      probabilities: rows.map((_, r) => [probs[2 * r], probs[2 * r + 1]]),
    };
  } finally {
    await session.release();
  }
}

const metaFor = (featureCount: number, extra?: Record<string, string>): OnnxExportMeta => ({
  modelId: 'test-model',
  version: '1.0.0',
  featureNames: Array.from({ length: featureCount }, (_, i) => `f${i}`),
  ...(extra ? { extra } : {}),
});

/** A leaf in the trainer's canonical form. */
const leaf = (value: number, cover: number) => ({
  feature: 0,
  threshold: 0,
  left: -1,
  right: -1,
  missingGoesLeft: false,
  leafValue: value,
  cover,
});
const split = (
  feature: number,
  threshold: number,
  left: number,
  right: number,
  missingGoesLeft: boolean,
  cover: number,
) => ({
  feature,
  threshold,
  left,
  right,
  missingGoesLeft,
  leafValue: 0,
  cover,
});
type NodeSpec = ReturnType<typeof leaf>;

function treeOf(nodes: NodeSpec[]): Tree {
  return {
    feature: nodes.map((n) => n.feature),
    threshold: nodes.map((n) => n.threshold),
    left: nodes.map((n) => n.left),
    right: nodes.map((n) => n.right),
    missingGoesLeft: nodes.map((n) => n.missingGoesLeft),
    leafValue: nodes.map((n) => n.leafValue),
    cover: nodes.map((n) => n.cover),
  };
}

/**
 * Tree A: x0 < 0.5 (NaN left) ? (x1 < 2 (NaN right) ? 0.25 : −0.5) : 0.75
 * Tree B: x1 < −1 (NaN right) ? −0.125 : (x0 < 3 (NaN left) ? 0.5 : −0.25)
 */
const handBuilt: TreeEnsemble = {
  featureCount: 2,
  baseScore: -0.5,
  trees: [
    treeOf([
      split(0, 0.5, 1, 2, true, 10),
      split(1, 2, 3, 4, false, 6),
      leaf(0.75, 4),
      leaf(0.25, 2.5),
      leaf(-0.5, 3.5),
    ]),
    treeOf([split(1, -1, 1, 2, false, 10), leaf(-0.125, 3), split(0, 3, 3, 4, true, 7), leaf(0.5, 5), leaf(-0.25, 2)]),
  ],
};

/** Rows with margins worked out by hand from the trees above. */
const handRows: { row: number[]; margin: number }[] = [
  { row: [0, 0], margin: -0.5 + 0.25 + 0.5 },
  { row: [0.5, 2], margin: -0.5 + 0.75 + 0.5 }, // equal to both thresholds: not less, so right
  { row: [NaN, NaN], margin: -0.5 - 0.5 + 0.5 },
  { row: [4, -2], margin: -0.5 + 0.75 - 0.125 },
  { row: [0.1, 5], margin: -0.5 - 0.5 + 0.5 },
  { row: [3, 0], margin: -0.5 + 0.75 - 0.25 }, // margin exactly 0: p = 0.5, label 0
  { row: [0.49999999, 1.99999999], margin: -0.5 + 0.75 + 0.5 }, // both round to the thresholds in float32
];

describe('exportOnnx', () => {
  it('hand-built ensemble: onnxruntime gives [1 − p, p] with p = sigmoid(hand-computed margin) and label = margin > 0', async () => {
    const bytes = exportOnnx(handBuilt, metaFor(2));
    const out = await runOrt(
      bytes,
      handRows.map((h) => h.row),
      2,
    );
    handRows.forEach(({ row, margin }, r) => {
      expect(predictMargin(handBuilt, row)).toBe(margin);
      expect(out.probabilities[r][1]).toBeCloseTo(sigmoid(margin), 6);
      expect(out.probabilities[r][0]).toBeCloseTo(1 - sigmoid(margin), 6);
      expect(out.label[r]).toBe(margin > 0 ? 1 : 0);
    });
    expect(out.probabilities.map((p) => p[1])).toEqual(
      [0.5621765, 0.6791787, 0.3775407, 0.5312094, 0.3775407, 0.5, 0.6791787].map((p) => expect.closeTo(p, 6)),
    );
  });

  it('all leaf values non-negative: labels still follow margin > 0 (a label guard tree is added and read back out)', async () => {
    // Margins −0.75, 0.25 and 1: 0.25 is where onnxruntime's "all weights positive" rule (score > 0.5) would say 0.
    const ensemble: TreeEnsemble = {
      featureCount: 1,
      baseScore: -1,
      trees: [
        treeOf([split(0, 1, 1, 2, false, 3), leaf(0.25, 1), split(0, 2, 3, 4, true, 2), leaf(1.25, 1), leaf(2, 1)]),
      ],
    };
    const rows = [[0], [1.5], [2]];
    const margins = [-0.75, 0.25, 1];
    const bytes = exportOnnx(ensemble, metaFor(1));
    const out = await runOrt(bytes, rows, 1);
    expect(out.label).toEqual([0, 1, 1]);
    margins.forEach((m, r) => expect(out.probabilities[r][1]).toBeCloseTo(sigmoid(m), 6));
    const read = readTreeEnsemble(bytes);
    expect(read.metadata[ONNX_METADATA_KEYS.labelGuardTree]).toBe('1');
    expect(read.ensemble).toEqual(ensemble);
  });

  it('without the guard, onnxruntime 1.30 labels a non-negative-weight model by score > 0.5 (why the guard exists)', async () => {
    const ensemble: TreeEnsemble = {
      featureCount: 1,
      baseScore: 0,
      trees: [treeOf([split(0, 1, 1, 2, false, 2), leaf(0.25, 1), leaf(2, 1)])],
    };
    const model = onnx.ModelProto.decode(exportOnnx(ensemble, metaFor(1)));
    stripTree(model, 1);
    const out = await runOrt(onnx.ModelProto.encode(model).finish(), [[0], [2]], 1);
    expect(out.probabilities[0][1]).toBeCloseTo(sigmoid(0.25), 6);
    expect(out.label).toEqual([0, 1]); // margin 0.25 > 0, yet label 0
  });

  it('an ensemble without trees predicts sigmoid(baseScore)', async () => {
    const ensemble: TreeEnsemble = { featureCount: 3, baseScore: 0.25, trees: [] };
    const bytes = exportOnnx(ensemble, metaFor(3));
    const out = await runOrt(bytes, [[1, NaN, 3]], 3);
    expect(out.probabilities[0][1]).toBeCloseTo(sigmoid(0.25), 6);
    expect(out.label).toEqual([1]);
    expect(readTreeEnsemble(bytes).ensemble).toEqual(ensemble);
  });

  it('declares the input and outputs the registry relies on', () => {
    const model = onnx.ModelProto.decode(exportOnnx(handBuilt, metaFor(2)));
    // Decoded sub-messages are class instances; the generated typings only promise the interfaces.
    const graph = model.graph as onnx.GraphProto;
    expect(graph.input.map((i) => i.name)).toEqual([ONNX_INPUT_NAME]);
    expect(graph.input[0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 2]);
    expect(graph.output.map((o) => o.name)).toEqual(['label', ONNX_PROBABILITY_OUTPUT]);
    expect(graph.node.map((n) => `${n.domain}:${n.opType}`)).toEqual(['ai.onnx.ml:TreeEnsembleClassifier']);
    expect(model.opsetImport.map((o) => `${o.domain}:${Number(o.version)}`)).toEqual([':17', 'ai.onnx.ml:3']);
  });

  it('writes the metadata: ids, feature names, base score, covers per tree in node-id order, extras', () => {
    const read = readTreeEnsemble(exportOnnx(handBuilt, metaFor(2, { 'training.rows': '768', 'a.first': 'x' })));
    expect(read.metadata).toEqual({
      'crc.model_id': 'test-model',
      'crc.version': '1.0.0',
      'crc.feature_names': '["f0","f1"]',
      'crc.base_score': '-0.5',
      'crc.tree_covers': '[[10,6,4,2.5,3.5],[10,3,7,5,2]]',
      'training.rows': '768',
      'a.first': 'x',
    });
    expect(read.featureNames).toEqual(['f0', 'f1']);
    expect(read.hasCovers).toBe(true);
  });

  it('is deterministic: same ensemble, same bytes, whatever the order of the extra metadata', () => {
    const a = exportOnnx(handBuilt, metaFor(2, { b: '2', a: '1' }));
    const b = exportOnnx(structuredClone(handBuilt), metaFor(2, { a: '1', b: '2' }));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const ensemble = randomEnsemble(new Rng(seed)).ensemble;
        const first = exportOnnx(ensemble, metaFor(ensemble.featureCount));
        const second = exportOnnx(structuredClone(ensemble), metaFor(ensemble.featureCount));
        return Buffer.from(first).equals(Buffer.from(second));
      }),
      { numRuns: 50 },
    );
  });

  it('round trip: readTreeEnsemble(exportOnnx(e)) is e, for random ensembles', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { ensemble } = randomEnsemble(new Rng(seed));
        const read = readTreeEnsemble(exportOnnx(ensemble, metaFor(ensemble.featureCount)));
        expect(read.ensemble).toEqual(ensemble);
        expect(read.hasCovers).toBe(true);
        expect(read.operator).toBe('TreeEnsembleClassifier');
        expect(read.postTransform).toBe('LOGISTIC');
      }),
      { numRuns: 200 },
    );
  });

  it('parity: onnxruntime p = sigmoid(predictMargin) within 1e-6 and label = margin > 0, on NaN, on-threshold and float32-rounding rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const rng = new Rng(seed);
        const { ensemble, thresholds } = randomEnsemble(rng);
        const rows = Array.from({ length: 64 }, () => randomRow(rng, ensemble.featureCount, thresholds));
        const out = await runOrt(exportOnnx(ensemble, metaFor(ensemble.featureCount)), rows, ensemble.featureCount);
        rows.forEach((row, r) => {
          const margin = predictMargin(ensemble, row);
          const [p0, p1] = out.probabilities[r];
          expect(Math.abs(p1 - sigmoid(margin))).toBeLessThanOrEqual(1e-6);
          expect(Math.abs(p0 - (1 - sigmoid(margin)))).toBeLessThanOrEqual(1e-6);
          // onnxruntime sums in float32: the sign of a margin within rounding of 0 is not pinned.
          if (Math.abs(margin) > 1e-5) expect(out.label[r]).toBe(margin > 0 ? 1 : 0);
          if (Math.abs(p1 - 0.5) > 1e-6) expect(out.label[r]).toBe(p1 > 0.5 ? 1 : 0);
        });
      }),
      { numRuns: 120 },
    );
  });

  it('parity holds on a large batch (onnxruntime parallelises rows and trees)', async () => {
    const rng = new Rng(20240601);
    let generated = randomEnsemble(rng);
    while (generated.ensemble.trees.length < 20) generated = randomEnsemble(rng);
    const { ensemble, thresholds } = generated;
    const rows = Array.from({ length: 5000 }, () => randomRow(rng, ensemble.featureCount, thresholds));
    const out = await runOrt(exportOnnx(ensemble, metaFor(ensemble.featureCount)), rows, ensemble.featureCount);
    const worst = Math.max(
      ...rows.map((row, r) => Math.abs(out.probabilities[r][1] - sigmoid(predictMargin(ensemble, row)))),
    );
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  describe('refuses what it cannot write faithfully', () => {
    const withTree = (mutate: (tree: Tree) => void): TreeEnsemble => {
      const copy = structuredClone(handBuilt);
      mutate(copy.trees[0]);
      return copy;
    };
    it.each([
      ['a threshold that is not float32', withTree((t) => (t.threshold[0] = 0.1)), /threshold 0.1 is not a float32/],
      ['a leaf value that is not float32', withTree((t) => (t.leafValue[2] = 0.1)), /leaf value 0.1/],
      ['a NaN threshold', withTree((t) => (t.threshold[0] = NaN)), /NaN threshold/],
      ['a feature out of range', withTree((t) => (t.feature[0] = 2)), /feature 2, allowed 0..1/],
      ['a node reached twice', withTree((t) => (t.right[1] = 3)), /reached twice/],
      ['an unreachable node', withTree(appendLeaf), /node 5 is not reachable/],
      ['a base score that is not float32', { ...handBuilt, baseScore: 0.1 }, /baseScore 0.1/],
    ])('%s', (_, ensemble, message) => {
      expect(() => exportOnnx(ensemble, metaFor(2))).toThrow(OnnxExportError);
      expect(() => exportOnnx(ensemble, metaFor(2))).toThrow(message);
    });
    it('feature names that do not match featureCount', () => {
      expect(() => exportOnnx(handBuilt, metaFor(3))).toThrow('3 feature names for 2 features');
    });
    it('extra metadata under the reserved crc. prefix', () => {
      expect(() => exportOnnx(handBuilt, metaFor(2, { 'crc.version': 'x' }))).toThrow(/reserved "crc." prefix/);
    });
  });
});

function appendLeaf(tree: Tree): void {
  tree.feature.push(0);
  tree.threshold.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.missingGoesLeft.push(false);
  tree.leafValue.push(0);
  tree.cover.push(1);
}

/** Removes one tree (nodes and leaf weights) from an exported model. */
function stripTree(model: onnx.ModelProto, treeId: number): void {
  const node = (model.graph as onnx.GraphProto).node[0] as onnx.NodeProto;
  const attributes = node.attribute as onnx.AttributeProto[];
  const attr = (name: string) => attributes.find((a) => a.name === name)!;
  const keep = (prefix: 'nodes' | 'class') => attr(`${prefix}_treeids`).ints.map((t) => Number(t) !== treeId);
  const keepNodes = keep('nodes');
  const keepVotes = keep('class');
  for (const a of attributes) {
    const mask = a.name.startsWith('nodes_') ? keepNodes : a.name.startsWith('class_') ? keepVotes : undefined;
    if (!mask) continue;
    if (a.ints.length) a.ints = a.ints.filter((_, i) => mask[i]);
    if (a.floats.length) a.floats = a.floats.filter((_, i) => mask[i]);
    if (a.strings.length) a.strings = a.strings.filter((_, i) => mask[i]);
  }
}

// ---------------------------------------------------------------------------------------------
// Seeded random ensembles: arbitrary node layouts (root 0, others shuffled), float32 thresholds
// drawn from small per-feature pools so that rows can hit them exactly.

function randomEnsemble(rng: Rng): { ensemble: TreeEnsemble; thresholds: number[][] } {
  const featureCount = rng.int(1, 10);
  const thresholds = Array.from({ length: featureCount }, () =>
    Array.from({ length: rng.int(1, 4) }, () => {
      const kind = rng.next();
      if (kind < 0.1) return 0;
      if (kind < 0.15) return rng.next() < 0.5 ? Infinity : -Infinity;
      if (kind < 0.3) return rng.int(-5, 5);
      return Math.fround((rng.next() * 2 - 1) * 10 ** rng.int(-3, 3));
    }),
  );
  // Some ensembles only have non-negative leaves, which need the label guard.
  const nonNegative = rng.next() < 0.2;
  const maxDepth = rng.int(0, 6);
  const trees = Array.from({ length: rng.int(1, 30) }, () =>
    randomTree(rng, featureCount, maxDepth, thresholds, nonNegative),
  );
  const baseScore = Math.fround((rng.next() * 2 - 1) * 2);
  return { ensemble: { featureCount, baseScore, trees }, thresholds };
}

type Shape =
  { leaf: number } | { feature: number; threshold: number; missingGoesLeft: boolean; left: Shape; right: Shape };

function randomTree(rng: Rng, featureCount: number, maxDepth: number, pools: number[][], nonNegative: boolean): Tree {
  const grow = (depth: number): Shape => {
    if (depth === maxDepth || (depth > 0 && rng.next() < 0.3)) {
      const v = Math.fround((rng.next() * 2 - 1) * 0.5) + 0;
      return { leaf: nonNegative ? Math.abs(v) : v };
    }
    const feature = rng.int(0, featureCount - 1);
    const pool = pools[feature];
    return {
      feature,
      threshold: pool[rng.int(0, pool.length - 1)],
      missingGoesLeft: rng.next() < 0.5,
      left: grow(depth + 1),
      right: grow(depth + 1),
    };
  };
  const shape = grow(0);
  const count = (s: Shape): number => ('leaf' in s ? 1 : 1 + count(s.left) + count(s.right));
  const n = count(shape);
  const slots = Array.from({ length: n - 1 }, (_, i) => i + 1);
  rng.shuffle(slots);
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], missingGoesLeft: [], leafValue: [], cover: [] };
  const place = (s: Shape, index: number): void => {
    tree.cover[index] = rng.next() * 100;
    if ('leaf' in s) {
      tree.feature[index] = 0;
      tree.threshold[index] = 0;
      tree.left[index] = -1;
      tree.right[index] = -1;
      tree.missingGoesLeft[index] = false;
      tree.leafValue[index] = s.leaf;
      return;
    }
    const left = slots.pop()!;
    const right = slots.pop()!;
    tree.feature[index] = s.feature;
    tree.threshold[index] = s.threshold;
    tree.left[index] = left;
    tree.right[index] = right;
    tree.missingGoesLeft[index] = s.missingGoesLeft;
    tree.leafValue[index] = 0;
    place(s.left, left);
    place(s.right, right);
  };
  place(shape, 0);
  return tree;
}

/** Values that probe the split rule: NaN, thresholds, doubles that round onto thresholds, float32 neighbours. */
function randomRow(rng: Rng, featureCount: number, pools: number[][]): number[] {
  return Array.from({ length: featureCount }, (_, f) => {
    const t = pools[f][rng.int(0, pools[f].length - 1)];
    const kind = rng.next();
    if (kind < 0.15) return NaN;
    if (kind < 0.45) return t;
    if (kind < 0.6 && Number.isFinite(t)) {
      // Differs from t as a double but rounds onto it in float32.
      const ulp = t === 0 ? 2 ** -149 : Math.abs(nextFloat32Up(Math.abs(t)) - Math.abs(t));
      return t + (rng.next() < 0.5 ? ulp : -ulp) * 0.2;
    }
    if (kind < 0.7) return rng.next() < 0.5 ? nextFloat32Up(t) : -nextFloat32Up(-t);
    if (kind < 0.75) return rng.next() < 0.5 ? Infinity : -Infinity;
    return (rng.next() * 2 - 1) * 10 ** rng.int(-3, 3);
  });
}
