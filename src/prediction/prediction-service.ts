/**
 * The prediction service: a request's rows through the scoring core, every answer kept as an audit record before it is
 * returned.
 */
import { performance } from 'node:perf_hooks';
import type { AuditLog } from '@/audit/audit-log';
import type { AuditRecord } from '@/audit/audit-record';
import { InvalidInputError } from '@/errors/invalid-input';
import { UnknownModelError, type LoadedModel, type ModelRegistry } from '@/inference/model-registry';
import { predictionRecord } from './prediction-record';
import { validateRequest, type PredictionRow, type RequestOrigin } from './prediction-request';
import { scoreVectors, vectorizeRows } from './scoring';

// The request's shape and limits belong to the service's API: its callers import them from here.
export {
  MAX_BATCH_ROWS,
  MAX_PATIENT_REF_LENGTH,
  type FeatureValue,
  type PredictionRow,
  type RequestOrigin,
} from './prediction-request';

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
  async predictBatch(
    modelId: string,
    rows: PredictionRow[],
    origin: RequestOrigin,
    options: { single?: boolean } = {},
  ): Promise<AuditRecord[]> {
    const started = performance.now();
    const model = await this.model(modelId);
    const vectors = vectorizeRows(model, validateRequest(model.card.features, rows, options));
    const records = await scoreVectors(model, vectors, (scored, i) => predictionRecord(model, rows[i], scored, origin));
    // Latency covers validation, inference and explanation, the work the record describes.
    const latencyMs = (performance.now() - started) / rows.length;
    const stored = await this.audit.append(records.map((r) => ({ ...r, latencyMs })));
    this.onStored(stored);
    return stored;
  }

  /** The registry's model; for a caller the model id is one more input, refused like the others. */
  private async model(modelId: string): Promise<LoadedModel> {
    try {
      return await this.registry.get(modelId);
    } catch (error) {
      if (error instanceof UnknownModelError)
        throw new InvalidInputError([{ name: 'modelId', message: error.message }]);
      throw error;
    }
  }
}
