/**
 * `npm run bench:api [-- --seconds N] [--workers N] [--no-build]`: throughput and latency of predict / predictBatch over
 * HTTP (autocannon against the app's server, as `npm start` runs it, with `--workers` server processes (default 1), on
 * a fresh Postgres database), beside the same work
 * done in-process through PredictionService with no HTTP or GraphQL, and `{ __typename }` beside Apollo's own
 * standalone server in the same run. Every response is checked, and the stored row count is compared with the
 * successes counted. Writes bench-results/api.json.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { prismaAuditLog } from '../../src/audit/audit-log';
import { openDatabase } from '../../src/db/database';
import { ModelRegistry } from '../../src/inference/model-registry';
import { PredictionService, type PredictionRow } from '../../src/prediction/prediction-service';
import { bearer, createKey } from '../support/api-keys';
import { withHeldResources } from '../support/held-resources';
import { fmt, machine } from '../support/bench-report';
import { buildApp, startApp, type RunningApp } from '../support/next-server';
import { createMigratedPostgresDatabase } from '../support/test-databases';
import { variedRows } from '../support/varied-rows';

const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const OUT = join('bench-results', 'api.json');
const TARGET_SINGLE_RPS = 1000;
const TARGET_SINGLE_P99_MS = 50;
const TARGET_BATCH_ROWS_PER_S = 20_000;
/** Our `{ __typename }` over HTTP as a share of Apollo's standalone server's, both at 32 connections. */
const TARGET_TYPENAME_RATIO = 0.5;
// Measured both without a key (the same work as Apollo's standalone server: HTTP, parse, validate, execute) and with
// the clinician key every predict sends (checked against a cache of verified keys that reads the database at most
// every 5 s per key, src/access/verified-keys.ts; the standalone server has no counterpart); the target applies to
// the first.
/** Single predict over HTTP as a share of the same work in-process. */
const TARGET_SINGLE_RATIO = 0.5;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SECONDS = Number(argValue('--seconds') ?? 15);
const WARMUP_SECONDS = Math.min(5, Math.max(2, Math.round(SECONDS / 3)));
const MODEL = argValue('--model') ?? 'heart-failure';
const BUILD = !process.argv.includes('--no-build');
const WORKERS = Number(argValue('--workers') ?? 1);
if (!Number.isInteger(WORKERS) || WORKERS < 1) throw new Error(`--workers must be a whole number ≥ 1, got ${WORKERS}`);
if (!Number.isFinite(SECONDS) || SECONDS <= 0)
  throw new Error(`--seconds must be a positive number, got ${argValue('--seconds')}`);
if (MODEL !== 'heart-failure' && MODEL !== 'diabetes')
  throw new Error(`--model must be heart-failure or diabetes, got ${MODEL}`);

// ---------- realistic, varied inputs (deterministic) ----------

/** The clinician key every HTTP request sends, made in the fresh database before the server starts. */
let apiKey = '';

const makeRows = (count: number, seed: number): PredictionRow[] => variedRows(MODEL, count, seed);

const PREDICT = `mutation Predict($input: PredictInput!) {
  predict(input: $input) { id probability positive riskBand baseValue contributions { name value contribution } }
}`;
const PREDICT_BATCH = `mutation PredictBatch($input: PredictBatchInput!) {
  predictBatch(input: $input) { id probability positive riskBand }
}`;

function singleBodies(): string[] {
  return makeRows(64, 7).map((row) =>
    JSON.stringify({ query: PREDICT, variables: { input: { modelId: MODEL, ...row } } }),
  );
}
function batchBodies(size: number): string[] {
  return Array.from({ length: 8 }, (_, k) =>
    JSON.stringify({ query: PREDICT_BATCH, variables: { input: { modelId: MODEL, rows: makeRows(size, 1000 + k) } } }),
  );
}

// ---------- fresh database ----------

async function countRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM prediction');
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

// ---------- HTTP (autocannon) ----------

