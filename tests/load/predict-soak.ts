/**
 * The predict soak: sustained load at a fixed number of connections on the predict mutation over HTTP
 * (autocannon → the app's server (`npm start`) → GraphQL → PredictionService → Postgres), every acknowledged prediction id
 * checked in the database afterwards, and the server's resident memory sampled throughout. Used by
 * `npm run soak` (tests/load/soak.ts) and, shortened, by tests/integration/http/soak.test.ts.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { bearer, createKey } from '../support/api-keys';
import { withHeldResources } from '../support/held-resources';
import { fmt, machine, type Machine } from '../support/bench-report';
import { buildApp, startApp, type RunningApp } from '../support/next-server';
import { createMigratedPostgresDatabase, TEST_POSTGRES } from '../support/test-databases';
import { LOAD_MODELS, variedRows, type LoadModelId } from '../support/varied-rows';
import { restingMemory, type RestingMemory } from './resting-memory';

export interface SoakOptions {
  /** Seconds of measured load. */
  seconds: number;
  /** Concurrent keep-alive connections, each with one request in flight. */
  connections: number;
  /** Seconds of the same load before the measurement (JIT, connection pools, every model's first use). */
  warmupSeconds: number;
  /** Quiet seconds after the warm-up and after the load, each ended by a reading at rest (resting-memory.ts). */
  idleSeconds: number;
  /** Seconds between progress lines. */
  progressSeconds: number;
  /** Models asked in turn, request by request. */
  models: readonly LoadModelId[];
  /** A request unanswered after this many seconds counts as a timeout. */
  timeoutSeconds: number;
  /** Headers added to every request (the API key's, for one). */
  headers?: Record<string, string>;
  /** Progress lines (one every progressSeconds); silent when absent. */
  log?: (line: string) => void;
}

export const DEFAULT_SOAK: SoakOptions = {
  seconds: 60,
  connections: 64,
  warmupSeconds: 10,
  idleSeconds: 5,
  progressSeconds: 2,
  models: LOAD_MODELS,
  timeoutSeconds: 10,
};

/** The server's RSS is read this often during the warm-up and the load (reported, not judged). */
const READING_MS = 250;

/**
 * "Memory stable" is judged at rest after a full garbage collection (resting-memory.ts), before and after the
 * measured load, the same way in the full soak and in CI's 8 seconds:
 * - what the JavaScript heap and its buffers retain may grow by at most max(12 MiB, 5 %). It moved by ±2 MiB
 *   between readings here (137 MiB after 3,000 predictions and after 33,000; −0.2 MiB over CI's 8 s). A leak
 *   of 2 KB per request, put into the server on purpose, grew it +15.4 MiB over 8,031 predictions: CI's run
 *   catches a leak of ~1.5 KB per prediction, the full minute one of ~200 bytes.
 * - the RSS may grow by at most max(64 MiB, 15 %): it also holds native memory (onnxruntime's sessions, the
 *   allocator's arenas), which no collection frees, so a native leak shows only there. After a collection
 *   it fell back to within ±11 MiB of its level before the load (345 → 346 MiB, having peaked at 608 under
 *   load); it is coarser because freed native memory is not always given back to the system.
 */
export function retainedBoundMiB(startMiB: number): number {
  return Math.max(12, 0.05 * startMiB);
}

export function rssBoundMiB(startMiB: number): number {
  return Math.max(64, 0.15 * startMiB);
}

export interface MemorySample {
  /** Seconds since the soak began (the start of the warm-up). */
  atSeconds: number;
  phase: 'startup' | 'warm-up' | 'load';
  rssMiB: number;
}

export interface SoakErrors {
  /** Sum of every kind below but `unanswered`, which overlaps timeouts and socket errors. */
  total: number;
  /** Answers other than 200, by status code. */
  non200: Record<string, number>;
  /** 200 answers carrying GraphQL errors, by extensions.code. */
  graphql: Record<string, number>;
  /** 200 answers without errors that lack the id, answer another request, or are not JSON. */
  badBodies: number;
  timeouts: number;
  /** Connection errors other than timeouts, by error code. */
  socket: Record<string, number>;
  /** Requests sent and never answered (after the graceful stop, only those lost to the two kinds above). */
  unanswered: number;
  firstProblem?: string;
}

