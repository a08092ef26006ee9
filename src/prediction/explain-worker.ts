/**
 * An explanation worker thread (run by piscina for explain-pool.ts): explains chunks of row-major vectors with
 * explainers it prepares itself from the model files, one per model id and ONNX sha256.
 */
import { move, workerData } from 'piscina';
import { CodedError } from '@/errors/coded-error';
import type { TreeExplainer } from '@/explain/tree-shap';
import { loadModelExplainer } from '@/inference/model-explainer';
import { explainRow } from './scoring';

/** A model version: the registry's model id and the sha256 of the ONNX file its card names. */
export interface ModelVersion {
  id: string;
  sha256: string;
}

/** What every worker is started with (piscina's `workerData`). */
export interface ExplainWorkerData {
  modelsDir: string;
  /** Versions each worker prepares as it starts, so a batch does not wait for a worker to read its model. */
  preload: ModelVersion[];
}

/** One chunk: whole rows of the model's vector, row-major, NaN = missing. */
export interface ExplainTask {
  model: ModelVersion;
  vectors: Float32Array;
}

/**
 * The files in the models directory are not the version the main thread serves (replaced since it loaded them): this
 * worker will not explain with another version. The pool explains such rows on the main thread.
 */
export class ExplainerVersionError extends CodedError {
  readonly code = 'EXPLAINER_VERSION_MISMATCH';
  constructor(
    readonly model: ModelVersion,
    found: string,
  ) {
    super(`model "${model.id}": the worker found ONNX sha256 ${found} on disk, the served version is ${model.sha256}`);
  }
}

const { modelsDir, preload } = workerData as ExplainWorkerData;
const explainers = new Map<string, Promise<TreeExplainer>>();

function explainerOf(model: ModelVersion): Promise<TreeExplainer> {
  const key = `${model.id}@${model.sha256}`;
  let explainer = explainers.get(key);
  if (!explainer) {
    explainer = loadModelExplainer(modelsDir, model.id).then(({ card, explainer }) => {
      if (card.onnx.sha256 !== model.sha256) throw new ExplainerVersionError(model, card.onnx.sha256);
      return explainer;
    });
    // A failed load is not kept: the next chunk of that version tries the files again.
    explainer.catch(() => explainers.delete(key));
    explainers.set(key, explainer);
  }
  return explainer;
}

for (const model of preload) explainerOf(model).catch(() => undefined);

/** The chunk's contributions, row-major, in log-odds; the buffer moves to the main thread rather than being copied. */
export default async function explainChunk({ model, vectors }: ExplainTask): Promise<Float64Array> {
  const explainer = await explainerOf(model);
  const width = explainer.featureCount;
  const rows = vectors.length / width;
  const contributions = new Float64Array(vectors.length);
  // Row by row through the scoring core's own explainRow, as the main thread does: the same arithmetic, bit for bit.
  for (let i = 0; i < rows; i++) {
    explainRow({ explainer }, vectors.subarray(i * width, (i + 1) * width), contributions, i * width);
  }
  return move(contributions) as Float64Array;
}
