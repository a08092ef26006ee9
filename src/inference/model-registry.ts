/**
 * Every shipped model loaded once per process (card, ONNX session, parsed ensemble, explainer), checked card against
 * graph before use.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { onnx as onnxProto } from 'onnx-proto';
import { ONNX_METADATA_KEYS, ONNX_ML_DOMAIN } from '@/explain/onnx-conventions';
import { readTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import type { TreeEnsemble } from '@/explain/tree-ensemble';
import { prepareExplainer, type TreeExplainer } from '@/explain/tree-shap';
import type { FeatureSet } from '@/features/feature-set';
import { featureSetOfCard, timelineOfCard } from '@/features/model-features';
import type { TimelineFunction } from '@/features/timeline-functions';
import type { ModelCard } from './model-card';
import { coveredEnsemble, vectorNamesOfCard } from './model-explainer';
import { readModelFiles } from './model-files';
import { withoutZipMap } from './onnx-graph';
import { OnnxModel } from './onnx-model';
import { CodedError } from '@/errors/coded-error';

/** ai.onnx.ml versions whose TreeEnsembleClassifier onnxruntime-node runs (version 5 deprecates it). */
const SUPPORTED_ML_OPSETS = [1, 2, 3, 4];

/** A model whose card and ONNX graph disagree, or whose graph onnxruntime or TreeSHAP cannot use: it is not served. */
export class ModelCardMismatchError extends CodedError {
  readonly code = 'MODEL_CARD_MISMATCH';
  constructor(
    readonly modelId: string,
    readonly problems: string[],
  ) {
    super(`model "${modelId}": its card and its ONNX graph disagree: ${problems.join('; ')}`);
  }
}

/** No shipped model has this id. The message is the one the API shows for a request's modelId. */
export class UnknownModelError extends CodedError {
  readonly code = 'UNKNOWN_MODEL';
  constructor(
    readonly modelId: string,
    known: string[],
  ) {
    super(`unknown model "${modelId}"; allowed: ${known.join(', ')}`);
  }
}

export interface LoadedModel {
  card: ModelCard;
  featureSet: FeatureSet;
  /** Names of the model's vector: the card's inputs, then its derived features. */
  vectorNames: string[];
  /** For a model that reads a stay's course: the pure function from observations to its vector. */
  timeline?: TimelineFunction;
  /**
   * The ensemble as the ONNX file holds it. Covers come from the file or, for a model exported
   * elsewhere without them, are counts of the card's background rows reaching each node.
   */
  ensemble: TreeEnsemble;
  /** TreeSHAP prepared once from `ensemble`: contributions in log-odds. */
  explainer: TreeExplainer;
  onnx: OnnxModel;
}

export class ModelRegistry {
  private loading: Promise<Map<string, LoadedModel>> | null = null;

  constructor(private readonly modelsDir: string) {}

  /** Loads every model on first call; later and concurrent calls share that one load. */
  load(): Promise<Map<string, LoadedModel>> {
    this.loading ??= loadAll(this.modelsDir);
    return this.loading;
  }

  async list(): Promise<LoadedModel[]> {
    return [...(await this.load()).values()];
  }

  async get(id: string): Promise<LoadedModel> {
    const models = await this.load();
    const model = models.get(id);
    if (!model) throw new UnknownModelError(id, [...models.keys()]);
    return model;
  }

  /** P(positive) for row-major vectors of the model, in one onnxruntime run. */
  async predict(id: string, vectors: Float32Array): Promise<Float32Array> {
    return (await this.get(id)).onnx.predict(vectors);
  }

  async close(): Promise<void> {
    if (!this.loading) return;
    const models = await this.loading.catch(() => new Map<string, LoadedModel>());
    await Promise.all([...models.values()].map((m) => m.onnx.release()));
    this.loading = null;
  }
}

async function loadAll(modelsDir: string): Promise<Map<string, LoadedModel>> {
  const entries = await readdir(modelsDir);
  const ids: string[] = [];
  for (const entry of entries.sort()) {
    if ((await stat(join(modelsDir, entry))).isDirectory()) ids.push(entry);
  }
  const models = new Map<string, LoadedModel>();
  for (const id of ids) models.set(id, await loadModel(modelsDir, id));
  return models;
}

