/**
 * The scoring core shared by the API, the dashboard and `npm run score`: validated rows → vectorize → run the ONNX
 * model → explain with TreeSHAP → band.
 */
// Validation comes first, against the card: validateInputs (input-validation.ts) per row, validateRows
// (prediction-request.ts) for the service.
import type { RiskBand } from '@/audit/risk-band';
import { vectorize } from '@/features/feature-set';
import type { ModelCard } from '@/inference/model-card';
import type { LoadedModel } from '@/inference/model-registry';
import type { ExplainPool } from './explain-pool';

/** One row as scored, handed to the caller's `each` (scoreVectors). */
export interface ScoredRow {
  /** The float32 vector the model saw (NaN = missing): a view into the batch's vectors. */
  vector: Float32Array;
  /** P(positive) as onnxruntime gave it (a float32 value). */
  probability: number;
  /** probability ≥ the card's decision threshold. */
  positive: boolean;
  riskBand: RiskBand;
  /** TreeSHAP's starting point, the model's expected output, in log-odds. */
  baseValue: number;
  /**
   * One log-odds contribution per vector feature, in the order of `model.vectorNames`. The buffer is
   * reused or a view into the batch's (one allocation per batch): copy what must outlive `each`.
   */
  contributions: Float64Array;
}

type VectorShape = Pick<LoadedModel, 'featureSet' | 'vectorNames'>;

/**
 * Vectorize one row: validated inputs by name (NaN = missing), derived features computed, written as row `row` of
 * row-major `vectors`.
 */
export function vectorizeInto(
  model: VectorShape,
  inputs: Readonly<Record<string, number>>,
  vectors: Float32Array,
  row: number,
): void {
  vectors.set(vectorize(model.featureSet, inputs), row * model.vectorNames.length);
}

/** Vectorize rows of validated inputs into one row-major float32 array, as onnxruntime takes them. */
export function vectorizeRows(model: VectorShape, rows: ReadonlyArray<Readonly<Record<string, number>>>): Float32Array {
  const vectors = new Float32Array(rows.length * model.vectorNames.length);
  rows.forEach((inputs, i) => vectorizeInto(model, inputs, vectors, i));
  return vectors;
}

/** Run the model: P(positive) for every row of `vectors`, in one onnxruntime run. */
export function runModel(model: Pick<LoadedModel, 'onnx'>, vectors: Float32Array): Promise<Float32Array> {
  return model.onnx.predict(vectors);
}

/** Explain one vector: its exact TreeSHAP contributions, in log-odds, written into `into` from `offset`. */
export function explainRow(
  model: Pick<LoadedModel, 'explainer'>,
  vector: Float32Array,
  into: Float64Array,
  offset = 0,
): void {
  model.explainer.explainInto(vector, into, offset);
}

/**
 * Band a probability: LOW below the card's `moderateFrom`, MODERATE below `highFrom`, HIGH from `highFrom` (the
 * decision threshold).
 */
export function riskBand(card: Pick<ModelCard, 'riskBands'>, probability: number): RiskBand {
  if (probability >= card.riskBands.highFrom) return 'HIGH';
  if (probability >= card.riskBands.moderateFrom) return 'MODERATE';
  return 'LOW';
}

/** How scoreVectors explains: `explainPool`, when given, takes batches it explains faster than the main thread. */
export interface ScoringOptions {
  explainPool?: ExplainPool | null;
}

/** Runs, explains and bands row-major vectors (rows in order); `each` turns a scored row into what the caller keeps. */
export async function scoreVectors<T>(
  model: LoadedModel,
  vectors: Float32Array,
  each: (scored: ScoredRow, i: number) => T,
  options: ScoringOptions = {},
): Promise<T[]> {
  const width = model.vectorNames.length;
  const rows = vectors.length / width;
  const pool = options.explainPool;
  // Whole rows only: a partial row is refused by runModel, as without a pool.
  if (pool && Number.isInteger(rows) && pool.worthIt(rows)) {
    // The workers explain while onnxruntime runs the batch.
    const [probabilities, explained] = await Promise.all([runModel(model, vectors), pool.explain(model, vectors)]);
    return Array.from(probabilities, (probability, i) =>
      each(scoredRow(model, vectors, i, probability, explained.subarray(i * width, (i + 1) * width)), i),
    );
  }
  const probabilities = await runModel(model, vectors);
  const contributions = new Float64Array(width);
  return Array.from(probabilities, (probability, i) => {
    const scored = scoredRow(model, vectors, i, probability, contributions);
    explainRow(model, scored.vector, contributions);
    return each(scored, i);
  });
}

/** Row `i` of `vectors` as scored, with its contributions (a reused buffer or a view into the batch's). */
function scoredRow(
  model: LoadedModel,
  vectors: Float32Array,
  i: number,
  probability: number,
  contributions: Float64Array,
): ScoredRow {
  const width = model.vectorNames.length;
  return {
    vector: vectors.subarray(i * width, (i + 1) * width),
    probability,
    positive: probability >= model.card.threshold.value,
    riskBand: riskBand(model.card, probability),
    baseValue: model.explainer.baseValue,
    contributions,
  };
}
