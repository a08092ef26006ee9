/**
 * Reads a binary tree ensemble back from ONNX (ai.onnx.ml TreeEnsembleClassifier/Regressor), following the conventions
 * in onnx-conventions.ts.
 */
import { onnx } from 'onnx-proto';
import { Attributes, toNumber } from './onnx-attributes';
import { nextFloat32Up, ONNX_METADATA_KEYS, ONNX_ML_DOMAIN } from './onnx-conventions';
import type { Tree, TreeEnsemble } from './tree-ensemble';
import { InvalidTreeEnsembleError, UnsupportedTreeEnsembleError } from './tree-ensemble-errors';
import { findTreeProblem } from './tree-validation';

export type TreeEnsembleOperator = 'TreeEnsembleClassifier' | 'TreeEnsembleRegressor';

export interface OnnxTreeEnsemble {
  ensemble: TreeEnsemble;
  /** From `crc.feature_names` when present. */
  featureNames?: string[];
  /** Every metadata_props entry. */
  metadata: Record<string, string>;
  /** False when the model has no `crc.tree_covers`: every cover is then NaN and TreeSHAP cannot run. */
  hasCovers: boolean;
  operator: TreeEnsembleOperator;
  /** LOGISTIC: p = sigmoid(margin). NONE (regressors only): the output is the margin itself. */
  postTransform: 'LOGISTIC' | 'NONE';
}

/** Parses an ONNX model holding one TreeEnsembleClassifier or TreeEnsembleRegressor node. */
export function readTreeEnsemble(bytes: Uint8Array): OnnxTreeEnsemble {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new InvalidTreeEnsembleError(`not an ONNX model: ${(error as Error).message}`);
  }
  const metadata: Record<string, string> = {};
  for (const entry of model.metadataProps) metadata[entry.key ?? ''] = entry.value ?? '';

  const node = findEnsembleNode(model);
  const operator = node.opType as TreeEnsembleOperator;
  const attributes = new Attributes(node);
  const nodes = readNodes(attributes);
  const head = operator === 'TreeEnsembleClassifier' ? readClassifierHead(attributes) : readRegressorHead(attributes);

  const treeIds = [...new Set(nodes.map((n) => n.treeId))].sort((a, b) => a - b);
  const guardTreeId = parseGuardTreeId(metadata[ONNX_METADATA_KEYS.labelGuardTree], treeIds);
  const votes = groupVotes(head.votes);
  const flat = treeIds.map((treeId) =>
    flattenTree(
      treeId,
      nodes.filter((n) => n.treeId === treeId),
      votes,
    ),
  );
  for (const key of votes.keys())
    throw new InvalidTreeEnsembleError(`a leaf weight names node ${key}, which does not exist`);

  let trees = flat.map((f) => f.tree);
  let nodeIdOrders = flat.map((f) => f.indexOfSortedId);
  if (guardTreeId !== undefined) {
    const position = treeIds.indexOf(guardTreeId);
    if (!isLabelGuard(trees[position])) {
      throw new InvalidTreeEnsembleError(`tree ${guardTreeId} is named as label guard but can change the margin`);
    }
    trees = trees.filter((_, i) => i !== position);
    nodeIdOrders = nodeIdOrders.filter((_, i) => i !== position);
  }

  const featureNames = parseFeatureNames(metadata[ONNX_METADATA_KEYS.featureNames]);
  const featureCount = resolveFeatureCount(model, node, trees, featureNames);
  trees.forEach((tree, t) => {
    const problem = findTreeProblem(tree, featureCount);
    if (problem) throw new InvalidTreeEnsembleError(`tree ${t} ${problem}`);
  });
  const hasCovers = applyCovers(metadata[ONNX_METADATA_KEYS.treeCovers], trees, nodeIdOrders);

  const declaredBase = metadata[ONNX_METADATA_KEYS.baseScore];
  if (declaredBase !== undefined && Number(declaredBase) !== head.baseScore) {
    throw new InvalidTreeEnsembleError(
      `base_values ${head.baseScore} disagrees with ${ONNX_METADATA_KEYS.baseScore} ${declaredBase}`,
    );
  }

  return {
    ensemble: { featureCount, baseScore: head.baseScore, trees },
    ...(featureNames ? { featureNames } : {}),
    metadata,
    hasCovers,
    operator,
    postTransform: head.postTransform,
  };
}
// ---------------------------------------------------------------------------------------------

