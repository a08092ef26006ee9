/**
 * Worker threads (piscina) that explain a batch's rows with TreeSHAP on every core, for batches large enough to gain
 * from it; the main thread keeps small batches, and any chunk the pool fails to explain.
 */
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { LoadedModel } from '@/inference/model-registry';
import type { ExplainTask, ExplainWorkerData, ModelVersion } from './explain-worker';
import { explainRow } from './scoring';

/**
 * Rows per batch from which the pool explains instead of the main thread (the ONNX run, on the main thread, overlaps
 * either way). `npm run bench:pool -- --seconds 10`, 2 cores, pool of 2 threads, 2026-12-04, on a machine shared with
 * three other busy sessions (the process got 0.3–1.0 cores, so the pool could not use its second core):
 *   crossover measured (pool ≥ main thread at every larger size): heart-failure 32, diabetes 64, sepsis 256 rows;
 *   pool/main at 1 row 0.42 / 0.49 / 0.71, at 64 rows 1.19 / 1.24 / 1.23, at 1000 rows 1.12 / 1.04 / 1.07;
 *   crossover estimated for free cores from CPU times (80–140 µs of messaging per batch against 32–134 µs per row):
 *   8 / 5 / 1 rows.
 * 64: the pool pays its messaging back many times over on free cores, and costs little on a shared machine. Figures
 * this noisy (±30 % between rounds) do not support a threshold per model.
 */
export const POOLED_EXPLAIN_MIN_ROWS = 64;

/** Chunks per worker thread: more than one, so a thread slowed by other work on its core does not hold the batch. */
const CHUNKS_PER_THREAD = 2;

/** The worker module, from the project root: under Next's bundler `__dirname` and `import.meta.url` are the bundle's. */
export const EXPLAIN_WORKER_FILE = join(process.cwd(), 'src', 'prediction', 'explain-worker.ts');

export interface ExplainPoolOptions {
  /** Worker threads; fewer than 2 makes no pool (`ExplainPool.create` gives null). */
  size: number;
  /** The directory the registry loaded the models from: each worker reads its own copy of them. */
  modelsDir: string;
  /** Models every worker prepares as it starts, rather than at its first chunk of them. */
  preload?: ReadonlyArray<Pick<LoadedModel, 'card'>>;
  /** Hears of each chunk the pool failed to explain and the main thread explained instead. Must not throw. */
  onFallback?: (failure: { modelId: string; rows: number; error: unknown }) => void;
  /**
   * Hears of a thread that failed while it held no chunk (as it started, say: its chunks then fall back like any
   * other). Must not throw.
   */
  onThreadError?: (error: unknown) => void;
  /**
   * Start the threads at the first batch worth them rather than now: for a command that may never score a batch large
   * enough (starting a thread costs about a second of CPU here, tsx compiling the worker's modules).
   */
  lazy?: boolean;
  /** Rows from which a batch goes to the pool (default POOLED_EXPLAIN_MIN_ROWS; the bench measures below it). */
  minRows?: number;
  /** The worker module (tests give a failing one). */
  workerFile?: string;
}

export class ExplainPool {
  private closing: Promise<void> | null = null;
  private explained = 0;
  private piscina: Piscina<ExplainTask, Float64Array> | null = null;
  /** Settles once every thread has started and prepared the preloaded models (warmUp). */
  private warming: Promise<void> | null = null;
  private warm = false;

  private constructor(
    private readonly options: ExplainPoolOptions,
    private readonly minRows: number,
  ) {}

  /** A pool of `size` threads, or null when `size` is below 2: one worker explains no faster than the main thread. */
  static create(options: ExplainPoolOptions): ExplainPool | null {
    if (options.size < 2) return null;
    const pool = new ExplainPool(options, options.minRows ?? POOLED_EXPLAIN_MIN_ROWS);
    if (!options.lazy) pool.threads();
    return pool;
  }

  get size(): number {
    return this.options.size;
  }

  /** The worker threads, started at the first call. */
  private threads(): Piscina<ExplainTask, Float64Array> {
    if (this.piscina) return this.piscina;
    const workerData: ExplainWorkerData = {
      modelsDir: this.options.modelsDir,
      preload: (this.options.preload ?? []).map(({ card }) => versionOf(card)),
    };
    this.piscina = new Piscina<ExplainTask, Float64Array>({
      filename: this.options.workerFile ?? EXPLAIN_WORKER_FILE,
      // TypeScript through tsx in every worker, whoever started the process (tsx, jest's swc, Next's bundle).
      execArgv: ['--import', 'tsx'],
      minThreads: this.options.size,
      maxThreads: this.options.size,
      // Workers keep their prepared explainers: an idle thread is not ended.
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
    });
    // piscina emits 'error' for a thread that fails outside any chunk and for an answer that arrives after close() ended
    // its thread (a warm-up chunk, say): the first is worth hearing of, the second is expected. Unheard, either would
    // end the process.
    this.piscina.on('error', (error: unknown) => {
      if (!this.closing) this.options.onThreadError?.(error);
    });
    this.warming = this.warmUp(this.piscina);
    return this.piscina;
  }