interface Check {
  /** 200 responses with every expected id and no `errors`. */
  okRequests: number;
  okRows: number;
  /** 200 responses with `errors`, missing ids or unparseable bodies. */
  badBodies: number;
  firstProblem?: string;
}

interface HttpFigures {
  connections: number;
  rowsPerRequest: number;
  seconds: number;
  requestsPerSecond: number;
  rowsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  verifiedOk: number;
  badBodies: number;
  non2xx: number;
  connectionErrors: number;
  timeouts: number;
  /** Requests sent whose reply was not received before autocannon stopped (may still have been stored). */
  unanswered: number;
  firstProblem?: string;
}

function verify(check: Check, rowsPerRequest: number) {
  return (status: number, body: string) => {
    if (status !== 200) return;
    try {
      const parsed = JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
      const value = rowsPerRequest === 1 ? parsed.data?.predict : parsed.data?.predictBatch;
      const ids =
        rowsPerRequest === 1
          ? [value as { id?: unknown } | undefined]
          : ((value as { id?: unknown }[] | undefined) ?? []);
      if (
        parsed.errors?.length ||
        ids.length !== rowsPerRequest ||
        !ids.every((x) => typeof x?.id === 'string' && x.id.length > 0)
      ) {
        check.badBodies++;
        check.firstProblem ??= body.slice(0, 300);
        return;
      }
      check.okRequests++;
      check.okRows += rowsPerRequest;
    } catch {
      check.badBodies++;
      check.firstProblem ??= `unparseable: ${body.slice(0, 300)}`;
    }
  };
}

async function cannon(
  app: RunningApp,
  bodies: string[],
  rowsPerRequest: number,
  connections: number,
  seconds: number,
  check: Check,
): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `${app.url}/api/graphql`,
    connections,
    duration: seconds,
    timeout: 30,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(apiKey) },
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }),
        onResponse: verify(check, rowsPerRequest),
      },
    ],
  });
}

async function httpPhase(
  label: string,
  app: RunningApp,
  bodies: string[],
  rowsPerRequest: number,
  connections: number,
  totals: { storedExpected: number; unanswered: number; cutOffRowsMax: number },
): Promise<HttpFigures> {
  process.stdout.write(`HTTP ${label}: warm-up ${WARMUP_SECONDS}s, `);
  const warm: Check = { okRequests: 0, okRows: 0, badBodies: 0 };
  const w = await cannon(app, bodies, rowsPerRequest, connections, WARMUP_SECONDS, warm);
  totals.storedExpected += warm.okRows;
  const warmUnanswered = Math.max(0, w.requests.sent - (w['1xx'] + w['2xx'] + w['3xx'] + w['4xx'] + w['5xx']));
  totals.unanswered += warmUnanswered;
  totals.cutOffRowsMax += warmUnanswered * rowsPerRequest;
  process.stdout.write(`measure ${SECONDS}s … `);
  const check: Check = { okRequests: 0, okRows: 0, badBodies: 0 };
  const r = await cannon(app, bodies, rowsPerRequest, connections, SECONDS, check);
  totals.storedExpected += check.okRows;
  const answered = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  const unanswered = Math.max(0, r.requests.sent - answered);
  totals.unanswered += unanswered;
  totals.cutOffRowsMax += unanswered * rowsPerRequest;
  const figures: HttpFigures = {
    connections,
    rowsPerRequest,
    seconds: r.duration,
    requestsPerSecond: check.okRequests / r.duration,
    rowsPerSecond: check.okRows / r.duration,
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    verifiedOk: check.okRequests,
    badBodies: check.badBodies + warm.badBodies,
    non2xx: r.non2xx + w.non2xx,
    connectionErrors: r.errors + w.errors,
    timeouts: r.timeouts + w.timeouts,
    unanswered,
    firstProblem: check.firstProblem ?? warm.firstProblem,
  };
  console.log(`${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`);
  return figures;
}