export interface SoakResult {
  startedAt: string;
  machine: Machine & { loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  options: Omit<SoakOptions, 'log' | 'headers'> & { headerNames: string[] };
  measured: {
    seconds: number;
    sent: number;
    answered: number;
    ok: number;
    requestsPerSecond: number;
    latencyMs: { p50: number; p90: number; p99: number; max: number };
  };
  /**
   * CPU during the measured load, in % of one core: the machine's busy time, the server's, this process's
   * (autocannon and the checks), and the rest — Postgres, and any other work on the machine, which makes
   * the figures noisy when it is large.
   */
  cpu: {
    capacityPercent: number;
    machinePercent: number;
    serverPercent: number;
    loadGeneratorPercent: number;
    restPercent: number;
  };
  warmup: {
    seconds: number;
    sent: number;
    ok: number;
  };
  errors: SoakErrors;
  ids: {
    /** Distinct ids answered with a 200, warm-up included. */
    acknowledged: number;
    /** An id answered twice. */
    duplicates: number;
    /** Rows in the prediction table afterwards (a fresh database: only this soak's). */
    stored: number;
    /** Acknowledged ids with no row. */
    missing: number;
    /** Acknowledged ids whose row holds another request's patientRef. */
    mismatched: number;
    /** Rows whose id nobody was given. */
    unacknowledged: number;
  };
  memory: {
    /** The RSS before the first request. */
    startupMiB: number;
    /** At rest after a full collection, after the warm-up and `idleSeconds` of rest. */
    before: RestingMemory;
    /** The same, after the load and `idleSeconds` of rest. */
    after: RestingMemory;
    /** after.retainedMiB − before.retainedMiB, judged against retainedBoundMiB. */
    retainedGrowthMiB: number;
    retainedBoundMiB: number;
    /** after.rssMiB − before.rssMiB, judged against rssBoundMiB. */
    rssGrowthMiB: number;
    rssBoundMiB: number;
    /** The highest RSS reading during the measured load. */
    peakMiB: number;
    /** The kernel's high-water mark of the server's RSS, over its whole life. */
    highWaterMiB: number;
    samples: MemorySample[];
  };
  failures: string[];
  passed: boolean;
}

// ---------- the server's memory ----------

function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** CPU seconds so far: the machine's busy time, the server's and this process's (autocannon and the checks). */
interface CpuCounters {
  wall: number;
  machineBusy: number;
  server: number;
  self: number;
}

/** USER_HZ: /proc reports CPU time in these ticks (100 on every Linux build that matters here). */
const TICKS_PER_SECOND = 100;

function cpuCounters(pid: number): CpuCounters {
  const [, ...machine] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).map(Number);
  const idle = machine[3] + (machine[4] ?? 0); // idle + iowait
  const total = machine.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal (guest time is already in user)
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const server = Number(fields[11]) + Number(fields[12]); // utime, stime
  const self = process.cpuUsage();
  return {
    wall: performance.now() / 1000,
    machineBusy: (total - idle) / TICKS_PER_SECOND,
    server: server / TICKS_PER_SECOND,
    self: (self.user + self.system) / 1e6,
  };
}

