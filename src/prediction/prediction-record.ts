/**
 * The audit record of one scored row: the inputs (or the course) as sent, the vector the model saw, the answer, its
 * explanation largest first, and who asked.
 */
import type { AuditCourse, NewAuditRecord } from '@/audit/audit-record';
import type { LoadedModel } from '@/inference/model-registry';
import type { PlacedCourse } from './course';
import type { PredictionRow, RequestOrigin } from './prediction-request';
import type { ScoredRow } from './scoring';

/** The course as sent (times as ISO-8601 UTC instants, values before unit rules), with admission and the moment. */
function courseAsSent(row: PredictionRow, placed: PlacedCourse): AuditCourse {
  return {
    admittedAt: placed.admittedAt.toISOString(),
    moment: placed.moment,
    observations: (row.observations ?? []).map((o) => ({ name: o.name, time: o.time.toISOString(), value: o.value })),
  };
}

/** `latencyMs` is left 0: the service knows it only once the whole batch is scored. */
export function predictionRecord(
  model: LoadedModel,
  row: PredictionRow,
  scored: ScoredRow,
  origin: RequestOrigin,
  course?: PlacedCourse,
): NewAuditRecord {
  const { card, vectorNames } = model;
  const { vector, contributions } = scored;
  const features = row.features ?? [];
  // Inputs are reported as sent (the vector holds their float32 images); derived features as computed. A course's
  // vector is all computed: every entry as the model saw it.
  const inputCount = course ? 0 : card.features.length;
  const sent = new Map(features.map((f) => [f.name, f.value]));
  return {
    modelId: card.id,
    modelVersion: card.version,
    onnxSha256: card.onnx.sha256,
    inputs: course ? [] : features.map(({ name, value }) => ({ name, value })),
    ...(course ? { course: courseAsSent(row, course) } : {}),
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
