/**
 * `npm run bench:audit [-- --seconds N] [--rounds N]`: where the time of a predictBatch(1000) goes (model run,
 * explanation, checks, serialisation, SHA-256, lock, INSERT through Prisma or pg), and predictBatch(1000) in-process
 * rows/s through the chain writer as it was before the single-serialisation rewrite (tests/bench/legacy-chain-writer.ts)
 * beside today's, through Prisma's raw queries and through the database's own connection. The variants take turns in
 * every round, on one fresh Postgres database, so the machine's other load falls on all of them alike; the figures
 * reported are ratios to the legacy writer measured in the same run. Writes bench-results/audit.json.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { canonicalJson } from '../../src/audit/audit-chain';
import { checkAuditRecords, prismaAuditLog, verifyAuditChain, type AuditLog } from '../../src/audit/audit-log';
import { insertPreparedIn, prepareBatch, prismaChainTransaction } from '../../src/audit/chain-writer';
import { openDatabase, type Database } from '../../src/db/database';
import { ModelRegistry } from '../../src/inference/model-registry';
import { PredictionService, type PredictionRow } from '../../src/prediction/prediction-service';
import { validateRows } from '../../src/prediction/prediction-request';
import { explainRow, runModel, vectorizeInto } from '../../src/prediction/scoring';
import { fmt, machine } from '../support/bench-report';
import { withHeldResources } from '../support/held-resources';
import { createMigratedPostgresDatabase } from '../support/test-databases';
import { variedRows } from '../support/varied-rows';
import * as legacy from './legacy-chain-writer';

const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const OUT = join('bench-results', 'audit.json');
const MODEL = 'heart-failure';
const BATCH = 1000;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SECONDS = Number(argValue('--seconds') ?? 4);
const ROUNDS = Number(argValue('--rounds') ?? 3);
const STAGE_REPEATS = Number(argValue('--repeats') ?? 30);
if (!(SECONDS > 0) || !Number.isInteger(ROUNDS) || ROUNDS < 1 || !Number.isInteger(STAGE_REPEATS) || STAGE_REPEATS < 5)
  throw new Error('--seconds must be positive, --rounds a positive integer, --repeats an integer of at least 5');

const ORIGIN = { requestId: 'bench', requester: 'bench' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Rolls a transaction back from inside its work: stage timings must not grow the chain they read the head of. */
class Rollback extends Error {}

/** Median milliseconds of each stage of one 1000-row batch, stage by stage, over STAGE_REPEATS batches. */
async function stages(db: Database, registry: ModelRegistry, rows: PredictionRow[]): Promise<Record<string, number>> {
  const model = await registry.get(MODEL);
  const scorer = new PredictionService(registry, { append: async () => [] } as unknown as AuditLog);
  const times: Record<string, number[]> = {};
  const time = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    (times[name] ??= []).push(performance.now() - started);
    return result;
  };
  const width = model.vectorNames.length;
  for (let repeat = 0; repeat < STAGE_REPEATS + 3; repeat++) {
    const valid = await time('validate', () => validateRows(model.card, rows, {}));
    const vectors = new Float32Array(rows.length * width);
    await time('vectorize', () =>
      valid.forEach((row, i) => vectorizeInto(model, row.course ? {} : row.inputs, vectors, i)),
    );
    await time('model run (onnxruntime)', () => runModel(model, vectors));
    const into = new Float64Array(width);
    await time('explain (TreeSHAP)', () => {
      for (let i = 0; i < rows.length; i++) explainRow(model, vectors.subarray(i * width, (i + 1) * width), into);
    });
    const records = await time('score(): all of the above + records', () => scorer.score(MODEL, rows, ORIGIN));
    await time('before: check records (zod, text walk)', () => legacy.checkAuditRecords(records));
    const checked = await time('after: check records (zod, text walk)', () => checkAuditRecords(records));
    const createdAt = new Date();
    // Before: canonical JSON of each whole record for the hash, SHA-256, JSON.stringify again for each jsonb column,
    // all under the lock.
    await time('before: canonical JSON for the hash', () =>
      checked.map((record, i) => legacy.canonicalJson({ ...record, sequence: i + 1, createdAt })),
    );
    await time('before: link hashes (canonical JSON + SHA-256)', () => {
      let previous = '0'.repeat(64);
      for (let i = 0; i < checked.length; i++)
        previous = legacy.linkHash(previous, { ...checked[i], sequence: i + 1, createdAt });
    });
    await time('before: JSON.stringify of the jsonb columns', () =>
      checked.map((r) => [JSON.stringify(r.inputs), JSON.stringify(r.vector), JSON.stringify(r.contributions)]),
    );
    // After: one canonical pass per record, outside the lock; under it, SHA-256 of five joined texts.
    const batch = await time('after: prepare (one canonical pass, columns)', () => prepareBatch(checked));
    await time('after: link hashes from prepared text (under the lock)', () => {
      let previous = '0'.repeat(64);
      for (let i = 0; i < batch.links.length; i++) previous = batch.links[i].hash(previous, i + 1, createdAt);
    });
    const texts = checked.map((record) => canonicalJson({ ...record, sequence: 1, createdAt }));
    await time('  of which SHA-256 alone', () => texts.map((text) => createHash('sha256').update(text).digest('hex')));
    await time('Prisma tx: lock, head, hashes, INSERT (rolled back)', () =>
      db.prisma
        .$transaction(async (tx) => {
          await insertPreparedIn(timed(prismaChainTransaction(tx), 'Prisma', time), batch);
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        }),
    );
    await time('pg tx: lock, head, hashes, INSERT (rolled back)', () =>
      db
        .transaction(async (tx) => {
          await insertPreparedIn(timed(tx, 'pg', time), batch);
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        }),
    );
  }
  // The first three batches warm the JIT and the connections.
  return Object.fromEntries(Object.entries(times).map(([name, ms]) => [name, median(ms.slice(3))]));
}

