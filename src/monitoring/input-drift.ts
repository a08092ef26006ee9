/**
 * Input drift of each model: the PSI of every entry of its vector over the last 7 days of audit records, against the
 * training distribution stored beside its card (models/<id>/reference.json), on a bounded sample, cached briefly.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withDatabaseErrors } from '@/db/database';
import type { PrismaClient } from '@/db/generated/client';
import { CodedError } from '@/errors/coded-error';
import { vectorDrift, type InputDrift } from '@/features/population-stability';
import {
  REFERENCE_FILE,
  referenceDistributionSchema,
  type ReferenceDistribution,
} from '@/features/reference-distribution';
import type { ModelRegistry } from '@/inference/model-registry';

export const DRIFT_WINDOW_DAYS = 7;
/** At most this many of the window's latest records are read: a scan stays bounded however busy the model is. */
export const DRIFT_SAMPLE_LIMIT = 20_000;
/** Below this many requests in the window the figures are withheld: a handful of requests makes PSI noise. */
export const DRIFT_MIN_REQUESTS = 100;
/** A model's drift is reused for this long, so pages and metric scrapes do not each scan the table. */
export const DRIFT_CACHE_MS = 60_000;

const DAY_MS = 86_400_000;

/** A reference.json that does not belong to the model it sits beside (another ONNX file, another vector). */
export class ReferenceMismatchError extends CodedError {
  readonly code = 'REFERENCE_MISMATCH';
}

export interface ModelDrift {
  modelId: string;
  modelVersion: string;
  from: Date;
  to: Date;
  windowDays: number;
  /** Requests to this model (its version and ONNX file) in the window. */
  requestsInWindow: number;
  /** The latest of them the figures come from (at most `sampleLimit`). */
  sampled: number;
  sampleLimit: number;
  minRequests: number;
  /** Training rows of the reference. */
  trainingRows: number;
  /** Every entry of the vector, highest PSI first; null when `sampled` < `minRequests`. */
  inputs: InputDrift[] | null;
}

export interface InputDriftOptions {
  modelsDir: string;
  windowDays?: number;
  sampleLimit?: number;
  minRequests?: number;
  cacheMs?: number;
  now?: () => Date;
}

export class InputDriftMonitor {
  private readonly references = new Map<string, Promise<ReferenceDistribution | null>>();
  private readonly cache = new Map<string, { at: number; drift: Promise<ModelDrift | null> }>();
  private readonly settings: Required<Omit<InputDriftOptions, 'modelsDir'>>;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly registry: ModelRegistry,
    private readonly options: InputDriftOptions,
  ) {
    this.settings = {
      windowDays: options.windowDays ?? DRIFT_WINDOW_DAYS,
      sampleLimit: options.sampleLimit ?? DRIFT_SAMPLE_LIMIT,
      minRequests: options.minRequests ?? DRIFT_MIN_REQUESTS,
      cacheMs: options.cacheMs ?? DRIFT_CACHE_MS,
      now: options.now ?? (() => new Date()),
    };
  }

  /** The model's reference distribution, null when it has none; read once (it is committed beside the card). */
  reference(modelId: string): Promise<ReferenceDistribution | null> {
    let pending = this.references.get(modelId);
    if (!pending) {
      pending = readReference(this.options.modelsDir, modelId);
      pending.catch(() => this.references.delete(modelId));
      this.references.set(modelId, pending);
    }
    return pending;
  }

  /** The model's drift as of at most `cacheMs` ago; null when the model has no reference. */
  drift(modelId: string): Promise<ModelDrift | null> {
    const now = this.settings.now().getTime();
    const cached = this.cache.get(modelId);
    if (cached && now - cached.at < this.settings.cacheMs) return cached.drift;
    const drift = this.measure(modelId, now);
    drift.catch(() => this.cache.delete(modelId));
    this.cache.set(modelId, { at: now, drift });
    return drift;
  }

  /** Every loaded model's drift (those with a reference), in the registry's order. */
  async all(): Promise<ModelDrift[]> {
    const models = await this.registry.list();
    const drifts = await Promise.all(models.map((m) => this.drift(m.card.id)));
    return drifts.filter((d): d is ModelDrift => d !== null);
  }

  private async measure(modelId: string, now: number): Promise<ModelDrift | null> {
    const [model, reference] = await Promise.all([this.registry.get(modelId), this.reference(modelId)]);
    if (!reference) return null;
    const { card, vectorNames } = model;
    if (
      reference.onnxSha256 !== card.onnx.sha256 ||
      reference.inputs.map((i) => i.name).join(',') !== vectorNames.join(',')
    )
      throw new ReferenceMismatchError(
        `models/${modelId}/${REFERENCE_FILE} does not belong to the model's ONNX file and vector; regenerate it with npm run train -- --model ${modelId} --reference`,
      );
    const { windowDays, sampleLimit, minRequests } = this.settings;
    const from = new Date(now - windowDays * DAY_MS);
    const to = new Date(now);
    const where = {
      modelId,
      modelVersion: card.version,
      onnxSha256: card.onnx.sha256,
      createdAt: { gte: from, lte: to },
    };
    const [requestsInWindow, rows] = await withDatabaseErrors(() =>
      Promise.all([
        this.prisma.prediction.count({ where }),
        this.prisma.prediction.findMany({
          where,
          select: { vector: true },
          orderBy: { createdAt: 'desc' },
          take: sampleLimit,
        }),
      ]),
    );
    const width = vectorNames.length;
    const vectors = rows
      .map((r) => r.vector)
      .filter((v): v is (number | null)[] => Array.isArray(v) && v.length === width) as (number | null)[][];
    return {
      modelId,
      modelVersion: card.version,
      from,
      to,
      windowDays,
      requestsInWindow,
      sampled: vectors.length,
      sampleLimit,
      minRequests,
      trainingRows: reference.rows,
      inputs: vectors.length >= minRequests ? vectorDrift(reference, vectors) : null,
    };
  }
}

/** models/<id>/reference.json, checked; null when the model has none. */
export async function readReference(modelsDir: string, modelId: string): Promise<ReferenceDistribution | null> {
  let text: string;
  try {
    text = await readFile(join(modelsDir, modelId, REFERENCE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return referenceDistributionSchema.parse(JSON.parse(text));
}