interface TypenameFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * The ceiling an HTTP path sets before any model or database work: `{ __typename }` at 32 connections. On the app's
 * server it goes through the same path as predict (body checks, Apollo, limits and log plugins, key check).
 */
async function typenamePhase(label: string, url: string, headers: Record<string, string>): Promise<TypenameFigures> {
  process.stdout.write(`HTTP { __typename } ×32 on ${label} (no model, no database): warm-up ${WARMUP_SECONDS}s, `);
  const body = JSON.stringify({ query: '{ __typename }' });
  let ok = 0;
  let bad = 0;
  const run = (seconds: number) =>
    autocannon({
      url,
      connections: 32,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      requests: [
        {
          onResponse: (status: number, reply: string) =>
            void (status === 200 && reply.includes('"__typename":"Query"') ? ok++ : bad++),
        },
      ],
    });
  const warm = await run(WARMUP_SECONDS);
  process.stdout.write(`measure ${SECONDS}s … `);
  ok = 0;
  const r = await run(SECONDS);
  const figures = {
    requestsPerSecond: ok / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    errors: bad + r.errors + warm.errors,
  };
  console.log(`${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`);
  return figures;
}

/** Apollo's standalone server in a child process (tests/bench/apollo-standalone-server.ts), as the app runs in one. */
async function startApolloStandalone(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('tests', 'bench', 'apollo-standalone-server.ts')], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`Apollo's standalone server exited (${code}):\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// ---------- in-process baseline ----------

interface BaselineFigures {
  concurrency: number;
  rowsPerCall: number;
  seconds: number;
  opsPerSecond: number;
  rowsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  ok: number;
  errors: number;
  firstProblem?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function loop(service: PredictionService, batches: PredictionRow[][], concurrency: number, seconds: number) {
  const latencies: number[] = [];
  let ok = 0;
  let rows = 0;
  let errors = 0;
  let firstProblem: string | undefined;
  let next = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const batch = batches[next++ % batches.length];
      const t = performance.now();
      try {
        const records =
          batch.length === 1
            ? [await service.predict(MODEL, batch[0], { requestId: 'bench', requester: 'bench' })]
            : await service.predictBatch(MODEL, batch, { requestId: 'bench', requester: 'bench' });
        if (records.length !== batch.length || !records.every((x) => typeof x.id === 'string'))
          throw new Error('missing ids');
        latencies.push(performance.now() - t);
        ok++;
        rows += batch.length;
      } catch (error) {
        errors++;
        firstProblem ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  return { latencies: Float64Array.from(latencies).sort(), ok, rows, errors, elapsed, firstProblem };
}

async function baselinePhase(
  label: string,
  service: PredictionService,
  batches: PredictionRow[][],
  concurrency: number,
  totals: { storedExpected: number },
): Promise<BaselineFigures> {
  process.stdout.write(`in-process ${label}: warm-up ${WARMUP_SECONDS}s, `);
  const warm = await loop(service, batches, concurrency, WARMUP_SECONDS);
  totals.storedExpected += warm.rows;
  process.stdout.write(`measure ${SECONDS}s … `);
  const m = await loop(service, batches, concurrency, SECONDS);
  totals.storedExpected += m.rows;
  const figures: BaselineFigures = {
    concurrency,
    rowsPerCall: batches[0].length,
    seconds: m.elapsed,
    opsPerSecond: m.ok / m.elapsed,
    rowsPerSecond: m.rows / m.elapsed,
    p50Ms: percentile(m.latencies, 50),
    p90Ms: percentile(m.latencies, 90),
    p99Ms: percentile(m.latencies, 99),
    maxMs: percentile(m.latencies, 100),
    ok: m.ok,
    errors: m.errors + warm.errors,
    firstProblem: m.firstProblem ?? warm.firstProblem,
  };
  console.log(
    `${figures.opsPerSecond.toFixed(0)} ops/s, p50 ${figures.p50Ms.toFixed(2)} ms, p99 ${figures.p99Ms.toFixed(2)} ms`,
  );
  return figures;
}

// ---------- report ----------

async function main(): Promise<void> {
  const started = new Date();
  await withHeldResources(async (held) => {
    if (BUILD) {
      console.log('next build …');
      await buildApp();
    }
    const database = held.hold(await createMigratedPostgresDatabase('crc_bench', POSTGRES), (d) => d.drop());
    apiKey = (await createKey({ databaseUrl: database.url }, 'clinician', 'api bench')).key;
    console.log(
      `database ${database.name}; model ${MODEL}; ${SECONDS}s per measurement after ${WARMUP_SECONDS}s warm-up`,
    );
    // One server at a time: Apollo's own first, then the app's.
    const standalone = held.hold(await startApolloStandalone(), (a) => a.stop());
    const apolloFloor = await typenamePhase("Apollo's standalone server", standalone.url, {});
    await held.release(standalone);
    const app = held.hold(await startApp({ DATABASE_URL: database.url }, ['--workers', String(WORKERS)]), (a) =>
      a.stop(),
    );

    const http = { storedExpected: 0, unanswered: 0, cutOffRowsMax: 0 };
    const anonymousFloor = await typenamePhase("the app's server, no key", `${app.url}/api/graphql`, {});
    const floor = await typenamePhase("the app's server, with a key", `${app.url}/api/graphql`, bearer(apiKey));
    const single = await httpPhase('predict ×32', app, singleBodies(), 1, 32, http);
    const batch100 = await httpPhase('predictBatch(100) ×8', app, batchBodies(100), 100, 8, http);
    const batch1000 = await httpPhase('predictBatch(1000) ×8', app, batchBodies(1000), 1000, 8, http);
    await new Promise((r) => setTimeout(r, 1000)); // let requests cut off by autocannon finish on the server
    await held.release(app);
    const storedAfterHttp = await countRows(database.url);

    const db = held.hold(await openDatabase({ databaseUrl: database.url }), (d) => d.close());
    const registry = held.hold(new ModelRegistry('models'), (r) => r.close());
    const service = new PredictionService(registry, prismaAuditLog(db.prisma, db));
    const base = { storedExpected: 0 };
    const singleBase = await baselinePhase(
      'predict ×32',
      service,
      makeRows(64, 7).map((r) => [r]),
      32,
      base,
    );
    const batch100Base = await baselinePhase(
      'predictBatch(100) ×8',
      service,
      Array.from({ length: 8 }, (_, k) => makeRows(100, 1000 + k)),
      8,
      base,
    );
    const batch1000Base = await baselinePhase(
      'predictBatch(1000) ×8',
      service,
      Array.from({ length: 8 }, (_, k) => makeRows(1000, 1000 + k)),
      8,
      base,
    );
    const storedTotal = await countRows(database.url);

    // Rows stored through HTTP: the verified successes, plus at most the requests autocannon cut off unanswered.
    const httpRows = storedAfterHttp;
    const cutOffRowsMax = http.cutOffRowsMax;
    const httpCountOk = httpRows >= http.storedExpected && httpRows - http.storedExpected <= cutOffRowsMax;
    const httpCountExact = httpRows === http.storedExpected;
    const baselineRows = storedTotal - storedAfterHttp;
    const baselineCountOk = baselineRows === base.storedExpected;

    const singleMet = single.requestsPerSecond >= TARGET_SINGLE_RPS && single.p99Ms <= TARGET_SINGLE_P99_MS;
    const batchMet = batch1000.rowsPerSecond >= TARGET_BATCH_ROWS_PER_S;
    const typenameRatio = anonymousFloor.requestsPerSecond / apolloFloor.requestsPerSecond;
    const keyedTypenameRatio = floor.requestsPerSecond / apolloFloor.requestsPerSecond;
    const singleRatio = single.rowsPerSecond / singleBase.rowsPerSecond;
    const m = machine();

    const rows: [string, HttpFigures, BaselineFigures][] = [
      ['predict (32 conn)', single, singleBase],
      ['predictBatch(100) (8 conn)', batch100, batch100Base],
      ['predictBatch(1000) (8 conn)', batch1000, batch1000Base],
    ];
    const errorsOf = (h: HttpFigures) => h.badBodies + h.non2xx + h.connectionErrors;
    console.log(
      `\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}); Postgres at ${POSTGRES.replace(/\/\/[^@]*@/, '//')}; model ${MODEL}; ${WORKERS} server process${WORKERS > 1 ? 'es' : ''}`,
    );
    console.log(
      `Each figure: ${SECONDS}s after ${WARMUP_SECONDS}s warm-up; HTTP = autocannon → the app's server (npm start) → GraphQL → PredictionService → Postgres; in-process = PredictionService → Postgres\n`,
    );
    const header = [
      'scenario',
      'HTTP req/s',
      'HTTP rows/s',
      'HTTP p50',
      'HTTP p99',
      'errors',
      'in-proc ops/s',
      'in-proc rows/s',
      'in-proc p50',
      'in-proc p99',
      'HTTP/in-proc',
    ];
    const table = rows.map(([name, h, b]) => [
      name,
      fmt(h.requestsPerSecond),
      fmt(h.rowsPerSecond),
      `${fmt(h.p50Ms, 1)} ms`,
      `${fmt(h.p99Ms, 1)} ms`,
      fmt(errorsOf(h)),
      fmt(b.opsPerSecond),
      fmt(b.rowsPerSecond),
      `${fmt(b.p50Ms, 1)} ms`,
      `${fmt(b.p99Ms, 1)} ms`,
      `${fmt((100 * h.rowsPerSecond) / b.rowsPerSecond, 0)} %`,
    ]);
    const widths = header.map((hd, i) => Math.max(hd.length, ...table.map((r) => r[i].length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of table) console.log(line(r));
    console.log(
      `\nHTTP ceiling: { __typename } through the same path and server answers ${fmt(floor.requestsPerSecond)} req/s (p50 ${fmt(floor.p50Ms, 1)} ms, p99 ${fmt(floor.p99Ms, 1)} ms) at 32 connections with the key checked and no model work,` +
        ` ${fmt(anonymousFloor.requestsPerSecond)} req/s (p50 ${fmt(anonymousFloor.p50Ms, 1)} ms, p99 ${fmt(anonymousFloor.p99Ms, 1)} ms) without a key;` +
        ` Apollo's standalone server on the same schema ${fmt(apolloFloor.requestsPerSecond)} req/s (p50 ${fmt(apolloFloor.p50Ms, 1)} ms, p99 ${fmt(apolloFloor.p99Ms, 1)} ms).`,
    );
    console.log('\nTargets:');
    console.log(
      `  { __typename } without a key ≥ ${TARGET_TYPENAME_RATIO} of Apollo's standalone server: ${fmt(anonymousFloor.requestsPerSecond)} / ${fmt(apolloFloor.requestsPerSecond)} = ${fmt(typenameRatio, 2)} → ${typenameRatio >= TARGET_TYPENAME_RATIO ? 'MET' : 'MISSED'}` +
        ` (with the key checked: ${fmt(keyedTypenameRatio, 2)})`,
    );
    console.log(
      `  single predict ≥ ${TARGET_SINGLE_RATIO} of in-process: ${fmt(single.rowsPerSecond)} / ${fmt(singleBase.rowsPerSecond)} = ${fmt(singleRatio, 2)} → ${singleRatio >= TARGET_SINGLE_RATIO ? 'MET' : 'MISSED'}`,
    );
    console.log(
      `  single predict ≥ ${fmt(TARGET_SINGLE_RPS)}/s with p99 ≤ ${TARGET_SINGLE_P99_MS} ms at 32 connections: ${fmt(single.requestsPerSecond)}/s, p99 ${fmt(single.p99Ms, 1)} ms → ${singleMet ? 'MET' : 'MISSED'}`,
    );
    console.log(
      `  predictBatch(1000) ≥ ${fmt(TARGET_BATCH_ROWS_PER_S)} rows/s stored: ${fmt(batch1000.rowsPerSecond)} rows/s → ${batchMet ? 'MET' : 'MISSED'}`,
    );
    console.log('Correctness:');
    for (const [name, h] of rows) {
      console.log(
        `  ${name}: ${h.verifiedOk} verified 200s; ${h.badBodies} bad bodies, ${h.non2xx} non-2xx, ${h.connectionErrors} connection errors (${h.timeouts} timeouts), ${h.unanswered} cut off at stop${h.firstProblem ? `; first problem: ${h.firstProblem}` : ''}`,
      );
    }
    for (const [name, , b] of rows)
      if (b.errors) console.log(`  in-process ${name}: ${b.errors} errors; first: ${b.firstProblem}`);
    console.log(
      `  rows stored via HTTP: ${fmt(httpRows)} vs ${fmt(http.storedExpected)} verified successes (warm-up included)` +
        (httpCountExact
          ? ' → equal'
          : httpCountOk
            ? ` → extra ${httpRows - http.storedExpected} from ${http.unanswered} requests cut off at autocannon's stop`
            : ' → MISMATCH'),
    );
    console.log(
      `  rows stored in-process: ${fmt(baselineRows)} vs ${fmt(base.storedExpected)} successes → ${baselineCountOk ? 'equal' : 'MISMATCH'}; table total ${fmt(storedTotal)}`,
    );

    const result = {
      startedAt: started.toISOString(),
      machine: m,
      postgres: POSTGRES.replace(/\/\/[^@]*@/, '//'),
      model: MODEL,
      serverProcesses: WORKERS,
      secondsPerMeasurement: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      httpCeiling: { operation: '{ __typename }', connections: 32, ...floor },
      httpCeilingWithoutKey: { operation: '{ __typename }', connections: 32, ...anonymousFloor },
      apolloStandalone: { operation: '{ __typename }', connections: 32, ...apolloFloor },
      scenarios: rows.map(([name, h, b]) => ({
        name,
        http: h,
        inProcess: b,
        httpToInProcessRatio: h.rowsPerSecond / b.rowsPerSecond,
      })),
      targets: {
        typenameToApolloStandalone: {
          ratio: TARGET_TYPENAME_RATIO,
          measuredRatio: typenameRatio,
          measuredRatioWithKey: keyedTypenameRatio,
          met: typenameRatio >= TARGET_TYPENAME_RATIO,
        },
        singlePredictToInProcess: {
          ratio: TARGET_SINGLE_RATIO,
          measuredRatio: singleRatio,
          met: singleRatio >= TARGET_SINGLE_RATIO,
        },
        singlePredict: {
          requestsPerSecond: TARGET_SINGLE_RPS,
          p99Ms: TARGET_SINGLE_P99_MS,
          measuredRequestsPerSecond: single.requestsPerSecond,
          measuredP99Ms: single.p99Ms,
          met: singleMet,
        },
        batch1000: {
          rowsPerSecond: TARGET_BATCH_ROWS_PER_S,
          measuredRowsPerSecond: batch1000.rowsPerSecond,
          met: batchMet,
        },
      },
      storedRows: {
        http: {
          stored: httpRows,
          verifiedSuccesses: http.storedExpected,
          unansweredRequests: http.unanswered,
          cutOffRowsMax,
          exact: httpCountExact,
          consistent: httpCountOk,
        },
        inProcess: { stored: baselineRows, successes: base.storedExpected, consistent: baselineCountOk },
        total: storedTotal,
      },
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote ${OUT}`);
    const anyErrors =
      floor.errors > 0 ||
      anonymousFloor.errors > 0 ||
      apolloFloor.errors > 0 ||
      rows.some(([, h, b]) => errorsOf(h) > 0 || b.errors > 0);
    if (anyErrors || !httpCountOk || !baselineCountOk) process.exitCode = 1;
  });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
