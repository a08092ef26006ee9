/**
 * The audit record of one scored row: the inputs as sent, the vector the model saw, the answer, its explanation largest
 * first, and who asked.
 */
import type { NewAuditRecord } from '@/audit/audit-record';
import type { LoadedModel } from '@/inference/model-registry';
import type { PredictionRow, RequestOrigin } from './prediction-request';
import type { ScoredRow } from './scoring';

/** `latencyMs` is left 0: the service knows it only once the whole batch is scored. */
export function predictionRecord(
  model: LoadedModel,
  row: PredictionRow,
  scored: ScoredRow,
  origin: RequestOrigin,
): NewAuditRecord {
  const { card, vectorNames } = model;
  const { vector, contributions } = scored;
  const inputCount = card.features.length;
  // Inputs are reported as sent (the vector holds their float32 images); derived features as computed.
  const sent = new Map(row.features.map((f) => [f.name, f.value]));
  return {
    modelId: card.id,
    modelVersion: card.version,
    onnxSha256: card.onnx.sha256,
    inputs: row.features.map(({ name, value }) => ({ name, value })),
    vector: Array.from(vector, (v) => (Number.isNaN(v) ? null : v)),
    probability: scored.probability,
    positive: scored.positive,
    riskBand: scored.riskBand,
    baseValue: scored.baseValue,
    contributions: vectorNames
      .map((name, j) => ({
        name,
        value: j < inputCount ? (sent.get(name) ?? null) : Number.isNaN(vector[j]) ? null : vector[j],
        contribution: contributions[j],
      }))
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.name.localeCompare(b.name)),
    patientRef: row.patientRef ?? null,
    requestId: origin.requestId,
    requester: origin.requester,
    latencyMs: 0,
  };
}