function findEnsembleNode(model: onnx.ModelProto): onnx.INodeProto {
  const nodes = model.graph?.node ?? [];
  const ensembles = nodes.filter((n) => n.opType === 'TreeEnsembleClassifier' || n.opType === 'TreeEnsembleRegressor');
  if (ensembles.length !== 1) {
    const ops = nodes.map((n) => n.opType).join(', ') || 'none';
    if (ensembles.length === 0 && nodes.some((n) => n.opType === 'TreeEnsemble')) {
      throw new UnsupportedTreeEnsembleError(
        'UNSUPPORTED_OPERATOR',
        'ai.onnx.ml TreeEnsemble (opset 5) is not supported; allowed: TreeEnsembleClassifier, TreeEnsembleRegressor',
      );
    }
    throw new InvalidTreeEnsembleError(
      `expected exactly one TreeEnsembleClassifier or TreeEnsembleRegressor node, found ${ensembles.length} (graph nodes: ${ops})`,
    );
  }
  const node = ensembles[0];
  if (node.domain !== ONNX_ML_DOMAIN)
    throw new InvalidTreeEnsembleError(`${node.opType} must be in domain ${ONNX_ML_DOMAIN}, found "${node.domain}"`);
  return node;
}

interface OnnxNode {
  treeId: number;
  nodeId: number;
  featureId: number;
  mode: string;
  value: number;
  trueId: number;
  falseId: number;
  missingTracksTrue: boolean;
}

function readNodes(attributes: Attributes): OnnxNode[] {
  const treeIds = attributes.require(attributes.ints('nodes_treeids'), 'nodes_treeids');
  const columns = {
    nodes_nodeids: attributes.require(attributes.ints('nodes_nodeids'), 'nodes_nodeids'),
    nodes_featureids: attributes.require(attributes.ints('nodes_featureids'), 'nodes_featureids'),
    nodes_modes: attributes.require(attributes.strings('nodes_modes'), 'nodes_modes'),
    nodes_values: attributes.require(attributes.reals('nodes_values'), 'nodes_values'),
    nodes_truenodeids: attributes.require(attributes.ints('nodes_truenodeids'), 'nodes_truenodeids'),
    nodes_falsenodeids: attributes.require(attributes.ints('nodes_falsenodeids'), 'nodes_falsenodeids'),
    // Absent means "missing values never track true" (ONNX default).
    nodes_missing_value_tracks_true: attributes.ints('nodes_missing_value_tracks_true') ?? treeIds.map(() => 0),
  };
  for (const [name, column] of Object.entries(columns)) {
    if (column.length !== treeIds.length) {
      throw new InvalidTreeEnsembleError(`${name} has ${column.length} entries, nodes_treeids has ${treeIds.length}`);
    }
  }
  return treeIds.map((treeId, i) => ({
    treeId,
    nodeId: columns.nodes_nodeids[i],
    featureId: columns.nodes_featureids[i],
    mode: columns.nodes_modes[i],
    value: columns.nodes_values[i],
    trueId: columns.nodes_truenodeids[i],
    falseId: columns.nodes_falsenodeids[i],
    missingTracksTrue: columns.nodes_missing_value_tracks_true[i] !== 0,
  }));
}

interface Vote {
  treeId: number;
  nodeId: number;
  weight: number;
}

interface Head {
  votes: Vote[];
  baseScore: number;
  postTransform: 'LOGISTIC' | 'NONE';
}

