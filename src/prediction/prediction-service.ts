/** The prediction service: validate against the model card, vectorize, predict with ONNX, explain with TreeSHAP, keep an audit record. */
import { performance } from 'node:perf_hooks';
import type { AuditLog } from '../audit/audit-log';
import type { AuditRecord, NewAuditRecord } from '@/audit/audit-record';
import { vectorize } from '../features/feature-set';
import { riskBand } from '../inference/model-card';
import type { LoadedModel, ModelRegistry } from '../inference/model-registry';
import { textProblem } from '../errors/input-text';
import { validateInputs } from './input-validation';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';

/** Most rows one predictBatch may hold; a larger batch is refused whole. */
export const MAX_BATCH_ROWS = 1000;
/** Longest patientRef accepted: an identifier, not free text. */
export const MAX_PATIENT_REF_LENGTH = 128;

export interface FeatureValue {
  name: string;
  /** null = missing. */
  value: number | null;
}

export interface PredictionRow {
  features: FeatureValue[];
  patientRef?: string | null;
}

/** Where a prediction request came from, kept on its audit record. */
export interface RequestOrigin {
  /** The request's id (the caller's x-request-id, or one made for it). */
  requestId: string;
  /** The id of the API key that asked (directly or through a dashboard session). */
  requester: string;
}

export class PredictionService {
  /** `onStored` hears of every record once it is stored (metrics); it must not throw. */
  constructor(
    private readonly registry: ModelRegistry,
    private readonly audit: AuditLog,
    private readonly onStored: (records: AuditRecord[]) => void = () => undefined,
  ) {}

  /** One prediction, stored before it is returned; nothing is stored when the input is invalid. */
  async predict(modelId: string, row: PredictionRow, origin: RequestOrigin): Promise<AuditRecord> {
    const [record] = await this.predictBatch(modelId, [row], origin, { single: true });
    return record;
  }

  /** Every row or none: all are validated before any is scored, and all are stored in one transaction. */
  async predictBatch(modelId: string, rows: PredictionRow[], origin: RequestOrigin, options: { single?: boolean } = {}): Promise<AuditRecord[]> {
    const started = performance.now();
    const model = await this.model(modelId);
    if (rows.length === 0 || rows.length > MAX_BATCH_ROWS) {
      throw new InvalidInputError([{ name: 'rows', message: `a batch holds 1 to ${MAX_BATCH_ROWS} rows; got ${rows.length}` }]);
    }
    const width = model.vectorNames.length;
    const vectors = new Float32Array(rows.length * width);
    const errors: FieldError[] = [];
    rows.forEach((row, i) => {
      const prefix = options.single ? '' : `rows[${i}].`;
      const checked = validateInputs(model.card.features, row.features);
      for (const e of checked.errors) errors.push({ name: `${prefix}${e.name}`, message: e.message });
      const ref = row.patientRef;
      if (ref !== undefined && ref !== null && (ref.length === 0 || ref.length > MAX_PATIENT_REF_LENGTH)) {
        errors.push({ name: `${prefix}patientRef`, message: `must be 1 to ${MAX_PATIENT_REF_LENGTH} characters; got ${ref.length}` });
      } else if (ref && textProblem(ref)) {
        errors.push({ name: `${prefix}patientRef`, message: textProblem(ref) as string });
      }
      if (checked.errors.length === 0) vectors.set(vectorize(model.featureSet, checked.inputs), i * width);
    });
    if (errors.length > 0) throw new InvalidInputError(errors);

    const probabilities = await model.onnx.predict(vectors);
    const contributions = new Float64Array(width);
    const { explainer, card } = model;
    const inputCount = card.features.length;
    const records: NewAuditRecord[] = rows.map((row, i) => {
      const vector = vectors.subarray(i * width, (i + 1) * width);
      // Inputs are reported as sent (the vector holds their float32 images); derived features as computed.
      const sent = new Map(row.features.map((f) => [f.name, f.value]));
      explainer.explainInto(vector, contributions, 0);
      const probability = probabilities[i];
      return {
        modelId: card.id,
        modelVersion: card.version,
        onnxSha256: card.onnx.sha256,
        inputs: row.features.map(({ name, value }) => ({ name, value })),
        vector: Array.from(vector, (v) => (Number.isNaN(v) ? null : v)),
        probability,
        positive: probability >= card.threshold.value,
        riskBand: riskBand(card, probability),
        baseValue: explainer.baseValue,
        contributions: model.vectorNames
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
    });
    // Latency covers validation, inference and explanation, the work the record describes.
    const latencyMs = (performance.now() - started) / rows.length;
    const stored = await this.audit.append(records.map((r) => ({ ...r, latencyMs })));
    this.onStored(stored);
    return stored;
  }

  private async model(modelId: string): Promise<LoadedModel> {
    const models = await this.registry.load();
    const model = models.get(modelId);
    if (!model) {
      throw new InvalidInputError([{ name: 'modelId', message: `unknown model "${modelId}"; allowed: ${[...models.keys()].join(', ')}` }]);
    }
    return model;
  }
}