/** The transaction with each statement timed under `<driver>: <statement>`. */
function timed<T extends { query: (sql: string, params: unknown[]) => Promise<unknown[]> }>(
  tx: T,
  driver: string,
  time: (name: string, work: () => Promise<unknown>) => Promise<unknown>,
): T {
  const name = (sql: string) =>
    sql.includes('pg_advisory_xact_lock') ? 'lock' : sql.includes('INSERT') ? 'INSERT' : 'head';
  return {
    ...tx,
    query: (sql: string, params: unknown[]) => time(`  ${driver}: ${name(sql)}`, () => tx.query(sql, params)),
  } as T;
}

interface Variant {
  name: string;
  service: PredictionService;
  /** Milliseconds of each append inside predictBatch (the writer's share; the rest is scoring). */
  appendMs: number[];
}

/** A variant whose log's appends are timed. */
function variant(name: string, registry: ModelRegistry, log: Pick<AuditLog, 'append'>): Variant {
  const appendMs: number[] = [];
  const timedLog = {
    async append(records: Parameters<AuditLog['append']>[0]) {
      const started = performance.now();
      const stored = await log.append(records);
      appendMs.push(performance.now() - started);
      return stored;
    },
  };
  return { name, appendMs, service: new PredictionService(registry, timedLog as AuditLog) };
}

/** Batches of BATCH rows one after another for `seconds`: rows stored per second. */
async function rowsPerSecond(variant: Variant, batches: PredictionRow[][], seconds: number): Promise<number> {
  let rows = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    const stored = await variant.service.predictBatch(MODEL, batches[next++ % batches.length], ORIGIN);
    if (stored.length !== BATCH) throw new Error(`${variant.name}: ${stored.length} records stored of ${BATCH}`);
    rows += stored.length;
  }
  return rows / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const started = new Date();
  await withHeldResources(async (held) => {
    const database = held.hold(await createMigratedPostgresDatabase('crc_bench_audit', POSTGRES), (d) => d.drop());
    const db = held.hold(await openDatabase({ databaseUrl: database.url }), (d) => d.close());
    const registry = held.hold(new ModelRegistry('models'), (r) => r.close());
    const batches = Array.from({ length: 8 }, (_, k) => variedRows(MODEL, BATCH, 1000 + k));

    console.log(`database ${database.name}; model ${MODEL}; stages: median of ${STAGE_REPEATS} batches of ${BATCH}`);
    const stage = await stages(db, registry, batches[0]);
    for (const [name, ms] of Object.entries(stage)) console.log(`${name.padEnd(52)} ${fmt(ms, 2).padStart(8)} ms`);

    const variants: Variant[] = [
      variant('legacy writer (Prisma)', registry, legacy.legacyAuditLog(db.prisma)),
      variant('prepared writer, Prisma', registry, prismaAuditLog(db.prisma)),
      variant('prepared writer, pg', registry, prismaAuditLog(db.prisma, db)),
    ];
    const perRound: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
    console.log(`\npredictBatch(${BATCH}) in-process, one caller: ${ROUNDS} rounds of ${SECONDS}s per variant`);
    for (const v of variants) {
      await rowsPerSecond(v, batches, 1); // warm-up
      v.appendMs.length = 0;
    }
    for (let round = 0; round < ROUNDS; round++) {
      // The order turns each round, so no variant always follows the same one.
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(k + round) % variants.length];
        perRound[v.name].push(await rowsPerSecond(v, batches, SECONDS));
      }
    }
    const legacyRows = median(perRound[variants[0].name]);
    const legacyAppend = median(variants[0].appendMs);
    const throughput = variants.map((v) => ({
      variant: v.name,
      rowsPerSecond: median(perRound[v.name]),
      rounds: perRound[v.name],
      ratioToLegacy: median(perRound[v.name]) / legacyRows,
      appendMsMedian: median(v.appendMs),
      appendMsMin: Math.min(...v.appendMs),
      appendSpeedupToLegacy: legacyAppend / median(v.appendMs),
    }));
    for (const t of throughput)
      console.log(
        `${t.variant.padEnd(28)} ${fmt(t.rowsPerSecond).padStart(8)} rows/s ×${fmt(t.ratioToLegacy, 2)}; ` +
          `append ${fmt(t.appendMsMedian, 1)} ms median, ${fmt(t.appendMsMin, 1)} min, ×${fmt(t.appendSpeedupToLegacy, 2)} ` +
          `(rounds ${t.rounds.map((r) => fmt(r)).join(', ')})`,
      );

    // Every variant extended the same chain: it must verify whole (the legacy writer's links and today's alike).
    const report = await verifyAuditChain(db.prisma);
    console.log(`\nchain: ${report.checked} records, ${report.breaks.length} breaks`);
    if (report.breaks.length > 0) throw new Error(`the chain broke: ${JSON.stringify(report.breaks.slice(0, 3))}`);
    const stored = await new pg.Client({ connectionString: database.url });
    await stored.connect();
    const { rows } = await stored.query<{ n: string }>('SELECT count(*)::text AS n FROM prediction');
    await stored.end();
    if (Number(rows[0].n) !== report.checked) throw new Error(`${rows[0].n} rows stored, ${report.checked} verified`);

    const m = machine();
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(
      OUT,
      JSON.stringify(
        {
          started,
          machine: m,
          model: MODEL,
          batch: BATCH,
          seconds: SECONDS,
          rounds: ROUNDS,
          stagesMs: stage,
          throughput,
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}; written to ${OUT}`);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