function readVotes(attributes: Attributes, prefix: 'class' | 'target'): { votes: Vote[]; ids: number[] } {
  const treeIds = attributes.require(attributes.ints(`${prefix}_treeids`), `${prefix}_treeids`);
  const nodeIds = attributes.require(attributes.ints(`${prefix}_nodeids`), `${prefix}_nodeids`);
  const ids = attributes.require(attributes.ints(`${prefix}_ids`), `${prefix}_ids`);
  const weights = attributes.require(attributes.reals(`${prefix}_weights`), `${prefix}_weights`);
  if (nodeIds.length !== treeIds.length || ids.length !== treeIds.length || weights.length !== treeIds.length) {
    throw new InvalidTreeEnsembleError(
      `${prefix}_treeids, ${prefix}_nodeids, ${prefix}_ids and ${prefix}_weights differ in length`,
    );
  }
  return { votes: treeIds.map((treeId, i) => ({ treeId, nodeId: nodeIds[i], weight: weights[i] })), ids };
}

function readPostTransform(
  attributes: Attributes,
  allowed: ReadonlyArray<'LOGISTIC' | 'NONE'>,
  op: string,
): 'LOGISTIC' | 'NONE' {
  const value = attributes.string('post_transform') ?? 'NONE';
  const found = allowed.find((a) => a === value);
  if (!found) {
    throw new UnsupportedTreeEnsembleError(
      'UNSUPPORTED_POST_TRANSFORM',
      `${op} post_transform ${value} is not supported; allowed: ${allowed.join(', ')}`,
    );
  }
  return found;
}

function readClassifierHead(attributes: Attributes): Head {
  const labels = attributes.ints('classlabels_int64s') ?? attributes.strings('classlabels_strings');
  if (!labels || labels.length !== 2) {
    throw new UnsupportedTreeEnsembleError(
      'UNSUPPORTED_TARGETS',
      `only binary classifiers are supported (2 class labels), found ${labels?.length ?? 0}`,
    );
  }
  const postTransform = readPostTransform(attributes, ['LOGISTIC'], 'TreeEnsembleClassifier');
  const { votes, ids } = readVotes(attributes, 'class');
  // skl2onnx's binary convention: the positive class's margin sits under class id 0, alone.
  if (ids.some((id) => id !== 0)) {
    throw new UnsupportedTreeEnsembleError(
      'UNSUPPORTED_CLASS_WEIGHTS',
      'binary classifier with leaf weights for class id 1 is not supported; allowed: only class id 0 carrying the positive class margin (skl2onnx convention)',
    );
  }
  const base = attributes.reals('base_values') ?? [];
  if (base.length > 1) {
    throw new UnsupportedTreeEnsembleError(
      'UNSUPPORTED_BASE_VALUES',
      `binary classifier with ${base.length} base_values is not supported; allowed: 0 or 1`,
    );
  }
  return { votes, baseScore: base[0] ?? 0, postTransform };
}

function readRegressorHead(attributes: Attributes): Head {
  const targets = attributes.int('n_targets') ?? 1;
  if (targets !== 1)
    throw new UnsupportedTreeEnsembleError(
      'UNSUPPORTED_TARGETS',
      `regressor with n_targets ${targets} is not supported; allowed: 1`,
    );
  const aggregate = attributes.string('aggregate_function') ?? 'SUM';
  if (aggregate !== 'SUM') {
    throw new UnsupportedTreeEnsembleError(
      'UNSUPPORTED_AGGREGATE_FUNCTION',
      `aggregate_function ${aggregate} is not supported; allowed: SUM`,
    );
  }
  const postTransform = readPostTransform(attributes, ['NONE', 'LOGISTIC'], 'TreeEnsembleRegressor');
  const { votes, ids } = readVotes(attributes, 'target');
  if (ids.some((id) => id !== 0))
    throw new InvalidTreeEnsembleError('a single-target regressor has a target id other than 0');
  const base = attributes.reals('base_values') ?? [];
  if (base.length > 1)
    throw new UnsupportedTreeEnsembleError(
      'UNSUPPORTED_BASE_VALUES',
      `regressor with ${base.length} base_values; allowed: 0 or 1`,
    );
  return { votes, baseScore: base[0] ?? 0, postTransform };
}

const voteKey = (treeId: number, nodeId: number) => `${treeId}/${nodeId}`;

function groupVotes(votes: Vote[]): Map<string, number[]> {
  const grouped = new Map<string, number[]>();
  for (const v of votes) {
    const key = voteKey(v.treeId, v.nodeId);
    const list = grouped.get(key);
    if (list) list.push(v.weight);
    else grouped.set(key, [v.weight]);
  }
  return grouped;
}

