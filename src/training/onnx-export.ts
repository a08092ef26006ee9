/**
 * Writes a binary tree ensemble as a deterministic ONNX model (one ai.onnx.ml TreeEnsembleClassifier node, LOGISTIC).
 */
import { onnx } from 'onnx-proto';
import { CodedError } from '@/errors/coded-error';
import {
  ONNX_INPUT_NAME,
  ONNX_LABEL_OUTPUT,
  ONNX_METADATA_KEYS,
  ONNX_ML_DOMAIN,
  ONNX_PROBABILITY_OUTPUT,
} from '@/explain/onnx-conventions';
import type { Tree, TreeEnsemble } from '@/explain/tree-ensemble';
import { findTreeProblem } from '@/explain/tree-validation';

// Defined in src/explain (onnx-conventions.ts) so that serving code can use them without importing training.
export { ONNX_INPUT_NAME, ONNX_LABEL_OUTPUT, ONNX_PROBABILITY_OUTPUT };

/**
 * IR 8 with ai.onnx 17 and ai.onnx.ml 3 is the ONNX 1.12 set; onnxruntime-node 1.30 runs it (ai.onnx.ml 5 deprecates
 * the operator).
 */
const IR_VERSION = 8;
const ONNX_OPSET = 17;
const ONNX_ML_OPSET = 3;

export interface OnnxExportMeta {
  modelId: string;
  version: string;
  /** One name per feature column, in column order. */
  featureNames: string[];
  producer?: { name: string; version?: string };
  /** More metadata_props; keys may not start with "crc." (reserved for the exporter's own). */
  extra?: Record<string, string>;
}

/** The ensemble or its metadata cannot be written faithfully. */
export class OnnxExportError extends CodedError {
  readonly code = 'ONNX_EXPORT_INVALID';
}

const AttributeType = onnx.AttributeProto.AttributeType;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;
const utf8 = new TextEncoder();

/**
 * Encodes the ensemble so that onnxruntime's `probabilities` is [1 − p, p] with
 * p = sigmoid(baseScore + Σ leaf values) and `label` is 1 exactly when that margin is > 0.
 * Layout conventions (node ids, the label guard tree, covers) are documented in
 * src/explain/onnx-tree-ensemble.ts, whose reader inverts this function exactly for
 * ensembles in the trainer's canonical form (leaves: feature 0, threshold 0, missingGoesLeft false).
 * Same input, same bytes: nothing time- or environment-dependent is written.
 */
export function exportOnnx(ensemble: TreeEnsemble, meta: OnnxExportMeta): Uint8Array {
  validate(ensemble, meta);
  const trees = [...ensemble.trees];
  // onnxruntime's label uses `score > 0.5` when no class weight is negative (see the reader's notes).
  const needsGuard = !trees.some((tree) => tree.leafValue.some((v, i) => tree.left[i] === -1 && v < 0));
  if (needsGuard) trees.push(labelGuardTree());

  const nodes = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    modes: [] as string[],
    values: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTracksTrue: [] as number[],
  };
  const votes = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] };
  trees.forEach((tree, t) => {
    // Node id = index; listed in id order, so the root comes first, as onnxruntime requires.
    for (let i = 0; i < tree.feature.length; i++) {
      const leaf = tree.left[i] === -1;
      nodes.treeIds.push(t);
      nodes.nodeIds.push(i);
      nodes.featureIds.push(leaf ? 0 : tree.feature[i]);
      nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LT');
      nodes.values.push(leaf ? 0 : tree.threshold[i]);
      nodes.trueIds.push(leaf ? 0 : tree.left[i]);
      nodes.falseIds.push(leaf ? 0 : tree.right[i]);
      nodes.missingTracksTrue.push(!leaf && tree.missingGoesLeft[i] ? 1 : 0);
      if (leaf) {
        votes.treeIds.push(t);
        votes.nodeIds.push(i);
        votes.weights.push(tree.leafValue[i]);
      }
    }
  });

  const attribute: onnx.IAttributeProto[] = [
    ints(
      'class_ids',
      votes.treeIds.map(() => 0),
    ),
    ints('class_nodeids', votes.nodeIds),
    ints('class_treeids', votes.treeIds),
    // FLOATS attributes are float32 on the wire, so validated float32 values pass unchanged.
    floats('class_weights', votes.weights),
    ints('classlabels_int64s', [0, 1]),
    floats('base_values', [ensemble.baseScore]),
    ints('nodes_falsenodeids', nodes.falseIds),
    ints('nodes_featureids', nodes.featureIds),
    ints('nodes_missing_value_tracks_true', nodes.missingTracksTrue),
    strings('nodes_modes', nodes.modes),
    ints('nodes_nodeids', nodes.nodeIds),
    ints('nodes_treeids', nodes.treeIds),
    ints('nodes_truenodeids', nodes.trueIds),
    floats('nodes_values', nodes.values),
    { name: 'post_transform', type: AttributeType.STRING, s: utf8.encode('LOGISTIC') },
  ];

  const rows = { dimParam: 'N' };
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      { domain: ONNX_ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    producerName: meta.producer?.name ?? 'clinical-risk-console',
    ...(meta.producer?.version ? { producerVersion: meta.producer.version } : {}),
    docString:
      'Binary gradient-boosted trees. probabilities = [1 - p, p], p = sigmoid(margin); leaf values and base_values are log-odds.',
    graph: {
      name: meta.modelId,
      node: [
        {
          name: 'tree_ensemble',
          opType: 'TreeEnsembleClassifier',
          domain: ONNX_ML_DOMAIN,
          input: [ONNX_INPUT_NAME],
          output: [ONNX_LABEL_OUTPUT, ONNX_PROBABILITY_OUTPUT],
          attribute,
        },
      ],
      input: [tensorInfo(ONNX_INPUT_NAME, FLOAT, [rows, { dimValue: ensemble.featureCount }])],
      output: [
        tensorInfo(ONNX_LABEL_OUTPUT, INT64, [rows]),
        tensorInfo(ONNX_PROBABILITY_OUTPUT, FLOAT, [rows, { dimValue: 2 }]),
      ],
    },
    metadataProps: metadataProps(ensemble, meta, needsGuard ? trees.length - 1 : undefined),
  });
  return onnx.ModelProto.encode(model).finish();
}