/** Where the CPU went between two readings, in % of one core. */
function cpuShares(a: CpuCounters, b: CpuCounters, cores: number): SoakResult['cpu'] {
  const wall = b.wall - a.wall;
  const pct = (seconds: number) => Math.round((100 * seconds) / wall);
  const machinePercent = pct(b.machineBusy - a.machineBusy);
  const serverPercent = pct(b.server - a.server);
  const loadGeneratorPercent = pct(b.self - a.self);
  return {
    capacityPercent: 100 * cores,
    machinePercent,
    serverPercent,
    loadGeneratorPercent,
    restPercent: Math.max(0, machinePercent - serverPercent - loadGeneratorPercent),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------- requests ----------

const PREDICT = readFileSync(join('graphql', 'operations', 'Predict.graphql'), 'utf8');
/** Distinct feature sets per model; every request also carries a patientRef of its own. */
const POOL = 512;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Tally {
  sent: number;
  answered: number;
  ok: number;
  lastAnswerAt: number;
  non200: Record<string, number>;
  graphql: Record<string, number>;
  badBodies: number;
  timeouts: number;
  socket: Record<string, number>;
  firstProblem?: string;
}

const newTally = (): Tally => ({
  sent: 0,
  answered: 0,
  ok: 0,
  lastAnswerAt: 0,
  non200: {},
  graphql: {},
  badBodies: 0,
  timeouts: 0,
  socket: {},
});
const bump = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** What a soak run shares across its phases: the request sequence and every acknowledged id. */
class Ledger {
  private seq = 0;
  /** id → the patientRef of the request it answered. */
  readonly acknowledged = new Map<string, string>();
  duplicates = 0;
  private readonly pools: Record<LoadModelId, ReturnType<typeof variedRows>>;

  constructor(
    private readonly models: readonly LoadModelId[],
    private readonly runTag: string,
  ) {
    this.pools = {
      'heart-failure': variedRows('heart-failure', POOL, 11),
      diabetes: variedRows('diabetes', POOL, 12),
      sepsis: variedRows('sepsis', POOL, 13),
    };
  }

  /** The next request's body and its patientRef (unique in the run, so a row names its request). */
  next(): { body: string; ref: string } {
    const n = this.seq++;
    const modelId = this.models[n % this.models.length];
    const row = this.pools[modelId][Math.floor(n / this.models.length) % POOL];
    const ref = `soak-${this.runTag}-${n}`;
    return {
      ref,
      body: JSON.stringify({
        operationName: 'Predict',
        query: PREDICT,
        variables: { input: { modelId, patientRef: ref, features: row.features } },
      }),
    };
  }

  /** Classifies one answer to the request that sent `ref`. */
  record(tally: Tally, status: number, body: string, ref: string | undefined): void {
    tally.answered++;
    tally.lastAnswerAt = performance.now();
    if (status !== 200) {
      bump(tally.non200, String(status));
      tally.firstProblem ??= `HTTP ${status}: ${body.slice(0, 300)}`;
      return;
    }
    let parsed: {
      data?: { predict?: { id?: unknown; patientRef?: unknown } | null } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    try {
      parsed = JSON.parse(body);
    } catch {
      tally.badBodies++;
      tally.firstProblem ??= `not JSON: ${body.slice(0, 300)}`;
      return;
    }
    if (parsed.errors?.length) {
      for (const e of parsed.errors) bump(tally.graphql, e.extensions?.code ?? 'NO_CODE');
      tally.firstProblem ??= body.slice(0, 300);
      return;
    }
    const id = parsed.data?.predict?.id;
    if (typeof id !== 'string' || !UUID.test(id) || ref === undefined || parsed.data?.predict?.patientRef !== ref) {
      tally.badBodies++;
      tally.firstProblem ??= `expected an id for ${ref}: ${body.slice(0, 300)}`;
      return;
    }
    if (this.acknowledged.has(id)) this.duplicates++;
    this.acknowledged.set(id, ref);
    tally.ok++;
  }
}

/**
 * autocannon 9's client: it sends no new request once reqsMade ≥ responseMax, and closes after the answer in flight
 * (how `amount` ends a run).
 */
interface DrainableClient {
  reqsMade: number;
  responseMax?: number;
}

/**
 * Load at `connections` for `seconds`, then a graceful stop: no new request, every one in flight answered. autocannon's own stop closes the
 * sockets with requests in flight, whose predictions may be stored without anyone learning their id;
 * draining keeps "stored = acknowledged" exact.
 */
async function drive(
  url: string,
  headers: Record<string, string>,
  ledger: Ledger,
  options: SoakOptions,
  seconds: number,
): Promise<{ tally: Tally; result: autocannon.Result; elapsedSeconds: number }> {
  const tally = newTally();
  const clients: DrainableClient[] = [];
  const started = performance.now();
  let poll: NodeJS.Timeout | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/api/graphql`,
        connections: options.connections,
        // A safety net only: the drain below ends the run, unless a request hangs past the timeout.
        duration: seconds + options.timeoutSeconds + 5,
        timeout: options.timeoutSeconds,
        method: 'POST',
        headers,
        setupClient: (client) => void clients.push(client as unknown as DrainableClient),
        requests: [
          {
            method: 'POST',
            setupRequest: (request, context) => {
              const { ref, body } = ledger.next();
              (context as { ref?: string }).ref = ref;
              tally.sent++;
              return { ...request, body };
            },
            onResponse: (status, body, context) =>
              ledger.record(tally, status, body, (context as { ref?: string }).ref),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('reqError', (error: { code?: string; message?: string }) => {
      if (error?.message === 'request timed out') tally.timeouts++;
      else bump(tally.socket, error?.code ?? error?.message ?? 'unknown');
      tally.firstProblem ??= `connection error: ${error?.code ?? ''} ${error?.message ?? ''}`;
    });
    poll = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed < seconds) return;
      clearInterval(poll);
      if (clients.length !== options.connections || !clients.every((c) => typeof c.reqsMade === 'number')) {
        instance.stop();
        reject(
          new Error('cannot stop gracefully: autocannon clients lack reqsMade (the drain is written for autocannon 9)'),
        );
        return;
      }
      for (const client of clients) client.responseMax = Math.max(1, client.reqsMade);
    }, 100);
  }).finally(() => clearInterval(poll));
  return { tally, result, elapsedSeconds: ((tally.lastAnswerAt || performance.now()) - started) / 1000 };
}

// ---------- the run ----------

async function storedRows(databaseUrl: string): Promise<Map<string, string | null>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; patient_ref: string | null }>(
      'SELECT id::text AS id, patient_ref FROM prediction',
    );
    return new Map(rows.map((r) => [r.id, r.patient_ref]));
  } finally {
    await client.end();
  }
}

const loadAverage = () => loadavg().map((x) => Number(x.toFixed(2)));

/** The machine, with its load average (1, 5, 15 min) as the soak starts (the build just before counts in it). */
function machineAtStart(): SoakResult['machine'] {
  return { ...machine(), loadAverageAtStart: loadAverage(), loadAverageAtEnd: [] };
}

/**
 * Soaks a running server whose audit records go to `databaseUrl` (a fresh database: every row in it is
 * taken to be this run's), started with its inspector on `app.inspectorPort` (for resting-memory.ts). Warm-up,
 * idle, memory at rest, `seconds` of load, idle, memory at rest, then the database check.
 */
export async function runSoak(
  app: Pick<RunningApp, 'url' | 'pid'> & { inspectorPort: number },
  databaseUrl: string,
  options: SoakOptions,
): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const headers = { 'content-type': 'application/json', ...options.headers };
  const startedAt = new Date();
  const t0 = performance.now();
  const samples: MemorySample[] = [];
  let phase: MemorySample['phase'] = 'startup';
  const read = (): number => {
    const rssMiB = procStatusMiB(app.pid, 'VmRSS');
    samples.push({
      atSeconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
      phase,
      rssMiB: Number(rssMiB.toFixed(1)),
    });
    return rssMiB;
  };
  const ledger = new Ledger(options.models, startedAt.getTime().toString(36));
  const host = machineAtStart();

  const startupMiB = read();
  log(`warm-up: ${options.warmupSeconds}s at ${options.connections} connections (RSS ${startupMiB.toFixed(0)} MiB)`);
  phase = 'warm-up';
  let reader = setInterval(read, READING_MS);
  let warm: Awaited<ReturnType<typeof drive>>;
  try {
    warm = await drive(app.url, headers, ledger, options, options.warmupSeconds);
  } finally {
    clearInterval(reader);
  }
  await sleep(options.idleSeconds * 1000);
  const before = await restingMemory(app.inspectorPort);
  log(`  ${fmt(warm.tally.ok)} predictions; at rest after a full collection: ${resting(before)}`);

  log(`soak ${options.seconds}s at ${options.connections} connections`);
  phase = 'load';
  reader = setInterval(read, READING_MS);
  let lastOk = ledger.acknowledged.size;
  let lastAt = performance.now();
  const progress = setInterval(() => {
    const now = performance.now();
    const ok = ledger.acknowledged.size;
    log(
      `  t+${((now - t0) / 1000).toFixed(0)}s  RSS ${samples[samples.length - 1].rssMiB.toFixed(0)} MiB  ${(((ok - lastOk) * 1000) / (now - lastAt)).toFixed(0)} ok/s  ${ok} ids acknowledged`,
    );
    lastOk = ok;
    lastAt = now;
  }, options.progressSeconds * 1000);
  let measured: Awaited<ReturnType<typeof drive>>;
  const cpuBefore = cpuCounters(app.pid);
  try {
    measured = await drive(app.url, headers, ledger, options, options.seconds);
  } finally {
    clearInterval(reader);
    clearInterval(progress);
  }
  const cpu = cpuShares(cpuBefore, cpuCounters(app.pid), host.cores);
  await sleep(options.idleSeconds * 1000);
  const after = await restingMemory(app.inspectorPort);
  log(`  at rest after a full collection: ${resting(after)}`);
  const highWaterMiB = procStatusMiB(app.pid, 'VmHWM');

  const stored = await storedRows(databaseUrl);
  let missing = 0;
  let mismatched = 0;
  for (const [id, ref] of ledger.acknowledged) {
    if (!stored.has(id)) missing++;
    else if (stored.get(id) !== ref) mismatched++;
  }
  const unacknowledged = [...stored.keys()].filter((id) => !ledger.acknowledged.has(id)).length;

  const { tally, result, elapsedSeconds } = measured;
  const both = [warm.tally, tally];
  const non200: Record<string, number> = {};
  const graphqlErrors: Record<string, number> = {};
  const socket: Record<string, number> = {};
  for (const t of both) {
    for (const [k, v] of Object.entries(t.non200)) non200[k] = (non200[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.graphql)) graphqlErrors[k] = (graphqlErrors[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.socket)) socket[k] = (socket[k] ?? 0) + v;
  }
  const badBodies = warm.tally.badBodies + tally.badBodies;
  const timeouts = warm.tally.timeouts + tally.timeouts;
  const errors: SoakErrors = {
    total: sum(non200) + sum(graphqlErrors) + badBodies + timeouts + sum(socket),
    non200,
    graphql: graphqlErrors,
    badBodies,
    timeouts,
    socket,
    unanswered: both.reduce((n, t) => n + t.sent - t.answered, 0),
    firstProblem: warm.tally.firstProblem ?? tally.firstProblem,
  };
  const memory: SoakResult['memory'] = {
    startupMiB,
    before,
    after,
    retainedGrowthMiB: Number((after.retainedMiB - before.retainedMiB).toFixed(1)),
    retainedBoundMiB: retainedBoundMiB(before.retainedMiB),
    rssGrowthMiB: Number((after.rssMiB - before.rssMiB).toFixed(1)),
    rssBoundMiB: rssBoundMiB(before.rssMiB),
    peakMiB: Math.max(...samples.filter((x) => x.phase === 'load').map((x) => x.rssMiB)),
    highWaterMiB,
    samples,
  };
  const ids = {
    acknowledged: ledger.acknowledged.size,
    duplicates: ledger.duplicates,
    stored: stored.size,
    missing,
    mismatched,
    unacknowledged,
  };

  const failures: string[] = [];
  if (tally.ok === 0) failures.push('no prediction succeeded during the measurement');
  if (errors.total > 0) failures.push(`${errors.total} errors (first: ${errors.firstProblem})`);
  if (errors.unanswered > 0) failures.push(`${errors.unanswered} requests never answered`);
  if (ids.duplicates > 0) failures.push(`${ids.duplicates} ids answered twice`);
  if (missing > 0) failures.push(`${missing} acknowledged ids missing from the database`);
  if (mismatched > 0) failures.push(`${mismatched} acknowledged ids stored with another request's patientRef`);
  if (stored.size !== ledger.acknowledged.size)
    failures.push(`${stored.size} rows stored for ${ledger.acknowledged.size} acknowledged ids`);
  if (!(memory.retainedGrowthMiB <= memory.retainedBoundMiB))
    failures.push(
      `the memory retained after a full collection grew ${fmt(memory.retainedGrowthMiB, 1)} MiB under load (bound ${fmt(memory.retainedBoundMiB, 1)} MiB)`,
    );
  if (!(memory.rssGrowthMiB <= memory.rssBoundMiB))
    failures.push(
      `the RSS at rest grew ${fmt(memory.rssGrowthMiB, 1)} MiB under load (bound ${fmt(memory.rssBoundMiB, 1)} MiB)`,
    );

  return {
    startedAt: startedAt.toISOString(),
    machine: { ...host, loadAverageAtEnd: loadAverage() },
    options: {
      seconds: options.seconds,
      connections: options.connections,
      warmupSeconds: options.warmupSeconds,
      idleSeconds: options.idleSeconds,
      progressSeconds: options.progressSeconds,
      models: options.models,
      timeoutSeconds: options.timeoutSeconds,
      headerNames: Object.keys(headers),
    },
    measured: {
      seconds: elapsedSeconds,
      sent: tally.sent,
      answered: tally.answered,
      ok: tally.ok,
      requestsPerSecond: tally.ok / elapsedSeconds,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    },
    cpu,
    warmup: { seconds: warm.elapsedSeconds, sent: warm.tally.sent, ok: warm.tally.ok },
    errors,
    ids,
    memory,
    failures,
    passed: failures.length === 0,
  };
}

export interface FreshDatabaseSoakOptions extends SoakOptions {
  /** `next build` first (default true). */
  build?: boolean;
  /** The Postgres server to make the database on (default the machine's). */
  postgres?: string;
  /** Environment added to the server's, after DATABASE_URL; NODE_OPTIONS is added to the inspector's flag. */
  env?: Record<string, string>;
}

/**
 * The whole soak on a fresh, migrated database on `postgres`: `next build` (unless `build` is false),
 * The app's server (`npm start`) with DATABASE_URL (and `env`), runSoak, then the server stopped and the database dropped.
 */
export async function soakOnFreshDatabase(options: FreshDatabaseSoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  return withHeldResources(async (held) => {
    if (options.build !== false) {
      log('next build …');
      await buildApp();
    }
    const database = held.hold(
      await createMigratedPostgresDatabase('crc_soak', options.postgres ?? TEST_POSTGRES),
      (d) => d.drop(),
    );
    // One key predicts and reads /api/metrics (which needs more than a clinician's role).
    const { key } = await createKey({ databaseUrl: database.url }, 'admin', 'soak');
    // Port 0: the inspector picks a free port itself and says which (another test file may be taking ports too).
    const app = held.hold(
      await startApp({
        DATABASE_URL: database.url,
        ...options.env,
        NODE_OPTIONS: `--inspect=127.0.0.1:0 ${options.env?.NODE_OPTIONS ?? ''}`.trim(),
      }),
      (a) => a.stop(),
    );
    const inspector = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(app.output());
    if (!inspector) throw new Error(`the server did not say where its inspector listens:\n${app.output()}`);
    const inspectorPort = Number(inspector[1]);
    log(`database ${database.name}; server pid ${app.pid} at ${app.url}, inspector on port ${inspectorPort}`);
    return runSoak({ ...app, inspectorPort }, database.url, {
      ...options,
      headers: { ...options.headers, ...bearer(key) },
    });
  });
}

// ---------- report ----------

const counts = (c: Record<string, number>) =>
  Object.keys(c).length
    ? ` (${Object.entries(c)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')})`
    : '';

const resting = (m: RestingMemory) =>
  `retained ${fmt(m.retainedMiB)} MiB (V8 heap ${fmt(m.heapUsedMiB)}, external ${fmt(m.externalMiB)}), RSS ${fmt(m.rssMiB)} MiB`;

const signed = (x: number) => `${x >= 0 ? '+' : ''}${fmt(x, 1)}`;

/** One line for a CI log. */
export function summaryLine(r: SoakResult): string {
  const m = r.memory;
  return (
    `soak ${fmt(r.measured.seconds, 1)} s × ${r.options.connections} connections after ${fmt(r.warmup.seconds)} s warm-up: ${fmt(r.measured.ok)} ok, ${fmt(r.measured.requestsPerSecond)} req/s, ` +
    `p50 ${fmt(r.measured.latencyMs.p50)} ms, p99 ${fmt(r.measured.latencyMs.p99)} ms (CPU: server ${r.cpu.serverPercent} %, Postgres and other work ${r.cpu.restPercent} %), ` +
    `${r.errors.total} errors, ${r.errors.unanswered} unanswered, ` +
    `${fmt(r.ids.acknowledged)} ids acknowledged (warm-up included), ${r.ids.missing} missing, ${fmt(r.ids.stored)} stored; ` +
    `server memory at rest after a full collection: retained ${fmt(m.before.retainedMiB)} → ${fmt(m.after.retainedMiB)} MiB (${signed(m.retainedGrowthMiB)}, bound +${fmt(m.retainedBoundMiB)}), ` +
    `RSS ${fmt(m.before.rssMiB)} → ${fmt(m.after.rssMiB)} MiB (${signed(m.rssGrowthMiB)}, bound +${fmt(m.rssBoundMiB)}), RSS peak under load ${fmt(m.peakMiB)} MiB → ${r.passed ? 'PASS' : 'FAIL'}`
  );
}

/** The full report: what ran, then one figure per line. */
export function summaryTable(r: SoakResult): string {
  const m = r.memory;
  const e = r.errors;
  const rows: [string, string][] = [
    ['warm-up', `${fmt(r.warmup.seconds, 1)} s, ${fmt(r.warmup.ok)} predictions`],
    [
      'requests (measured)',
      `${fmt(r.measured.answered)} answered of ${fmt(r.measured.sent)} sent, ${fmt(r.measured.ok)} ok, in ${fmt(r.measured.seconds, 1)} s`,
    ],
    ['throughput', `${fmt(r.measured.requestsPerSecond)} req/s`],
    [
      'latency',
      `p50 ${fmt(r.measured.latencyMs.p50)} ms, p90 ${fmt(r.measured.latencyMs.p90)} ms, p99 ${fmt(r.measured.latencyMs.p99)} ms, max ${fmt(r.measured.latencyMs.max)} ms`,
    ],
    [
      'errors (warm-up included)',
      `${e.total}: non-200 ${sum(e.non200)}${counts(e.non200)}, GraphQL ${sum(e.graphql)}${counts(e.graphql)}, bad bodies ${e.badBodies}, timeouts ${e.timeouts}, socket ${sum(e.socket)}${counts(e.socket)}; unanswered ${e.unanswered}`,
    ],
    [
      'ids acknowledged',
      `${fmt(r.ids.acknowledged)} (warm-up ${fmt(r.warmup.ok)} + measured ${fmt(r.measured.ok)}), ${r.ids.duplicates} twice`,
    ],
    [
      'ids in Postgres',
      `${fmt(r.ids.stored)} rows; ${r.ids.missing} acknowledged ids missing, ${r.ids.mismatched} with another patientRef, ${r.ids.unacknowledged} rows unacknowledged`,
    ],
    [
      'memory at rest (MiB)',
      `after a full collection, ${r.options.idleSeconds} s after the warm-up: ${resting(m.before)}; after the load: ${resting(m.after)}`,
    ],
    [
      'memory growth (MiB)',
      `retained ${signed(m.retainedGrowthMiB)} (bound +${fmt(m.retainedBoundMiB, 1)}), RSS ${signed(m.rssGrowthMiB)} (bound +${fmt(m.rssBoundMiB, 1)})`,
    ],
    [
      'server RSS (MiB)',
      `startup ${fmt(m.startupMiB)}; peak under load ${fmt(m.peakMiB)}; high-water ${fmt(m.highWaterMiB)}`,
    ],
    [
      'CPU during the load',
      `${r.cpu.machinePercent} % of ${r.cpu.capacityPercent} %: server ${r.cpu.serverPercent} %, load generator ${r.cpu.loadGeneratorPercent} %, Postgres and other work ${r.cpu.restPercent} %`,
    ],
    ['verdict', r.passed ? 'PASS' : `FAIL: ${r.failures.join('; ')}`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const mc = r.machine;
  return [
    `predict soak: ${r.options.connections} connections for ${r.options.seconds} s after a warm-up; models ${r.options.models.join(', ')} in turn; audit records to Postgres`,
    `machine: ${mc.cpu}, ${mc.cores} cores, ${mc.memoryGiB} GiB, Node ${mc.node}; load average ${mc.loadAverageAtStart.join(' ')} at start (after the build), ${mc.loadAverageAtEnd.join(' ')} at end`,
    '',
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
  ].join('\n');
}
