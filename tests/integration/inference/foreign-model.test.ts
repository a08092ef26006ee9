import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import type { z } from 'zod';
import { readTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import { predictMargin, sigmoid, type TreeEnsemble } from '@/explain/tree-ensemble';
import { featureSpecSchema } from '@/features/feature-set';
import { modelCardSchema, type ModelCard } from '@/inference/model-card';
import { ModelArtifactError } from '@/inference/model-files';
import { ModelCardMismatchError, ModelRegistry, loadModel, type LoadedModel } from '@/inference/model-registry';

/*
 * A model trained elsewhere: a scikit-learn GradientBoostingClassifier as skl2onnx writes it. One
 * TreeEnsembleClassifier (ai.onnx.ml opset 1) with sklearn's depth-first node ids and BRANCH_LEQ
 * splits, leaf weights under class id 0 only, one base value, no missing-value attribute (NaN takes
 * the false branch), no covers, and the outputs label → Cast → output_label and
 * probabilities → ZipMap → output_probability.
 */

const AttributeType = onnx.AttributeProto.AttributeType;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const utf8 = new TextEncoder();
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const logit = (p: number) => Math.log(p / (1 - p));

const MODEL_ID = 'foreign-gbc';
const FEATURES = ['age', 'lactate', 'systolic_bp'] as const;

type SkNode =
  { id: number; leaf: number } | { id: number; feature: number; threshold: number; yes: number; no: number };

interface SkTree {
  nodes: SkNode[];
  /** The order the nodes are listed in (root first, as onnxruntime needs). */
  listing: number[];
}

/** x <= threshold goes to `yes` (sklearn's rule); the ids are sklearn's depth-first ones, not breadth-first. */
const TREES: SkTree[] = [
  {
    nodes: [
      { id: 0, feature: 0, threshold: 60.5, yes: 1, no: 4 },
      { id: 1, feature: 1, threshold: 2, yes: 2, no: 3 },
      { id: 2, leaf: -0.31 },
      { id: 3, leaf: 0.42 },
      { id: 4, feature: 2, threshold: 100, yes: 5, no: 6 },
      { id: 5, leaf: 0.57 },
      { id: 6, leaf: 0.12 },
    ],
    listing: [0, 1, 2, 3, 4, 5, 6],
  },
  {
    nodes: [
      { id: 0, feature: 1, threshold: 4, yes: 1, no: 4 },
      { id: 1, feature: 0, threshold: 45.5, yes: 2, no: 3 },
      { id: 2, leaf: -0.21 },
      { id: 3, leaf: 0.06 },
      { id: 4, leaf: 0.48 },
    ],
    listing: [0, 4, 3, 1, 2],
  },
  {
    nodes: [
      { id: 0, feature: 2, threshold: 90, yes: 1, no: 2 },
      { id: 1, leaf: 0.33 },
      { id: 2, leaf: -0.17 },
    ],
    listing: [0, 2, 1],
  },
];
const BASE_VALUE = -0.4;

function sklearnGbcOnnx(): Uint8Array {
  const a = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as string[],
    values: [] as number[],
    yes: [] as number[],
    no: [] as number[],
  };
  const votes = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] };
  TREES.forEach((tree, t) => {
    for (const id of tree.listing) {
      const node = tree.nodes.find((n) => n.id === id)!;
      const leaf = 'leaf' in node;
      a.treeIds.push(t);
      a.nodeIds.push(id);
      a.featureIds.push(leaf ? 0 : node.feature);
      a.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      a.values.push(leaf ? 0 : node.threshold);
      a.yes.push(leaf ? 0 : node.yes);
      a.no.push(leaf ? 0 : node.no);
      if (leaf) {
        votes.treeIds.push(t);
        votes.nodeIds.push(id);
        votes.weights.push(node.leaf);
      }
    }
  });
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
  const strings = (name: string, values: string[]): onnx.IAttributeProto => ({
    name,
    type: AttributeType.STRINGS,
    strings: values.map((v) => utf8.encode(v)),
  });
  const rows = { dimParam: 'N' };
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'skl2onnx',
    producerVersion: '1.17.0',
    domain: 'ai.onnx',
    modelVersion: 0,
    opsetImport: [
      { domain: '', version: 15 },
      { domain: 'ai.onnx.ml', version: 1 },
    ],
    graph: {
      name: 'GradientBoostingClassifier',
      node: [
        {
          name: 'TreeEnsembleClassifier',
          opType: 'TreeEnsembleClassifier',
          domain: 'ai.onnx.ml',
          input: ['float_input'],
          output: ['label', 'probabilities'],
          attribute: [
            floats('base_values', [BASE_VALUE]),
            ints(
              'class_ids',
              votes.treeIds.map(() => 0),
            ),
            ints('class_nodeids', votes.nodeIds),
            ints('class_treeids', votes.treeIds),
            floats('class_weights', votes.weights),
            ints('classlabels_int64s', [0, 1]),
            ints('nodes_falsenodeids', a.no),
            ints('nodes_featureids', a.featureIds),
            floats(
              'nodes_hitrates',
              a.treeIds.map(() => 1),
            ),
            strings('nodes_modes', a.modes),
            ints('nodes_nodeids', a.nodeIds),
            ints('nodes_treeids', a.treeIds),
            ints('nodes_truenodeids', a.yes),
            floats('nodes_values', a.values),
            { name: 'post_transform', type: AttributeType.STRING, s: utf8.encode('LOGISTIC') },
          ],
        },
        {
          name: 'Cast',
          opType: 'Cast',
          domain: '',
          input: ['label'],
          output: ['output_label'],
          attribute: [{ name: 'to', type: AttributeType.INT, i: INT64 }],
        },
        {
          name: 'ZipMap',
          opType: 'ZipMap',
          domain: 'ai.onnx.ml',
          input: ['probabilities'],
          output: ['output_probability'],
          attribute: [ints('classlabels_int64s', [0, 1])],
        },
      ],
      input: [
        {
          name: 'float_input',
          type: { tensorType: { elemType: FLOAT, shape: { dim: [rows, { dimValue: FEATURES.length }] } } },
        },
      ],
      output: [
        { name: 'output_label', type: { tensorType: { elemType: INT64, shape: { dim: [rows] } } } },
        {
          name: 'output_probability',
          type: {
            sequenceType: { elemType: { mapType: { keyType: INT64, valueType: { tensorType: { elemType: FLOAT } } } } },
          },
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

const feature = (
  name: string,
  label: string,
  unit: string,
  min: number,
  max: number,
  required: boolean,
): z.input<typeof featureSpecSchema> => ({
  name,
  label,
  unit,
  description: `${label}.`,
  // No kind: a card written before kinds existed still loads (its inputs count as continuous).
  min,
  max,
  required,
  missing: required ? 'required' : 'may be omitted: the model sends a missing value down each split’s false branch',
});

/** 48 rows reaching every node of every tree; every fifth lactate and some blood pressures missing. */
function backgroundRows(): number[][] {
  return Array.from({ length: 48 }, (_, i) => [
    30 + ((i * 7) % 50),
    i % 5 === 4 ? NaN : 0.5 + ((i * 13) % 60) / 10,
    i % 8 === 3 ? NaN : 70 + ((i * 11) % 90),
  ]);
}

const toCsv = (rows: number[][]) =>
  [FEATURES.join(','), ...rows.map((r) => r.map((v) => (Number.isNaN(v) ? '' : String(v))).join(','))].join('\n') +
  '\n';

interface Written {
  dir: string;
  onnx: Uint8Array;
  /** As the file holds it (input form: a feature may say no kind). */
  card: z.input<typeof modelCardSchema>;
  csv: string;
}

/**
 * models/<MODEL_ID>/ with model.onnx, background.csv and a card derived from the diabetes card; `edit` may change any
 * of them.
 */
function writeForeignModel(
  edit: (w: Omit<Written, 'dir'>) => void = () => {},
  dir = mkdtempSync(join(tmpdir(), 'foreign-')),
): Written {
  const onnxBytes = sklearnGbcOnnx();
  const csv = toCsv(backgroundRows());
  const template = JSON.parse(readFileSync(join('models', 'diabetes', 'card.json'), 'utf8')) as ModelCard;
  // The card as a file holds it (input form): its features say no kind.
  const card: z.input<typeof modelCardSchema> = {
    ...template,
    id: MODEL_ID,
    name: 'Shock (scikit-learn gradient boosting, exported by skl2onnx)',
    features: [
      feature('age', 'Age', 'years', 18, 110, true),
      feature('lactate', 'Lactate', 'mmol/L', 0.1, 30, false),
      feature('systolic_bp', 'Systolic blood pressure', 'mm Hg', 40, 250, false),
    ],
    derivedFeatures: [],
    onnx: {
      file: 'model.onnx',
      sha256: sha256(onnxBytes),
      inputName: 'float_input',
      probabilityOutput: 'probabilities',
      trees: TREES.length,
      background: { file: 'background.csv', sha256: sha256(csv), rows: 48 },
    },
    globalImportance: [],
  };
  const written = { onnx: onnxBytes, card, csv };
  edit(written);
  const modelDir = join(dir, MODEL_ID);
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(join(modelDir, 'model.onnx'), written.onnx);
  writeFileSync(join(modelDir, 'background.csv'), written.csv);
  writeFileSync(join(modelDir, 'card.json'), JSON.stringify(written.card, null, 2));
  return { dir, ...written };
}

/** Rows to score and explain: typical, at split points, and with missing values. */
const ROWS = [
  [72, 3.1, 95],
  [40, 1.2, 130],
  [60.5, 2, 100],
  [55, NaN, 85],
  [81, 5.5, NaN],
  [50, NaN, NaN],
];

describe('a skl2onnx-style model without covers, loaded with a background file', () => {
  const { dir, card } = writeForeignModel();
  const registry = new ModelRegistry(dir);
  let model: LoadedModel;
  let parsed: TreeEnsemble;

  beforeAll(async () => {
    model = await registry.get(MODEL_ID);
    parsed = readTreeEnsemble(sklearnGbcOnnx()).ensemble;
  });
  afterAll(() => registry.close());

  it('writes a card the schema accepts, with the background field', () => {
    expect(modelCardSchema.parse(card).onnx.background).toEqual({
      file: 'background.csv',
      sha256: sha256(toCsv(backgroundRows())),
      rows: 48,
    });
  });

  it('the file holds no covers of its own', () => {
    expect(readTreeEnsemble(sklearnGbcOnnx()).hasCovers).toBe(false);
  });

  it('loads: the registry lists it, with its inputs as the vector', async () => {
    expect([...(await registry.load()).keys()]).toEqual([MODEL_ID]);
    expect(model.vectorNames).toEqual([...FEATURES]);
    expect(model.ensemble.trees).toHaveLength(card.onnx.trees);
  });

  it('predicts sigmoid(predictMargin) of the parsed ensemble, through the probabilities tensor that fed the ZipMap', async () => {
    const p = await registry.predict(MODEL_ID, Float32Array.from(ROWS.flat()));
    expect(p).toHaveLength(ROWS.length);
    ROWS.forEach((row, i) => expect(p[i]).toBeCloseTo(sigmoid(predictMargin(parsed, row)), 6));
  });

  it('covers tree 0 with the background row count of each node (counted by hand with sklearn’s x <= t rule; NaN fails it)', () => {
    const bg = backgroundRows();
    const count = (keep: (r: number[]) => boolean) => bg.filter(keep).length;
    const young = (r: number[]) => r[0] <= 60.5;
    const lowLactate = (r: number[]) => r[1] <= 2;
    const lowBp = (r: number[]) => r[2] <= 100;
    // The reader keeps the root at index 0 and the other nodes in ascending id: here index = sklearn id.
    const expected = [
      bg.length,
      count(young),
      count((r) => young(r) && lowLactate(r)),
      count((r) => young(r) && !lowLactate(r)),
      count((r) => !young(r)),
      count((r) => !young(r) && lowBp(r)),
      count((r) => !young(r) && !lowBp(r)),
    ];
    expect(model.ensemble.trees[0].cover).toEqual(expected);
    expect(model.ensemble.trees[0].feature.slice(0, 2)).toEqual([0, 1]);
    // The background reaches every node of every tree, so every row can be explained.
    for (const tree of model.ensemble.trees) expect(Math.min(...tree.cover)).toBeGreaterThan(0);
    // Covers are the only thing computed: splits and leaves are the file's.
    expect(model.ensemble.trees.map((t) => ({ ...t, cover: [] }))).toEqual(
      parsed.trees.map((t) => ({ ...t, cover: [] })),
    );
  });

  it('explains with local accuracy: baseValue + Σ contributions = predictMargin exactly and = logit of onnxruntime’s p', async () => {
    const p = await registry.predict(MODEL_ID, Float32Array.from(ROWS.flat()));
    ROWS.forEach((row, i) => {
      const { baseValue, contributions } = model.explainer.explain(row);
      const total = baseValue + contributions.reduce((s, c) => s + c, 0);
      expect(Math.abs(total - predictMargin(parsed, row))).toBeLessThan(1e-9);
      // onnxruntime sums and applies the sigmoid in float32.
      expect(Math.abs(total - logit(p[i]))).toBeLessThan(1e-6);
    });
  });

  it('has the mean background margin as base value (covers are row counts, so the empty coalition averages the background)', () => {
    const bg = backgroundRows();
    const mean = bg.reduce((s, r) => s + predictMargin(parsed, r), 0) / bg.length;
    expect(Math.abs(model.explainer.baseValue - mean)).toBeLessThan(1e-9);
  });
});

describe('start-up checks for models without covers', () => {
  it('refuses a card without a background, saying what is missing', async () => {
    const { dir } = writeForeignModel((w) => {
      delete w.card.onnx.background;
    });
    const load = loadModel(dir, MODEL_ID);
    await expect(load).rejects.toThrow(ModelCardMismatchError);
    await expect(load).rejects.toThrow(
      /carries no covers \(crc\.tree_covers\) and the card names no onnx\.background file/,
    );
  });

  it('refuses a background file that is not there, naming it', async () => {
    const { dir } = writeForeignModel((w) => {
      w.card.onnx.background = { ...w.card.onnx.background!, file: 'training-sample.csv' };
    });
    const load = loadModel(dir, MODEL_ID);
    await expect(load).rejects.toThrow(ModelArtifactError);
    await expect(load).rejects.toThrow(
      /foreign-gbc\/training-sample\.csv \(the card's onnx\.background, needed for covers\) cannot be read/,
    );
  });

  it('refuses a background whose sha256 is not the card’s', async () => {
    const { dir } = writeForeignModel((w) => {
      w.csv = w.csv.replace('\n30,', '\n31,');
    });
    await expect(loadModel(dir, MODEL_ID)).rejects.toThrow(
      /background\.csv has sha256 [0-9a-f]{64} but the card's onnx\.background names [0-9a-f]{64}/,
    );
  });

  it('refuses a background with another row count than the card’s', async () => {
    const { dir } = writeForeignModel((w) => {
      w.card.onnx.background!.rows = 50;
    });
    await expect(loadModel(dir, MODEL_ID)).rejects.toThrow(
      /background\.csv has 48 rows but the card's onnx\.background names 50/,
    );
  });

  it('refuses a background whose columns are not the card’s inputs, naming both', async () => {
    const { dir } = writeForeignModel((w) => {
      w.csv = w.csv.replace('systolic_bp', 'sbp');
      w.card.onnx.background!.sha256 = sha256(w.csv);
    });
    await expect(loadModel(dir, MODEL_ID)).rejects.toThrow(
      /has columns \[age, lactate, sbp\]; the card's input features are \[age, lactate, systolic_bp\]/,
    );
  });

  it('reads columns by name and refuses a cell that is not a number', async () => {
    const reordered = writeForeignModel((w) => {
      const rows = backgroundRows();
      w.csv = [
        'systolic_bp,age,lactate',
        ...rows.map((r) => [r[2], r[0], r[1]].map((v) => (Number.isNaN(v) ? '' : String(v))).join(',')),
      ].join('\n');
      w.card.onnx.background!.sha256 = sha256(w.csv);
    });
    const model = await loadModel(reordered.dir, MODEL_ID);
    const reference = await loadModel(writeForeignModel().dir, MODEL_ID);
    expect(model.ensemble).toEqual(reference.ensemble);
    await Promise.all([model.onnx.release(), reference.onnx.release()]);

    const { dir } = writeForeignModel((w) => {
      w.csv = w.csv.replace('\n30,', '\nNA,');
      w.card.onnx.background!.sha256 = sha256(w.csv);
    });
    await expect(loadModel(dir, MODEL_ID)).rejects.toThrow(
      /background\.csv data row 1, column age: "NA" is not a number \(leave the cell empty for missing\)/,
    );
  });

  it('refuses a card whose probabilityOutput names the ZipMap’s output rather than the tensor feeding it', async () => {
    const { dir } = writeForeignModel((w) => {
      w.card.onnx.probabilityOutput = 'output_probability';
    });
    await expect(loadModel(dir, MODEL_ID)).rejects.toThrow(
      /onnx\.probabilityOutput "output_probability" is not a graph output; outputs: output_label, probabilities/,
    );
  });
});

describe('every model explains, shipped or foreign', () => {
  it('a shipped model (covers in its file) and a foreign one load side by side, each with an explainer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixed-'));
    writeForeignModel(undefined, dir);
    mkdirSync(join(dir, 'diabetes'));
    for (const file of ['card.json', 'model.onnx'])
      writeFileSync(join(dir, 'diabetes', file), readFileSync(join('models', 'diabetes', file)));
    const registry = new ModelRegistry(dir);
    try {
      for (const model of await registry.list()) {
        const row = Float32Array.from(model.vectorNames, (_, j) => (j === 0 ? 50 : NaN));
        if (model.card.id === 'diabetes') row.set([2, 120, 70, NaN, NaN, 30, 0.5, 45]);
        const { baseValue, contributions } = model.explainer.explain(row);
        const total = baseValue + contributions.reduce((s, c) => s + c, 0);
        expect(Math.abs(total - predictMargin(model.ensemble, row))).toBeLessThan(1e-9);
        const [p] = await registry.predict(model.card.id, row);
        expect(Math.abs(total - logit(p))).toBeLessThan(1e-5);
      }
      expect((await registry.list()).map((m) => m.card.id)).toEqual(['diabetes', MODEL_ID]);
    } finally {
      await registry.close();
    }
  });
});
