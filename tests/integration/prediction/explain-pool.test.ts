/**
 * The explanation pool (src/prediction/explain-pool.ts): worker threads that explain batch rows with their own
 * explainers, read from the same model files as the registry, give the main thread's contributions bit for bit; small
 * batches stay on the main thread; a failing worker costs no request and no answer.
 */
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ExplainInputError } from '@/explain/explain-input-error';
import { ModelRegistry, type LoadedModel } from '@/inference/model-registry';
import { ExplainPool, POOLED_EXPLAIN_MIN_ROWS } from '@/prediction/explain-pool';
import { validateRows } from '@/prediction/prediction-request';
import { explainRow, scoreVectors, vectorizeInto } from '@/prediction/scoring';
import { lcg, LOAD_MODELS, variedRows } from '../../support/varied-rows';

const registry = new ModelRegistry('models');
const pools: ExplainPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await registry.close();
});

function pool(options: Partial<Parameters<typeof ExplainPool.create>[0]> = {}): ExplainPool {
  const made = ExplainPool.create({ size: 2, modelsDir: 'models', ...options });
  if (!made) throw new Error('a pool of 2 threads was not made');
  pools.push(made);
  return made;
}

/** Varied valid rows (tests/support/varied-rows.ts) of a tabular model, vectorized as the service does. */
function variedVectors(model: LoadedModel, id: (typeof LOAD_MODELS)[number], count: number): Float32Array {
  const vectors = new Float32Array(count * model.vectorNames.length);
  validateRows(model.card, variedRows(id, count, 4242)).forEach((row, i) => {
    if (!('inputs' in row)) throw new Error(`${id} row ${i} is not a row of features`);
    vectorizeInto(model, row.inputs, vectors, i);
  });
  return vectors;
}

/**
 * Vectors on and beside the ensemble's own split values (and missing), so every branch of every tree is taken: for a
 * model of any input kind, the timeline model (icu-mortality) included.
 */
function splitPointVectors(model: LoadedModel, count: number): Float32Array {
  const width = model.vectorNames.length;
  const splits: number[][] = Array.from({ length: width }, () => []);
  for (const tree of model.ensemble.trees) {
    tree.feature.forEach((f, node) => {
      if (tree.left[node] !== -1) splits[f].push(tree.threshold[node]);
    });
  }
  const r = lcg(99);
  const vectors = new Float32Array(count * width);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < width; j++) {
      const s = splits[j];
      const u = r();
      vectors[i * width + j] =
        u < 0.1 || s.length === 0 ? NaN : s[Math.floor(r() * s.length)] * (u < 0.4 ? 1 : u < 0.7 ? 1 - 1e-6 : 1 + 1e-6);
    }
  }
  return vectors;
}

function mainThreadContributions(model: LoadedModel, vectors: Float32Array): Float64Array {
  const width = model.vectorNames.length;
  const out = new Float64Array(vectors.length);
  for (let i = 0; i < vectors.length / width; i++)
    explainRow(model, vectors.subarray(i * width, (i + 1) * width), out, i * width);
  return out;
}

/** Equal as IEEE 754 bit patterns: no tolerance, and -0 ≠ 0. */
const bits = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

