/**
 * The prediction service: a request's rows through the scoring core, every answer kept as an audit record before it is
 * returned.
 */
import { performance } from 'node:perf_hooks';
import type { AuditLog } from '@/audit/audit-log';
import type { AuditRecord, NewAuditRecord } from '@/audit/audit-record';
import { InvalidInputError } from '@/errors/invalid-input';
import { UnknownModelError, type LoadedModel, type ModelRegistry } from '@/inference/model-registry';
import { vectorizeCourse, type Course } from './course';
import { predictionRecord } from './prediction-record';
import { validateRows, type PredictionRow, type RequestOrigin } from './prediction-request';
export { MAX_COURSE_OBSERVATIONS, type Course, type CourseObservation } from './course';
import type { ExplainPool } from './explain-pool';
import { scoreVectors, vectorizeInto } from './scoring';

// The request's shape and limits belong to the service's API: its callers import them from here.
export {
  MAX_BATCH_ROWS,
  MAX_PATIENT_REF_LENGTH,
  type FeatureValue,
  type PredictionRow,
  type RequestOrigin,
} from './prediction-request';

export class PredictionService {
  /**
   * `onStored` hears of every record once it is stored (metrics); it must not throw. `explainPool` explains the batches
   * it is faster for on worker threads (the services' pool; none: every row on the main thread).
   */
  constructor(
    private readonly registry: ModelRegistry,
    private readonly audit: AuditLog,
    private readonly onStored: (records: AuditRecord[]) => void = () => undefined,
    private readonly explainPool: ExplainPool | null = null,
  ) {}

  /** One prediction, stored before it is returned; nothing is stored when the input is invalid. */
  async predict(modelId: string, row: PredictionRow, origin: RequestOrigin): Promise<AuditRecord> {
    const [record] = await this.predictBatch(modelId, [row], origin, { single: true });
    return record;
  }

  /**
   * One prediction from a stay's course (a timeline model): the observations placed on the model's timeline, validated,
   * vectorized at the moment scored (vectorizeCourse) and scored by the same core as a row of features.
   */
  async predictCourse(
    modelId: string,
    course: Course & { patientRef?: string | null },
    origin: RequestOrigin,
  ): Promise<AuditRecord> {
    const row: PredictionRow = {
      observations: [...course.observations],
      admittedAt: course.admittedAt ?? null,
      patientRef: course.patientRef,
    };
    return this.predict(modelId, row, origin);
  }

  /**
   * Every row or none: all are validated before any is scored, and all are stored in one transaction. A row is feature
   * values or a course of observations, as the model takes.
   */
  async predictBatch(
    modelId: string,
    rows: PredictionRow[],
    origin: RequestOrigin,
    options: { single?: boolean } = {},
  ): Promise<AuditRecord[]> {
    const stored = await this.audit.append(await this.score(modelId, rows, origin, options));
    this.onStored(stored);
    return stored;
  }

  /**
   * The records predictBatch stores, scored but not stored: for a caller that stores them in its own transaction
   * (the monitor's assessments, with `appendInTransaction`), and reports them through `reportStored` once committed.
   */
  async score(
    modelId: string,
    rows: PredictionRow[],
    origin: RequestOrigin,
    options: { single?: boolean } = {},
  ): Promise<NewAuditRecord[]> {
    const started = performance.now();
    const model = await this.model(modelId);
    const valid = validateRows(model.card, rows, options);
    const width = model.vectorNames.length;
    const vectors = new Float32Array(rows.length * width);
    valid.forEach((row, i) => {
      if (row.course) vectors.set(vectorizeCourse(model, row.course.observations, row.course.moment), i * width);
      else vectorizeInto(model, row.inputs, vectors, i);
    });
    const records = await scoreVectors(
      model,
      vectors,
      (scored, i) => predictionRecord(model, rows[i], scored, origin, valid[i].course),
      { explainPool: this.explainPool },
    );
    // Latency covers validation, inference and explanation, the work the record describes.
    const latencyMs = (performance.now() - started) / rows.length;
    return records.map((r) => ({ ...r, latencyMs }));
  }

  /** Tells the service's listener (metrics) of records stored by a caller's own transaction. */
  reportStored(records: AuditRecord[]): void {
    this.onStored(records);
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