interface FlatTree {
  tree: Tree;
  /** Tree index of the k-th smallest node id (the order `crc.tree_covers` uses). */
  indexOfSortedId: number[];
}

/**
 * Lays out one ONNX tree as flat arrays: root at index 0, then the other nodes in ascending node id
 * (the identity for the exporter's output). Consumes the tree's votes from `votes`.
 */
function flattenTree(treeId: number, nodes: OnnxNode[], votes: Map<string, number[]>): FlatTree {
  const byId = new Map<number, OnnxNode>();
  for (const n of nodes) {
    if (byId.has(n.nodeId)) throw new InvalidTreeEnsembleError(`tree ${treeId} lists node ${n.nodeId} twice`);
    byId.set(n.nodeId, n);
  }
  const children = new Set<number>();
  for (const n of nodes) {
    if (n.mode === 'LEAF') continue;
    for (const child of [n.trueId, n.falseId]) {
      if (!byId.has(child))
        throw new InvalidTreeEnsembleError(`tree ${treeId} node ${n.nodeId} points to missing node ${child}`);
      children.add(child);
    }
  }
  const roots = nodes.filter((n) => !children.has(n.nodeId));
  if (roots.length !== 1) {
    throw new InvalidTreeEnsembleError(`tree ${treeId} has ${roots.length} nodes without a parent, expected one root`);
  }
  const sortedIds = [...byId.keys()].sort((a, b) => a - b);
  const order = [roots[0].nodeId, ...sortedIds.filter((id) => id !== roots[0].nodeId)];
  const indexOf = new Map(order.map((id, i) => [id, i]));

  const tree: Tree = { feature: [], threshold: [], left: [], right: [], missingGoesLeft: [], leafValue: [], cover: [] };
  for (const id of order) {
    const n = byId.get(id)!;
    const weights = votes.get(voteKey(treeId, id));
    votes.delete(voteKey(treeId, id));
    tree.cover.push(NaN);
    if (n.mode === 'LEAF') {
      // Sum several votes in float32, in listing order, as onnxruntime accumulates them.
      let value = 0;
      for (const w of weights ?? []) value = Math.fround(value + w);
      tree.feature.push(0);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.missingGoesLeft.push(false);
      tree.leafValue.push(weights?.length === 1 ? weights[0] : value);
      continue;
    }
    if (weights) throw new InvalidTreeEnsembleError(`tree ${treeId} node ${id} is a branch but carries a leaf weight`);
    const split = toLessThan(n, treeId);
    tree.feature.push(n.featureId);
    tree.threshold.push(split.threshold);
    tree.left.push(indexOf.get(split.leftId)!);
    tree.right.push(indexOf.get(split.rightId)!);
    tree.missingGoesLeft.push(split.missingGoesLeft);
    tree.leafValue.push(0);
  }
  return { tree, indexOfSortedId: sortedIds.map((id) => indexOf.get(id)!) };
}

/**
 * Rewrites an ONNX split as TreeEnsemble's `x < threshold` (left) rule, exactly for float32 inputs.
 * NaN fails every comparison, so onnxruntime sends it to the true child iff missing tracks true.
 */
