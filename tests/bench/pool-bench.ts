/**
 * `npm run bench:pool [-- --seconds N]`: where the explanation pool (src/prediction/explain-pool.ts) beats the main
 * thread. Part 1, per model and batch size: scoreVectors (ONNX run + TreeSHAP + band) with the pool against without,
 * alternating in short rounds so both see the same load from other processes; the crossover is the smallest size from
 * which the pool wins at every larger size. Part 2: in-process predictBatch(1000) ×8 into Postgres (the audit insert
 * included, as `npm run bench:api` measures it) with the pool against without, in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { prismaAuditLog } from '../../src/audit/audit-log';
import { openDatabase } from '../../src/db/database';
import { ModelRegistry, type LoadedModel } from '../../src/inference/model-registry';
import { ExplainPool, POOLED_EXPLAIN_MIN_ROWS } from '../../src/prediction/explain-pool';
import { PredictionService, type PredictionRow } from '../../src/prediction/prediction-service';
import { validateRows } from '../../src/prediction/prediction-request';
import { scoreVectors, vectorizeInto } from '../../src/prediction/scoring';
import { fmt, machine } from '../support/bench-report';
import { withHeldResources } from '../support/held-resources';
import { createMigratedPostgresDatabase } from '../support/test-databases';
import { LOAD_MODELS, variedRows } from '../support/varied-rows';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
/** Seconds per predictBatch phase; the crossover rounds take about a tenth of it per size. */
const SECONDS = Number(argValue('--seconds') ?? 10);
if (!Number.isFinite(SECONDS) || SECONDS <= 0) throw new Error(`--seconds must be positive, got ${SECONDS}`);
const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const SIZES = [1, 8, 16, 32, 64, 128, 256, 1000];
/** Alternating rounds per size and way; each round runs for ROUND_MS. */
const ROUNDS = 6;
const ROUND_MS = Math.max(50, (SECONDS * 1000) / 40);
const BATCH_CONCURRENCY = 8;
const BATCH_MODEL = 'heart-failure';
const OUT = join('bench-results', 'pool.json');

function vectorsOf(model: LoadedModel, rows: PredictionRow[]): Float32Array {
  const valid = validateRows(model.card, rows);
  const vectors = new Float32Array(rows.length * model.vectorNames.length);
  valid.forEach((row, i) => {
    if (!('inputs' in row)) throw new Error(`${model.card.id} takes a course; the bench scores tabular rows`);
    vectorizeInto(model, row.inputs, vectors, i);
  });
  return vectors;
}

/** Rows per second of `run` (one batch of `rows` rows per call), over `ms` milliseconds. */
async function rate(rows: number, ms: number, run: () => Promise<unknown>): Promise<{ rows: number; ms: number }> {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < ms) {
    await run();
    calls++;
  }
  return { rows: calls * rows, ms: performance.now() - start };
}

interface CrossoverRow {
  model: string;
  rows: number;
  mainRowsPerSecond: number;
  poolRowsPerSecond: number;
  ratio: number;
}

async function crossover(model: LoadedModel, pool: ExplainPool, id: string): Promise<CrossoverRow[]> {
  const keep = (s: { contributions: Float64Array }) => s.contributions[0];
  const out: CrossoverRow[] = [];
  for (const size of SIZES) {
    const vectors = vectorsOf(model, variedRows(id as (typeof LOAD_MODELS)[number], size, 500 + size));
    const main = () => scoreVectors(model, vectors, keep);
    const pooled = () => scoreVectors(model, vectors, keep, { explainPool: pool });
    await rate(size, ROUND_MS, main);
    await rate(size, ROUND_MS, pooled);
    const totals = { main: { rows: 0, ms: 0 }, pool: { rows: 0, ms: 0 } };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [way, run] of r % 2 === 0
        ? ([
            ['main', main],
            ['pool', pooled],
          ] as const)
        : ([
            ['pool', pooled],
            ['main', main],
          ] as const)) {
        const m = await rate(size, ROUND_MS, run);
        totals[way].rows += m.rows;
        totals[way].ms += m.ms;
      }
    }
    const mainRowsPerSecond = (totals.main.rows / totals.main.ms) * 1000;
    const poolRowsPerSecond = (totals.pool.rows / totals.pool.ms) * 1000;
    out.push({
      model: id,
      rows: size,
      mainRowsPerSecond,
      poolRowsPerSecond,
      ratio: poolRowsPerSecond / mainRowsPerSecond,
    });
    process.stdout.write('.');
  }
  return out;
}

/** The smallest size from which the pool is at least as fast at every larger size measured (null: never). */
function crossoverSize(rows: CrossoverRow[]): number | null {
  let from: number | null = null;
  for (const r of rows) {
    if (r.ratio >= 1) from ??= r.rows;
    else from = null;
  }
  return from;
}