function validate(ensemble: TreeEnsemble, meta: OnnxExportMeta): void {
  const { featureCount, baseScore, trees } = ensemble;
  if (!Number.isInteger(featureCount) || featureCount < 1)
    throw new OnnxExportError(`featureCount must be a positive integer, found ${featureCount}`);
  if (meta.featureNames.length !== featureCount) {
    throw new OnnxExportError(`${meta.featureNames.length} feature names for ${featureCount} features`);
  }
  if (!isFloat32(baseScore) || !Number.isFinite(baseScore))
    throw new OnnxExportError(`baseScore ${baseScore} is not a finite float32 value`);
  trees.forEach((tree, t) => {
    const problem = findTreeProblem(tree, featureCount);
    if (problem) throw new OnnxExportError(`tree ${t} ${problem}`);
    for (let i = 0; i < tree.left.length; i++) {
      const leaf = tree.left[i] === -1;
      // Rounding here would silently move split points or margins away from what was trained and explained.
      if (!leaf && !isFloat32(tree.threshold[i]))
        throw new OnnxExportError(`tree ${t} node ${i} threshold ${tree.threshold[i]} is not a float32 value`);
      if (leaf && (!isFloat32(tree.leafValue[i]) || !Number.isFinite(tree.leafValue[i]))) {
        throw new OnnxExportError(`tree ${t} node ${i} leaf value ${tree.leafValue[i]} is not a finite float32 value`);
      }
      if (tree.cover[i] === Infinity || tree.cover[i] === -Infinity)
        throw new OnnxExportError(`tree ${t} node ${i} has an infinite cover`);
    }
  });
  for (const key of Object.keys(meta.extra ?? {})) {
    if (key.startsWith('crc.'))
      throw new OnnxExportError(`extra metadata key "${key}" uses the reserved "crc." prefix`);
  }
}

const isFloat32 = (v: number) => Object.is(Math.fround(v), v);

/** Adds +0 to every row; its only negative weight sits on a leaf no input reaches (x < −∞ is false, NaN goes right). */
function labelGuardTree(): Tree {
  return {
    feature: [0, 0, 0],
    threshold: [-Infinity, 0, 0],
    left: [1, -1, -1],
    right: [2, -1, -1],
    missingGoesLeft: [false, false, false],
    leafValue: [0, -1, 0],
    cover: [NaN, NaN, NaN],
  };
}

function metadataProps(
  ensemble: TreeEnsemble,
  meta: OnnxExportMeta,
  guardTreeId: number | undefined,
): onnx.IStringStringEntryProto[] {
  const entries: [string, string][] = [
    [ONNX_METADATA_KEYS.modelId, meta.modelId],
    [ONNX_METADATA_KEYS.version, meta.version],
    [ONNX_METADATA_KEYS.featureNames, JSON.stringify(meta.featureNames)],
    [ONNX_METADATA_KEYS.baseScore, String(ensemble.baseScore)],
    // JSON has no NaN: an unknown cover is written as null.
    [
      ONNX_METADATA_KEYS.treeCovers,
      JSON.stringify(ensemble.trees.map((tree) => tree.cover.map((c) => (Number.isNaN(c) ? null : c)))),
    ],
  ];
  if (guardTreeId !== undefined) entries.push([ONNX_METADATA_KEYS.labelGuardTree, String(guardTreeId)]);
  // Sorted so that the bytes do not depend on the order the caller built `extra` in.
  const extra = Object.entries(meta.extra ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...entries, ...extra].map(([key, value]) => ({ key, value }));
}

function ints(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: AttributeType.INTS, ints: values };
}

function floats(name: string, values: number[]): onnx.IAttributeProto {
  return { name, type: AttributeType.FLOATS, floats: values };
}

function strings(name: string, values: string[]): onnx.IAttributeProto {
  return { name, type: AttributeType.STRINGS, strings: values.map((v) => utf8.encode(v)) };
}

function tensorInfo(name: string, elemType: number, dim: onnx.TensorShapeProto.IDimension[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