export async function loadModel(modelsDir: string, id: string): Promise<LoadedModel> {
  const files = await readModelFiles(modelsDir, id);
  const { card } = files;
  // skl2onnx and onnxmltools end classifiers in a ZipMap, whose output onnxruntime-node cannot return.
  const { bytes: onnx } = withoutZipMap(files.onnx);
  const featureSet = featureSetOfCard(card);
  const timeline = timelineOfCard(card);
  const names = vectorNamesOfCard(card, featureSet);
  const parsed = readTreeEnsemble(onnx);
  const problems: string[] = [];
  if (parsed.operator !== 'TreeEnsembleClassifier' || parsed.postTransform !== 'LOGISTIC') {
    problems.push(
      `the graph holds a ${parsed.operator} with post_transform ${parsed.postTransform}, not a LOGISTIC classifier`,
    );
  }
  if (parsed.ensemble.featureCount !== names.length) {
    problems.push(`the graph takes ${parsed.ensemble.featureCount} features, the card lists ${names.length}`);
  }
  if (parsed.featureNames && parsed.featureNames.join(',') !== names.join(',')) {
    problems.push(`feature order differs: graph [${parsed.featureNames.join(', ')}], card [${names.join(', ')}]`);
  }
  const decoded = onnxProto.ModelProto.decode(onnx);
  const ml = decoded.opsetImport.find((o) => o.domain === ONNX_ML_DOMAIN);
  const mlVersion = ml ? Number(ml.version) : NaN;
  if (!SUPPORTED_ML_OPSETS.includes(mlVersion))
    problems.push(`ai.onnx.ml opset ${mlVersion} is not one of ${SUPPORTED_ML_OPSETS.join(', ')}`);
  // onnxruntime fetches graph outputs only.
  const outputs = (decoded.graph?.output ?? []).map((o) => o.name);
  if (!outputs.includes(card.onnx.probabilityOutput)) {
    problems.push(
      `onnx.probabilityOutput "${card.onnx.probabilityOutput}" is not a graph output; outputs: ${outputs.join(', ')}`,
    );
  }
  if (!parsed.hasCovers && !card.onnx.background) {
    problems.push(
      `the graph carries no covers (${ONNX_METADATA_KEYS.treeCovers}) and the card names no onnx.background file to compute them from; ` +
        'TreeSHAP needs one or the other',
    );
  }
  if (problems.length > 0) throw new ModelCardMismatchError(id, problems);

  // The same covered ensemble every explanation worker builds (model-explainer.ts), so all explain alike.
  const ensemble = await coveredEnsemble(modelsDir, card, parsed, featureSet, names.length);
  let explainer: TreeExplainer;
  try {
    explainer = prepareExplainer(ensemble);
  } catch (error) {
    throw new ModelCardMismatchError(id, [`TreeSHAP cannot use the covers: ${(error as Error).message}`]);
  }

  const model = await OnnxModel.load(onnx, {
    inputName: card.onnx.inputName,
    probabilityOutput: card.onnx.probabilityOutput,
    featureCount: names.length,
  }).catch((error: Error) => {
    throw new ModelCardMismatchError(id, [`onnxruntime refused the graph: ${error.message}`]);
  });
  // One all-missing row proves the input and output names and the [N, 2] probability shape.
  const probe = await model.predict(new Float32Array(names.length).fill(NaN)).catch((error: Error) => {
    throw new ModelCardMismatchError(id, [`a probe row failed: ${error.message}`]);
  });
  if (probe.length !== 1 || !(probe[0] >= 0 && probe[0] <= 1)) {
    throw new ModelCardMismatchError(id, [
      `the probability output is not one value in [0, 1] per row (got ${Array.from(probe)})`,
    ]);
  }
  return { card, featureSet, vectorNames: names, ...(timeline ? { timeline } : {}), ensemble, explainer, onnx: model };
}