function toLessThan(
  n: OnnxNode,
  treeId: number,
): { threshold: number; leftId: number; rightId: number; missingGoesLeft: boolean } {
  const where = `tree ${treeId} node ${n.nodeId}`;
  if (Number.isNaN(n.value))
    throw new UnsupportedTreeEnsembleError('UNSUPPORTED_THRESHOLD', `${where} has a NaN threshold`);
  const trueLeft = { leftId: n.trueId, rightId: n.falseId, missingGoesLeft: n.missingTracksTrue };
  const trueRight = { leftId: n.falseId, rightId: n.trueId, missingGoesLeft: !n.missingTracksTrue };
  switch (n.mode) {
    case 'BRANCH_LT':
      return { threshold: n.value, ...trueLeft };
    case 'BRANCH_GTE': // x >= t  ⇔  not (x < t)
      return { threshold: n.value, ...trueRight };
    case 'BRANCH_LEQ': // x <= t  ⇔  x < next float32 above t
    case 'BRANCH_GT': {
      // x > t  ⇔  not (x <= t)
      if (n.value === Infinity || Math.fround(n.value) !== n.value) {
        throw new UnsupportedTreeEnsembleError(
          'UNSUPPORTED_THRESHOLD',
          `${where}: ${n.mode} with threshold ${n.value} has no exact BRANCH_LT form; allowed: finite float32 thresholds`,
        );
      }
      const threshold = nextFloat32Up(n.value);
      return n.mode === 'BRANCH_LEQ' ? { threshold, ...trueLeft } : { threshold, ...trueRight };
    }
    default:
      throw new UnsupportedTreeEnsembleError(
        'UNSUPPORTED_NODE_MODE',
        `${where} has mode ${n.mode}; supported: BRANCH_LT, BRANCH_LEQ, BRANCH_GT, BRANCH_GTE, LEAF`,
      );
  }
}

function parseGuardTreeId(value: string | undefined, treeIds: number[]): number | undefined {
  if (value === undefined) return undefined;
  const id = Number(value);
  if (!treeIds.includes(id))
    throw new InvalidTreeEnsembleError(
      `${ONNX_METADATA_KEYS.labelGuardTree} names tree "${value}", which does not exist`,
    );
  return id;
}

/** The guard adds exactly +0 to every row: its root's left (x < −∞) is unreachable and NaN goes right. */
function isLabelGuard(tree: Tree): boolean {
  const right = tree.right[0];
  return (
    tree.left[0] !== -1 &&
    tree.threshold[0] === -Infinity &&
    !tree.missingGoesLeft[0] &&
    tree.left[right] === -1 &&
    tree.leafValue[right] === 0
  );
}

function parseJson(value: string, key: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidTreeEnsembleError(`metadata ${key} is not valid JSON`);
  }
}

function parseFeatureNames(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = parseJson(value, ONNX_METADATA_KEYS.featureNames);
  if (!Array.isArray(names) || !names.every((n): n is string => typeof n === 'string')) {
    throw new InvalidTreeEnsembleError(`metadata ${ONNX_METADATA_KEYS.featureNames} must be a JSON array of strings`);
  }
  return names;
}

/** Feature names win, then the input's fixed second dimension, then the largest feature id used. */
function resolveFeatureCount(
  model: onnx.ModelProto,
  node: onnx.INodeProto,
  trees: Tree[],
  names: string[] | undefined,
): number {
  const input = model.graph?.input?.find((i) => i.name === node.input?.[0]);
  const dim = input?.type?.tensorType?.shape?.dim?.[1];
  const declared =
    dim && onnx.TensorShapeProto.Dimension.create(dim).value === 'dimValue' ? toNumber(dim.dimValue!) : undefined;
  if (names && declared !== undefined && names.length !== declared) {
    throw new InvalidTreeEnsembleError(`${names.length} feature names but the input has ${declared} columns`);
  }
  let used = 0;
  for (const tree of trees) tree.left.forEach((l, i) => l !== -1 && (used = Math.max(used, tree.feature[i] + 1)));
  return names?.length ?? declared ?? used;
}

function applyCovers(value: string | undefined, trees: Tree[], nodeIdOrders: number[][]): boolean {
  if (value === undefined) return false;
  const covers = parseJson(value, ONNX_METADATA_KEYS.treeCovers);
  const wellFormed =
    Array.isArray(covers) &&
    covers.length === trees.length &&
    covers.every(
      (c, t) =>
        Array.isArray(c) && c.length === trees[t].cover.length && c.every((v) => v === null || typeof v === 'number'),
    );
  if (!wellFormed) {
    throw new InvalidTreeEnsembleError(
      `metadata ${ONNX_METADATA_KEYS.treeCovers} must hold one array of covers per tree, one number per node`,
    );
  }
  (covers as (number | null)[][]).forEach((list, t) =>
    list.forEach((cover, k) => {
      // JSON has no NaN: the exporter writes an unknown cover as null.
      trees[t].cover[nodeIdOrders[t][k]] = cover ?? NaN;
    }),
  );
  return true;
}
