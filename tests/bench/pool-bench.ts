/**
 * `npm run bench:pool [-- --seconds N]`: where the explanation pool (src/prediction/explain-pool.ts) beats the main
 * thread. Part 1, per model and batch size: scoreVectors (ONNX run + TreeSHAP + band) with the pool against without,
 * alternating in short rounds so both see the same load from other processes; the crossover is the smallest size from
 * which the pool wins at every larger size. Part 2: in-process predictBatch(1000) ×8 into Postgres (the audit insert
 * included, as `npm run bench:api` measures it) with the pool against without, in the same run. Each figure comes with
 * the cores the process got (CPU time / wall time): on a machine shared with other work the pool cannot win.
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
import { LOAD_MODELS, variedRows, type LoadModelId } from '../support/varied-rows';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
/** Seconds per predictBatch way; a crossover round lasts a 40th of it. */
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
async function rate(rows: number, ms: number, run: () => Promise<unknown>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < ms) {
    await run();
    calls++;
  }
  const used = process.cpuUsage(cpu);
  return { rows: calls * rows, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

/** Rows done, wall time, and CPU time of all this process's threads (workers included) in that time. */
interface Measured {
  rows: number;
  ms: number;
  cpuMs: number;
}

interface CrossoverRow {
  model: string;
  rows: number;
  mainRowsPerSecond: number;
  poolRowsPerSecond: number;
  ratio: number;
  /** CPU time over wall time, all threads of the process: how many cores each way got. */
  mainCores: number;
  poolCores: number;
}

/** Runs `ways` for ROUNDS rounds each, alternating which goes first, after one warm-up round each. */
async function alternate(rows: number, ways: Record<'main' | 'pool', () => Promise<unknown>>) {
  const totals = { main: { rows: 0, ms: 0, cpuMs: 0 }, pool: { rows: 0, ms: 0, cpuMs: 0 } };
  await rate(rows, ROUND_MS, ways.main);
  await rate(rows, ROUND_MS, ways.pool);
  for (let r = 0; r < ROUNDS; r++) {
    const order: ('main' | 'pool')[] = r % 2 === 0 ? ['main', 'pool'] : ['pool', 'main'];
    for (const way of order) {
      const m = await rate(rows, ROUND_MS, ways[way]);
      totals[way].rows += m.rows;
      totals[way].ms += m.ms;
      totals[way].cpuMs += m.cpuMs;
    }
  }
  return totals;
}

async function crossover(model: LoadedModel, pool: ExplainPool, id: LoadModelId): Promise<CrossoverRow[]> {
  const keep = (s: { contributions: Float64Array }) => s.contributions[0];
  const out: CrossoverRow[] = [];
  for (const size of SIZES) {
    const vectors = vectorsOf(model, variedRows(id, size, 500 + size));
    const totals = await alternate(size, {
      main: () => scoreVectors(model, vectors, keep),
      pool: () => scoreVectors(model, vectors, keep, { explainPool: pool }),
    });
    const mainRowsPerSecond = (totals.main.rows / totals.main.ms) * 1000;
    const poolRowsPerSecond = (totals.pool.rows / totals.pool.ms) * 1000;
    out.push({
      model: id,
      rows: size,
      mainRowsPerSecond,
      poolRowsPerSecond,
      ratio: poolRowsPerSecond / mainRowsPerSecond,
      mainCores: totals.main.cpuMs / totals.main.ms,
      poolCores: totals.pool.cpuMs / totals.pool.ms,
    });
    process.stdout.write('.');
  }
  return out;
}

/**
 * The crossover on a machine with a free core per thread, estimated from CPU times (which other processes' load does not
 * inflate as it does wall times): the pool's extra CPU per batch (pooled minus main thread, at 1 row) against the main
 * thread's CPU per row at the largest size, of which the pool's 2+ threads take half or less off the critical path:
 * n* = extra / (perRow / 2). ONNX's share of perRow is left in, so the estimate errs high.
 */
function idleCrossoverEstimate(rows: CrossoverRow[]): number {
  const one = rows[0];
  const most = rows[rows.length - 1];
  const extra = one.poolCores / one.poolRowsPerSecond - one.mainCores / one.mainRowsPerSecond;
  const perRow = most.mainCores / most.mainRowsPerSecond;
  return extra / (perRow / 2);
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

/** predictBatch rows/s and cores used, BATCH_CONCURRENCY requests at a time. */
async function batchPhase(service: PredictionService, batches: PredictionRow[][], seconds: number) {
  let rows = 0;
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: BATCH_CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const batch = batches[next++ % batches.length];
        const records = await service.predictBatch(BATCH_MODEL, batch, { requestId: 'bench', requester: 'bench' });
        if (records.length !== batch.length) throw new Error(`${records.length} records for ${batch.length} rows`);
        rows += batch.length;
      }
    }),
  );
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rowsPerSecond: (rows / ms) * 1000, cores: (used.user + used.system) / 1000 / ms };
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
    await pool.ready();
    const m = machine();
    console.log(
      `${m.cpu}, ${m.cores} cores, Node ${m.node}; pool of ${size} threads; ${ROUNDS} alternating rounds of ${ROUND_MS} ms per size`,
    );

    process.stdout.write('crossover ');
    const table: CrossoverRow[] = [];
    for (const id of LOAD_MODELS) table.push(...(await crossover(await registry.get(id), pool, id)));
    console.log();
    console.log('scoreVectors rows/s (ONNX + TreeSHAP + band), main thread vs pool; ratio = pool / main;');
    console.log('cores = CPU time of all the process’s threads / wall time (the pool can win only with more than 1)');
    const line = (label: string, cells: string[]) =>
      console.log([label.padEnd(20), ...cells.map((c) => c.padStart(8))].join(' '));
    line('rows per batch', SIZES.map(String));
    for (const id of LOAD_MODELS) {
      const rows = table.filter((r) => r.model === id);
      line(
        `${id} main`,
        rows.map((r) => fmt(r.mainRowsPerSecond)),
      );
      line(
        `${id} pool`,
        rows.map((r) => fmt(r.poolRowsPerSecond)),
      );
      line(
        `${id} ratio`,
        rows.map((r) => r.ratio.toFixed(2)),
      );
      line(
        `${id} cores m/p`,
        rows.map((r) => `${r.mainCores.toFixed(1)}/${r.poolCores.toFixed(1)}`),
      );
    }
    const crossovers = Object.fromEntries(
      LOAD_MODELS.map((id) => [id, crossoverSize(table.filter((r) => r.model === id))]),
    );
    const estimates = Object.fromEntries(
      LOAD_MODELS.map((id) => [id, Number(idleCrossoverEstimate(table.filter((r) => r.model === id)).toFixed(1))]),
    );
    console.log(
      `crossover measured (rows per batch from which the pool wins at every larger size): ${JSON.stringify(crossovers)}`,
    );
    console.log(`crossover estimated for free cores (from CPU times): ${JSON.stringify(estimates)}`);
    console.log(`POOLED_EXPLAIN_MIN_ROWS = ${POOLED_EXPLAIN_MIN_ROWS}`);

    const database = held.hold(await createMigratedPostgresDatabase('crc_bench_pool', POSTGRES), (d) => d.drop());
    const db = held.hold(await openDatabase({ databaseUrl: database.url }), (d) => d.close());
    const audit = prismaAuditLog(db.prisma);
    const batches = Array.from({ length: 8 }, (_, k) => variedRows(BATCH_MODEL, 1000, 1000 + k));
    const services = {
      without: new PredictionService(registry, audit),
      with: new PredictionService(registry, audit, undefined, pool),
    };
    const warm = Math.min(3, SECONDS / 3);
    await batchPhase(services.without, batches, warm);
    await batchPhase(services.with, batches, warm);
    // Two halves per way, in the order without, with, with, without: drift in the machine's load falls on both.
    const figures = { without: { rowsPerSecond: 0, cores: 0 }, with: { rowsPerSecond: 0, cores: 0 } };
    for (const way of ['without', 'with', 'with', 'without'] as const) {
      const half = await batchPhase(services[way], batches, SECONDS / 2);
      figures[way].rowsPerSecond += half.rowsPerSecond / 2;
      figures[way].cores += half.cores / 2;
    }
    console.log(
      `in-process predictBatch(1000) ×${BATCH_CONCURRENCY} (${BATCH_MODEL}, Postgres audit insert included), ${SECONDS}s each way: ` +
        `without pool ${fmt(figures.without.rowsPerSecond)} rows/s (${figures.without.cores.toFixed(1)} cores), ` +
        `with pool ${fmt(figures.with.rowsPerSecond)} rows/s (${figures.with.cores.toFixed(1)} cores) → ` +
        `${(figures.with.rowsPerSecond / figures.without.rowsPerSecond).toFixed(2)}×`,
    );
    if (fallbacks > 0) console.log(`${fallbacks} chunks fell back to the main thread`);
    mkdirSync('bench-results', { recursive: true });
    const report = {
      machine: m,
      poolThreads: size,
      seconds: SECONDS,
      roundMs: ROUND_MS,
      rounds: ROUNDS,
      crossover: table,
      crossovers,
      estimates,
      threshold: POOLED_EXPLAIN_MIN_ROWS,
      predictBatch1000: { model: BATCH_MODEL, concurrency: BATCH_CONCURRENCY, ...figures },
      fallbacks,
    };
    writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${OUT}`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