describe('the explanation pool', () => {
  const models = ['diabetes', 'heart-failure', 'icu-mortality', 'sepsis'];
  /** One pool for the tests that leave it running: each pool's threads take seconds to start here. */
  let shared: ExplainPool;
  const sharedFailures: unknown[] = [];
  beforeAll(async () => {
    // Every worker prepares every shipped model as it starts.
    shared = pool({ preload: await registry.list(), onFallback: ({ error }) => sharedFailures.push(error) });
    await shared.ready();
  });
  afterEach(() => expect(sharedFailures.splice(0)).toEqual([]));

  it('is made for 2 or more threads only: 0 or 1 thread means every row on the main thread', () => {
    expect(ExplainPool.create({ size: 0, modelsDir: 'models' })).toBeNull();
    expect(ExplainPool.create({ size: 1, modelsDir: 'models' })).toBeNull();
  });

  it.each(models)(
    '%s: contributions from the worker threads equal the main thread’s bit for bit (Float64), on rows at every split',
    async (id) => {
      const model = await registry.get(id);
      const explaining = shared;
      const vectors = splitPointVectors(model, 1500);
      const before = explaining.completedChunks;
      const pooled = await explaining.explain(model, vectors);
      expect(bits(pooled).equals(bits(mainThreadContributions(model, vectors)))).toBe(true);
      // The workers did the work: threads other than this one, each chunk completed by one of them.
      expect(explaining.completedChunks - before).toBe(4);
      expect(explaining.threadIds).toHaveLength(2);
      expect(explaining.threadIds).not.toContain(threadId);
    },
  );

  it.each(LOAD_MODELS)(
    '%s: scoreVectors gives every varied valid row the same probability and contributions with the pool as without',
    async (id) => {
      const model = await registry.get(id);
      const explaining = shared;
      const vectors = variedVectors(model, id, 1000);
      const keep = (s: { probability: number; contributions: Float64Array; baseValue: number }) => ({
        probability: s.probability,
        baseValue: s.baseValue,
        contributions: Float64Array.from(s.contributions),
      });
      const before = explaining.completedChunks;
      const pooled = await scoreVectors(model, vectors, keep, { explainPool: explaining });
      const alone = await scoreVectors(model, vectors, keep);
      expect(explaining.completedChunks).toBeGreaterThan(before);
      expect(pooled.map((r) => r.probability)).toEqual(alone.map((r) => r.probability));
      expect(pooled.map((r) => r.baseValue)).toEqual(alone.map((r) => r.baseValue));
      pooled.forEach((r, i) => expect(bits(r.contributions).equals(bits(alone[i].contributions))).toBe(true));
    },
  );

  it(`keeps batches below ${POOLED_EXPLAIN_MIN_ROWS} rows (the measured crossover) on the main thread`, async () => {
    const model = await registry.get('sepsis');
    const explaining = shared;
    expect(explaining.worthIt(1)).toBe(false);
    expect(explaining.worthIt(POOLED_EXPLAIN_MIN_ROWS - 1)).toBe(false);
    expect(explaining.worthIt(POOLED_EXPLAIN_MIN_ROWS)).toBe(true);
    const small = variedVectors(model, 'sepsis', POOLED_EXPLAIN_MIN_ROWS - 1);
    const large = variedVectors(model, 'sepsis', POOLED_EXPLAIN_MIN_ROWS);
    const before = explaining.completedChunks;
    await scoreVectors(model, small.subarray(0, model.vectorNames.length), () => null, { explainPool: explaining });
    await scoreVectors(model, small, () => null, { explainPool: explaining });
    expect(explaining.completedChunks).toBe(before);
    await scoreVectors(model, large, () => null, { explainPool: explaining });
    expect(explaining.completedChunks).toBeGreaterThan(before);
  });

  it('starts a lazy pool with the first batch worth it, and explains the batches that arrive meanwhile on the main thread', async () => {
    const model = await registry.get('diabetes');
    const lazy = pool({ preload: [model], lazy: true });
    expect(lazy.threadIds).toEqual([]);
    expect(lazy.worthIt(POOLED_EXPLAIN_MIN_ROWS - 1)).toBe(false);
    expect(lazy.threadIds).toEqual([]);
    const vectors = variedVectors(model, 'diabetes', 300);
    const keep = (s: { contributions: Float64Array }) => Float64Array.from(s.contributions);
    // The threads start with this batch and take about a second to: the main thread explains it without waiting.
    const first = await scoreVectors(model, vectors, keep, { explainPool: lazy });
    expect(lazy.threadIds).toHaveLength(2);
    expect(lazy.completedChunks).toBe(0);
    await lazy.ready();
    const later = await scoreVectors(model, vectors, keep, { explainPool: lazy });
    expect(lazy.completedChunks).toBe(4);
    later.forEach((c, i) => expect(bits(c).equals(bits(first[i]))).toBe(true));
  });

  it('refuses a partial row with the main thread’s ExplainInputError', async () => {
    const model = await registry.get('diabetes');
    const partial = variedVectors(model, 'diabetes', 100).subarray(0, 100 * 8 - 3);
    await expect(shared.explain(model, partial)).rejects.toThrow(ExplainInputError);
    await expect(shared.explain(model, partial)).rejects.toMatchObject({ code: 'INVALID_EXPLAIN_INPUT' });
  });

  it('explains on the main thread the chunks of a worker that crashed, saying so, and the answer is unchanged', async () => {
    const model = await registry.get('diabetes');
    const failures: { modelId: string; rows: number; error: unknown }[] = [];
    const crashing = pool({
      workerFile: join(process.cwd(), 'tests', 'support', 'crashing-explain-worker.ts'),
      onFallback: (failure) => failures.push(failure),
    });
    const vectors = variedVectors(model, 'diabetes', 200);
    const explained = await crashing.explain(model, vectors);
    expect(bits(explained).equals(bits(mainThreadContributions(model, vectors)))).toBe(true);
    expect(failures.map((f) => [f.modelId, f.rows])).toEqual([
      ['diabetes', 50],
      ['diabetes', 50],
      ['diabetes', 50],
      ['diabetes', 50],
    ]);
    expect(failures.every((f) => f.error instanceof Error)).toBe(true);
    expect(crashing.completedChunks).toBe(0);
  });

  it('fails with the main thread’s coded error when the main thread cannot explain a chunk either', async () => {
    const model = await registry.get('diabetes');
    const refusing = {
      card: model.card,
      explainer: {
        ...model.explainer,
        featureCount: model.explainer.featureCount,
        explainInto: () => {
          throw new ExplainInputError('refused on the main thread');
        },
      },
    };
    const crashing = pool({ workerFile: join(process.cwd(), 'tests', 'support', 'crashing-explain-worker.ts') });
    await expect(crashing.explain(refusing, variedVectors(model, 'diabetes', 100))).rejects.toMatchObject({
      code: 'INVALID_EXPLAIN_INPUT',
      message: 'refused on the main thread',
    });
  });

  it('never explains with another version: a worker finding other files than the served sha256 hands the rows back', async () => {
    const model = await registry.get('heart-failure');
    const failures: unknown[] = [];
    const explaining = pool({ onFallback: ({ error }) => failures.push(error) });
    const otherVersion = { ...model, card: { ...model.card, onnx: { ...model.card.onnx, sha256: '0'.repeat(64) } } };
    const vectors = variedVectors(model, 'heart-failure', 100);
    const explained = await explaining.explain(otherVersion, vectors);
    expect(bits(explained).equals(bits(mainThreadContributions(model, vectors)))).toBe(true);
    expect(failures).toHaveLength(4);
    // Errors cross the thread boundary as their message (structured clone keeps no class).
    expect(String(failures[0])).toMatch(
      /the worker found ONNX sha256 [0-9a-f]{64} on disk, the served version is 0{64}/,
    );
  });

  it('shuts down: its threads end, later batches are explained on the main thread, and closing again is harmless', async () => {
    const model = await registry.get('sepsis');
    const explaining = pool();
    const vectors = variedVectors(model, 'sepsis', 200);
    await explaining.explain(model, vectors);
    expect(explaining.threadIds).toHaveLength(2);
    await explaining.close();
    await explaining.close();
    expect(explaining.threadIds).toHaveLength(0);
    expect(explaining.worthIt(1000)).toBe(false);
    const done = explaining.completedChunks;
    expect(bits(await explaining.explain(model, vectors)).equals(bits(mainThreadContributions(model, vectors)))).toBe(
      true,
    );
    expect(explaining.completedChunks).toBe(done);
  });

  it('closing while chunks are queued loses none of them: they are explained on the main thread', async () => {
    const model = await registry.get('sepsis');
    const failures: unknown[] = [];
    const explaining = pool({ onFallback: (f) => failures.push(f) });
    const vectors = variedVectors(model, 'sepsis', 1000);
    const pending = explaining.explain(model, vectors);
    await explaining.close();
    expect(bits(await pending).equals(bits(mainThreadContributions(model, vectors)))).toBe(true);
    // A shutdown is not a failure to report.
    expect(failures).toEqual([]);
  });

  it('closing while the threads’ answers are on their way ends neither the process nor a row, and reports nothing', async () => {
    const model = await registry.get('heart-failure');
    const heard: unknown[] = [];
    const explaining = pool({
      preload: [model],
      onFallback: (failure) => heard.push(failure),
      onThreadError: (error) => heard.push(error),
    });
    await explaining.ready();
    const vectors = variedVectors(model, 'heart-failure', 100);
    const pending = explaining.explain(model, vectors);
    // The main thread is busy while the threads answer, so their answers wait in the ports as close() ends the threads:
    // piscina then meets answers to tasks it has already failed, and says so with an 'error' event.
    const busyUntil = Date.now() + 500;
    while (Date.now() < busyUntil);
    const closed = explaining.close();
    expect(bits(await pending).equals(bits(mainThreadContributions(model, vectors)))).toBe(true);
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual([]);
  });
});