async function batchPhase(label: string, service: PredictionService, batches: PredictionRow[][], seconds: number) {
  let rows = 0;
  let next = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: BATCH_CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const batch = batches[next++ % batches.length];
        const records = await service.predictBatch(BATCH_MODEL, batch, { requestId: 'bench', requester: 'bench' });
        if (records.length !== batch.length) throw new Error(`${label}: ${records.length} records for ${batch.length}`);
        rows += batch.length;
      }
    }),
  );
  return (rows / (performance.now() - start)) * 1000;
}

async function main(): Promise<void> {
  const size = availableParallelism();
  await withHeldResources(async (held) => {
    const registry = held.hold(new ModelRegistry('models'), (r) => r.close());
    const models = await registry.list();
    let fallbacks = 0;
    const pool = held.hold(
      ExplainPool.create({ size, modelsDir: 'models', preload: models, minRows: 1, onFallback: () => fallbacks++ }),
      (p) => p?.close() ?? Promise.resolve(),
    );
    if (!pool) throw new Error(`${size} core(s): the pool needs at least 2`);
    const m = machine();
    console.log(
      `${m.cpu}, ${m.cores} cores, Node ${m.node}; pool of ${size} threads; ${ROUNDS} alternating rounds of ${ROUND_MS} ms per size`,
    );

    process.stdout.write('crossover ');
    const table: CrossoverRow[] = [];
    for (const id of LOAD_MODELS) table.push(...(await crossover(await registry.get(id), pool, id)));
    console.log();
    console.log('scoreVectors rows/s (ONNX + TreeSHAP + band), main thread vs pool; ratio = pool / main');
    console.log(['model'.padEnd(14), ...SIZES.map((s) => String(s).padStart(8))].join(' '));
    for (const id of LOAD_MODELS) {
      const rows = table.filter((r) => r.model === id);
      console.log([`${id} main`.padEnd(14), ...rows.map((r) => fmt(r.mainRowsPerSecond).padStart(8))].join(' '));
      console.log([`${id} pool`.padEnd(14), ...rows.map((r) => fmt(r.poolRowsPerSecond).padStart(8))].join(' '));
      console.log([`${id} ratio`.padEnd(14), ...rows.map((r) => r.ratio.toFixed(2).padStart(8))].join(' '));
    }
    const crossovers = Object.fromEntries(
      LOAD_MODELS.map((id) => [id, crossoverSize(table.filter((r) => r.model === id))]),
    );
    console.log(
      `crossover (rows per batch from which the pool wins): ${JSON.stringify(crossovers)}; threshold in use: ${POOLED_EXPLAIN_MIN_ROWS}`,
    );

    const database = held.hold(await createMigratedPostgresDatabase('crc_bench_pool', POSTGRES), (d) => d.drop());
    const db = held.hold(await openDatabase({ databaseUrl: database.url }), (d) => d.close());
    const audit = prismaAuditLog(db.prisma);
    const batches = Array.from({ length: 8 }, (_, k) => variedRows(BATCH_MODEL, 1000, 1000 + k));
    const without = new PredictionService(registry, audit);
    const withPool = new PredictionService(registry, audit, undefined, pool);
    const warm = Math.min(3, SECONDS / 3);
    await batchPhase('warm-up', without, batches, warm);
    await batchPhase('warm-up', withPool, batches, warm);
    // Two alternating halves per way, so drift in the machine's load falls on both.
    const figures = { without: 0, with: 0 };
    for (const [way, service] of [
      ['without', without],
      ['with', withPool],
      ['with', withPool],
      ['without', without],
    ] as const) {
      figures[way] += (await batchPhase(way, service, batches, SECONDS / 2)) / 2;
    }
    console.log(
      `in-process predictBatch(1000) ×${BATCH_CONCURRENCY} (${BATCH_MODEL}, Postgres audit insert included), ${SECONDS}s each: ` +
        `without pool ${fmt(figures.without)} rows/s, with pool ${fmt(figures.with)} rows/s → ${(figures.with / figures.without).toFixed(2)}×`,
    );
    if (fallbacks > 0) console.log(`${fallbacks} chunks fell back to the main thread`);
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(
      OUT,
      `${JSON.stringify({ machine: m, poolThreads: size, seconds: SECONDS, crossover: table, crossovers, threshold: POOLED_EXPLAIN_MIN_ROWS, predictBatch1000: { model: BATCH_MODEL, concurrency: BATCH_CONCURRENCY, ...figures }, fallbacks }, null, 2)}\n`,
    );
    console.log(`wrote ${OUT}`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