  /**
   * An empty chunk of each preloaded model per thread: they settle once the threads have started and loaded their
   * explainers. A failure here is one the chunks to come would meet too, and each of those falls back on its own.
   */
  private async warmUp(piscina: Piscina<ExplainTask, Float64Array>): Promise<void> {
    const empty = (this.options.preload ?? []).map(({ card }) => ({
      model: versionOf(card),
      vectors: new Float32Array(0),
    }));
    await Promise.allSettled(empty.flatMap((task) => Array.from({ length: this.size }, () => piscina.run(task))));
    this.warm = true;
  }

  /** Starts the threads if they have not been, and resolves once they take chunks without waiting to start. */
  async ready(): Promise<void> {
    this.threads();
    await this.warming;
  }

  /**
   * True when a batch of `rows` rows is explained faster by the pool than by the main thread. A batch that arrives
   * while the threads are starting is not: it would wait about a second for them (inside the monitor's transaction,
   * for one), so the first batch worth them starts them and is explained on the main thread meanwhile.
   */
  worthIt(rows: number): boolean {
    if (rows < this.minRows || this.closing !== null) return false;
    this.threads();
    return this.warm;
  }

  /** Chunks explained by the worker threads so far (not those the main thread took over). */
  get completedChunks(): number {
    return this.explained;
  }

  /** The worker threads' ids (none once closed). */
  get threadIds(): number[] {
    return this.piscina?.threads.map((t) => t.threadId) ?? [];
  }

  /**
   * Row-major contributions (log-odds) of whole rows of `vectors`, equal bit for bit to the main thread's. A chunk the
   * pool fails to explain (a crashed worker, files on disk no longer the served version, the pool closed) is explained
   * on the main thread, so the caller gets the main thread's answer or its coded error.
   */
  async explain(model: Pick<LoadedModel, 'card' | 'explainer'>, vectors: Float32Array): Promise<Float64Array> {
    const width = model.explainer.featureCount;
    const rows = vectors.length / width;
    // A partial row: the explainer's own ExplainInputError, as the main thread raises it.
    if (!Number.isInteger(rows)) return model.explainer.explainRows(vectors).contributions;
    const contributions = new Float64Array(vectors.length);
    if (this.closing) {
      explainOnMainThread(model, vectors, contributions, 0, rows);
      return contributions;
    }
    const version = versionOf(model.card);
    const piscina = this.threads();
    const chunkRows = Math.ceil(rows / Math.min(rows, CHUNKS_PER_THREAD * this.size));
    const chunks: Promise<void>[] = [];
    for (let start = 0; start < rows; start += chunkRows) {
      const end = Math.min(rows, start + chunkRows);
      // A copy of the chunk moves to the worker; the caller's vectors stay whole.
      const chunk = vectors.slice(start * width, end * width);
      chunks.push(
        piscina.run({ model: version, vectors: chunk }, { transferList: [chunk.buffer] }).then(
          (explained) => {
            contributions.set(explained, start * width);
            this.explained++;
          },
          (error: unknown) => {
            if (!this.closing) this.options.onFallback?.({ modelId: model.card.id, rows: end - start, error });
            explainOnMainThread(model, vectors, contributions, start, end);
          },
        ),
      );
    }
    await Promise.all(chunks);
    return contributions;
  }

  /** Ends the worker threads; chunks still queued are explained on the main thread. Later calls share the first. */
  close(): Promise<void> {
    this.closing ??= this.piscina?.destroy() ?? Promise.resolve();
    return this.closing;
  }
}

function versionOf(card: LoadedModel['card']): ModelVersion {
  return { id: card.id, sha256: card.onnx.sha256 };
}

function explainOnMainThread(
  model: Pick<LoadedModel, 'explainer'>,
  vectors: Float32Array,
  contributions: Float64Array,
  start: number,
  end: number,
): void {
  const width = model.explainer.featureCount;
  for (let i = start; i < end; i++) {
    explainRow(model, vectors.subarray(i * width, (i + 1) * width), contributions, i * width);
  }
}
