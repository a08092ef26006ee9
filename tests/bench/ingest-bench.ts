/**
 * `npm run bench:ingest [-- --patients N] [--concurrency C] [--latency-hours M] [--latency-rate R] [--no-processes]`:
 * observations stored and hours assessed per second through each way in, on a fresh Postgres database, with real
 * PhysioNet 2019 set-A stays replayed at speed 0; then publish → live-event latency through NATS JetStream.
 *
 * Ways measured, each on stays of its own run id (no stayRef collides):
 * - direct: MonitorService.ingest in-process (the replay's direct transport): the baseline, measured first and again
 *   last (warm-up drift, a shared machine); every ratio is against the mean of the two;
 * - graphql: each mutation executed by the Apollo server in-process (as the ways-in test does: no HTTP socket, no Next);
 * - fhir: the /api/fhir handler in-process, given Fetch Requests;
 * - nats ×1 and ×2: in-process `runWorker`s sharing one durable consumer on a stream of this run's own (deleted at the
 *   end); everything is published first (the replay at speed 0), then timed from the first message handed to the
 *   monitor to the last one acked; the publish rate is reported apart;
 * - nats ×2 processes: two `npm run worker` processes on another stream of the run's own; timed from the first row the
 *   workers stored (Postgres's clock) to the moment the consumer has nothing pending or unacked (polled every 50 ms).
 * Every way's stored rows are counted afterwards and must equal what was sent. Writes bench-results/ingest.json.
 *
 * The latency phase: a LiveEvents subscriber on a Database connection of its own, stay-hours published to NATS one at a
 * time at a fixed rate, two in-process workers consuming; time from publish (before the PubAck) to the `ward` event
 * (reason `assessed`) of that stay and hour.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import pino from 'pino';
import { prismaAuditLog } from '../../src/audit/audit-log';
import { openDatabase } from '../../src/db/database';
import { ModelRegistry } from '../../src/inference/model-registry';
import { handleFhirRequest } from '../../src/ingest/fhir-endpoint';
import type { StreamNames } from '../../src/ingest/observation-stream';
import { runWorker, type ObservationSink, type ObservationWorker } from '../../src/ingest/observation-worker';
import { readPhysioNet2019Stays, type PhysioNetStay } from '../../src/ingest/physionet2019-stays';
import { replayPlan, type ReplayPlan, type ReplayStep } from '../../src/ingest/replay-plan';
import { replay, type ReplaySummary } from '../../src/ingest/replay';
import {
  directTransport,
  fhirTransport,
  graphqlTransport,
  natsTransport,
  type Fetch,
  type ReplayTransport,
} from '../../src/ingest/replay-transports';
import { LiveEvents } from '../../src/monitoring/live-events';
import { MonitorService } from '../../src/monitoring/monitor-service';
import { stayViews } from '../../src/monitoring/stay-views';
import { PredictionService } from '../../src/prediction/prediction-service';
import { fmt, machine } from '../support/bench-report';
import { startTestServer } from '../support/graphql-server';
import { withHeldResources, type HeldResources } from '../support/held-resources';
import { MemoryApiKeyStore } from '../support/memory-api-keys';
import { npmStart, stopGroup } from '../support/npm-script';
import { createMigratedPostgresDatabase } from '../support/test-databases';

const POSTGRES = process.env.BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const NATS = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const SET_A = join('data', 'physionet2019', 'setA.csv.gz');
const OUT = join('bench-results', 'ingest.json');
/** The issue's aim: observations stored per second through NATS JetStream with 2 workers. */
const AIM_NATS_2_WORKERS_OBS_PER_S = 5_000;
const ADMITTED = new Date('2026-03-01T08:00:00Z');
const WARMUP_PATIENTS = 5;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function positiveInt(name: string, fallback: number): number {
  const text = argValue(name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a whole number above 0, got ${text}`);
  return value;
}
const PATIENTS = positiveInt('--patients', 60);
const CONCURRENCY = positiveInt('--concurrency', 4);
const LATENCY_HOURS = positiveInt('--latency-hours', 200);
const LATENCY_RATE = positiveInt('--latency-rate', 20);
const PROCESSES = !process.argv.includes('--no-processes');
/** Publishes in flight while filling a stream (each awaits its PubAck; a stay's messages stay in order). */
const PUBLISH_CONCURRENCY = 64;

const tag = randomBytes(4).toString('hex');
const streamNames = (way: string): StreamNames => ({
  stream: `CRC_BENCH_${way.toUpperCase()}_${tag}`,
  subjectPrefix: `crc-bench-${way}-${tag}`,
  consumer: `bench-${way}-${tag}`,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---------- what was sent, what was stored ----------

interface Sent {
  stays: number;
  steps: number;
  observations: number;
  /** NATS messages: an admission, one per step, a discharge, per stay. */
  messages: number;
}

function sentBy(plans: readonly ReplayPlan[]): Sent {
  return {
    stays: plans.length,
    steps: plans.reduce((n, p) => n + p.steps.length, 0),
    observations: plans.reduce((n, p) => n + p.steps.reduce((m, s) => m + s.observations.length, 0), 0),
    messages: plans.reduce((n, p) => n + p.steps.length + 2, 0),
  };
}

interface Stored {
  stays: number;
  discharged: number;
  observations: number;
  /** Assessment rows, revisions included. */
  assessments: number;
  /** Distinct (stay, hour) assessed. */
  hours: number;
  /** Epoch ms of the first row stored (Postgres's now(): the start of the storing transaction). */
  firstStoredAt: number | null;
}

async function storedFor(url: string, runId: string): Promise<Stored> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string | Date | null>>(
      `WITH s AS (SELECT id, discharged_at, created_at FROM stay WHERE stay_ref LIKE '%-' || $1)
       SELECT (SELECT count(*) FROM s) AS stays,
              (SELECT count(*) FROM s WHERE discharged_at IS NOT NULL) AS discharged,
              (SELECT count(*) FROM observation o JOIN s ON s.id = o.stay_id) AS observations,
              (SELECT count(*) FROM assessment a JOIN s ON s.id = a.stay_id) AS assessments,
              (SELECT count(DISTINCT (a.stay_id, a.hour)) FROM assessment a JOIN s ON s.id = a.stay_id) AS hours,
              LEAST((SELECT min(created_at) FROM s),
                    (SELECT min(o.received_at) FROM observation o JOIN s ON s.id = o.stay_id)) AS first_stored_at`,
      [runId],
    );
    const r = rows[0];
    return {
      stays: Number(r.stays),
      discharged: Number(r.discharged),
      observations: Number(r.observations),
      assessments: Number(r.assessments),
      hours: Number(r.hours),
      firstStoredAt: r.first_stored_at ? (r.first_stored_at as Date).getTime() : null,
    };
  } finally {
    await client.end();
  }
}

// ---------- figures of one way ----------

interface WayFigures {
  way: string;
  how: string;
  runId: string;
  workers: number | null;
  seconds: number;
  observationsPerSecond: number;
  hoursAssessedPerSecond: number;
  /** observations/s of this way ÷ direct's (the mean of its two runs, first and last), in the same run. */
  ratioToDirect: number;
  sent: Sent;
  stored: Stored;
  /** Stored equals sent: stays, discharges, observations (nothing lost, nothing doubled), and no send failed. */
  complete: boolean;
  /**
   * The same (stay, hour)s assessed as direct. Not so when a stay's messages are handled out of order (two workers may
   * hold consecutive hours of one stay at once): a late hour re-assesses the stay's latest hour rather than its own.
   */
  sameHoursAsDirect: boolean;
  failures: number;
  workerCounters?: Record<string, number>;
  note?: string;
}

function figures(
  way: string,
  how: string,
  runId: string,
  workers: number | null,
  seconds: number,
  sent: Sent,
  stored: Stored,
  failures: number,
): WayFigures {
  return {
    way,
    how,
    runId,
    workers,
    seconds,
    observationsPerSecond: stored.observations / seconds,
    hoursAssessedPerSecond: stored.hours / seconds,
    ratioToDirect: NaN,
    sent,
    stored,
    complete:
      failures === 0 &&
      stored.stays === sent.stays &&
      stored.discharged === sent.stays &&
      stored.observations === sent.observations,
    failures,
    sameHoursAsDirect: true,
  };
}

function say(line: string): void {
  console.log(line);
}

async function main(): Promise<void> {
  const started = new Date();
  await withHeldResources(async (held) => {
    const database = held.hold(await createMigratedPostgresDatabase('crc_bench', POSTGRES), (d) => d.drop());
    const db = held.hold(await openDatabase({ databaseUrl: database.url }), (d) => d.close());
    const registry = held.hold(new ModelRegistry('models'), (r) => r.close());
    const audit = prismaAuditLog(db.prisma);
    const prediction = new PredictionService(registry, audit);
    const monitor = await MonitorService.create(db.prisma, registry, prediction);
    const keys = new MemoryApiKeyStore();
    const server = held.hold(
      startTestServer({ registry, audit, prediction, keys, monitor, stays: stayViews(db.prisma) }),
      (s) => s.stop(),
    );
    const { key } = await keys.create({ name: 'bench', role: 'clinician', createdBy: 'bench' });
    const nc = held.hold(await connect({ servers: NATS, name: 'crc-ingest-bench' }), (c) => c.close());
    const jsm = await jetstreamManager(nc);
    const streams: StreamNames[] = [];
    const ownStream = (way: string) => {
      const names = streamNames(way);
      streams.push(names);
      return names;
    };
    held.hold(streams, async (list) => {
      for (const names of list) await jsm.streams.delete(names.stream).catch(() => undefined);
    });

    const stays: PhysioNetStay[] = [];
    for await (const stay of readPhysioNet2019Stays(SET_A, { patients: PATIENTS + WARMUP_PATIENTS })) stays.push(stay);
    const plansFor = (runId: string, from = WARMUP_PATIENTS, to = stays.length): ReplayPlan[] =>
      stays
        .slice(from, to)
        .map((stay) => replayPlan(stay, { runId, admittedAt: ADMITTED, vocabulary: monitor.vocabulary }));
    const perWay = sentBy(plansFor('count'));
    say(
      `database ${database.name}; NATS ${NATS}; ${PATIENTS} set-A stays per way: ${fmt(perWay.steps)} stay-hours, ` +
        `${fmt(perWay.observations)} observations, ${fmt(perWay.messages)} messages; ${CONCURRENCY} in flight per way/worker`,
    );

    const play = async (runId: string, transport: ReplayTransport, concurrency = CONCURRENCY) => {
      const plans = plansFor(runId);
      const summary = await replay({
        plans,
        transport,
        speed: 0,
        startedAt: ADMITTED,
        concurrency,
        log: (line) => line.startsWith('failed') && console.error(line),
        progressEveryMs: 3_600_000,
      });
      await transport.close();
      return { plans, summary };
    };

    // Warm-up (not measured): ONNX sessions, JIT, Prisma's and the pool's first connections.
    process.stdout.write(`warm-up: ${WARMUP_PATIENTS} other stays directly … `);
    const warm = await replay({
      plans: plansFor('warmup', 0, WARMUP_PATIENTS),
      transport: directTransport(monitor),
      speed: 0,
      startedAt: ADMITTED,
      concurrency: CONCURRENCY,
    });
    say(`${(warm.elapsedMs / 1000).toFixed(1)} s`);

    const results: WayFigures[] = [];
    const replayWay = async (way: string, how: string, runId: string, transport: ReplayTransport) => {
      process.stdout.write(`${way}: `);
      const { plans, summary } = await play(runId, transport);
      const stored = await storedFor(database.url, runId);
      const f = figures(way, how, runId, null, summary.elapsedMs / 1000, sentBy(plans), stored, summary.failures);
      results.push(f);
      say(
        `${fmt(f.observationsPerSecond)} obs/s, ${fmt(f.hoursAssessedPerSecond, 1)} hours/s (${f.seconds.toFixed(1)} s)`,
      );
      return f;
    };

    // ---- direct, GraphQL, FHIR ----
    const direct = await replayWay('direct', 'MonitorService.ingest in-process', 'direct', directTransport(monitor));
    const graphqlFetch: Fetch = async (_url, init) => {
      const { query, variables } = JSON.parse(init.body) as { query: string; variables: Record<string, unknown> };
      const reply = await server.run(query, variables, { authorization: init.headers.Authorization });
      return {
        ok: reply.status === undefined || reply.status === 200,
        status: reply.status ?? 200,
        text: async () => JSON.stringify(reply),
      };
    };
    await replayWay(
      'graphql',
      'mutations executed by the Apollo server in-process (no HTTP socket, no Next.js)',
      'graphql',
      graphqlTransport({ url: 'http://console.bench', key, fetch: graphqlFetch }),
    );
    const fhirLogger = pino({ level: 'silent' });
    const fhirFetch: Fetch = async (url, init) => {
      const response = await handleFhirRequest(new Request(url, init), async () => ({
        keys,
        monitor,
        logger: fhirLogger,
      }));
      return { ok: response.ok, status: response.status, text: () => response.text() };
    };
    await replayWay(
      'fhir',
      'the /api/fhir handler in-process with Fetch Requests (transaction Bundles)',
      'fhir',
      fhirTransport({ url: 'http://console.bench', key, fetch: fhirFetch, vocabulary: monitor.vocabulary }),
    );

    // ---- NATS: publish everything first, then consume ----
    const publishRates: {
      way: string;
      messages: number;
      seconds: number;
      messagesPerSecond: number;
      observationsPerSecond: number;
      failures: number;
    }[] = [];
    const fillStream = async (way: string, runId: string, names: StreamNames) => {
      process.stdout.write(`${way}: publish … `);
      const { plans, summary } = await play(runId, await natsTransport({ servers: NATS, names }), PUBLISH_CONCURRENCY);
      const sent = sentBy(plans);
      const seconds = summary.elapsedMs / 1000;
      publishRates.push({
        way,
        messages: sent.messages,
        seconds,
        messagesPerSecond: sent.messages / seconds,
        observationsPerSecond: sent.observations / seconds,
        failures: summary.failures,
      });
      process.stdout.write(
        `${fmt(sent.messages / seconds)} msg/s (${fmt(sent.observations / seconds)} obs/s); consume … `,
      );
      return { sent, summary };
    };

    const natsInProcess = async (way: string, runId: string, workerCount: number) => {
      const names = ownStream(runId);
      const { sent, summary } = await fillStream(way, runId, names);
      let first = 0;
      // The monitor as the workers see it: the first hand-over starts the clock.
      const sink: ObservationSink = {
        ingest: (batch) => {
          if (first === 0) first = performance.now();
          return monitor.ingest(batch);
        },
        ping: () => db.ping(),
      };
      const workers: ObservationWorker[] = [];
      for (let i = 0; i < workerCount; i++)
        workers.push(
          held.hold(
            await runWorker({
              servers: NATS,
              monitor: sink,
              name: `bench-${runId}-${i + 1}`,
              names,
              concurrency: CONCURRENCY,
              logger: pino({ level: 'warn' }),
            }),
            (w) => w.stop(),
          ),
        );
      const settled = () => workers.reduce((n, w) => n + w.counters.processed + w.counters.rejected, 0);
      const deadline = Date.now() + 600_000;
      while (settled() < sent.messages && Date.now() < deadline) await sleep(5);
      const end = performance.now();
      for (const w of workers) await held.release(w);
      const counters: Record<string, number> = {};
      for (const w of workers) for (const [k, v] of Object.entries(w.counters)) counters[k] = (counters[k] ?? 0) + v;
      const stored = await storedFor(database.url, runId);
      const f = figures(
        way,
        `${workerCount} in-process runWorker${workerCount > 1 ? 's' : ''} (one Node process, one Prisma pool) sharing a durable consumer`,
        runId,
        workerCount,
        first > 0 ? (end - first) / 1000 : NaN,
        sent,
        stored,
        summary.failures + counters.rejected,
      );
      f.workerCounters = counters;
      results.push(f);
      say(
        `${fmt(f.observationsPerSecond)} obs/s, ${fmt(f.hoursAssessedPerSecond, 1)} hours/s (${f.seconds.toFixed(1)} s)`,
      );
    };
    await natsInProcess('nats ×1', 'nats1', 1);
    await natsInProcess('nats ×2', 'nats2', 2);

    if (PROCESSES) await natsProcesses(held, database.url, jsm, fillStream, ownStream, results);

    // The baseline again, last: the first run may still pay for warming up, and the machine is shared; ratios are
    // against the mean of both.
    const directAgain = await replayWay(
      'direct (again)',
      'MonitorService.ingest in-process, measured again after the other ways',
      'direct2',
      directTransport(monitor),
    );
    const baselineObsPerSecond = (direct.observationsPerSecond + directAgain.observationsPerSecond) / 2;

    // ---- publish → subscriber latency ----
    const latency = await latencyPhase(held, database.url, monitor, db, ownStream, plansFor);

    // ---- report ----
    for (const f of results) {
      f.ratioToDirect = f.observationsPerSecond / baselineObsPerSecond;
      f.sameHoursAsDirect = f.stored.hours === direct.stored.hours;
      if (!f.sameHoursAsDirect)
        f.note =
          `${f.note ? `${f.note}; ` : ''}${direct.stored.hours - f.stored.hours} of direct's ${direct.stored.hours} stay-hours never assessed as their own hour ` +
          `(hours of one stay handled out of order across workers: a late hour re-assesses the latest one)`;
    }
    const m = machine();
    say(
      `\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}); Postgres at ${POSTGRES.replace(/\/\/[^@]*@/, '//')}; NATS ${NATS}`,
    );
    say(
      `${PATIENTS} real PhysioNet 2019 set-A stays per way (run ids apart), replayed at speed 0 with ${CONCURRENCY} sends in flight; ` +
        `each stay-hour one batch = one transaction (store, assess: sepsis, ICU mortality, NEWS2, qSOFA; alerts; NOTIFY)\n`,
    );
    const header = [
      'way',
      'seconds',
      'obs stored',
      'obs/s',
      'hours',
      'hours/s',
      '÷ direct',
      'stored = sent',
      'hours = direct',
    ];
    const table = results.map((f) => [
      f.way,
      fmt(f.seconds, 1),
      fmt(f.stored.observations),
      fmt(f.observationsPerSecond),
      fmt(f.stored.hours),
      fmt(f.hoursAssessedPerSecond, 1),
      `${fmt(f.ratioToDirect, 2)}×`,
      f.complete ? 'yes' : 'NO',
      f.sameHoursAsDirect ? 'yes' : 'no',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    say(line(header));
    say(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of table) say(line(r));
    say(
      `÷ direct: observations/s against direct's mean of its first and last runs, ${fmt(baselineObsPerSecond)} obs/s (${fmt(direct.observationsPerSecond)} and ${fmt(directAgain.observationsPerSecond)})`,
    );
    say('\nHow each way was driven:');
    for (const f of results) say(`  ${f.way}: ${f.how}${f.note ? ` — ${f.note}` : ''}`);
    say('NATS publish (replay at speed 0, each publish awaits its PubAck, 64 in flight):');
    for (const p of publishRates)
      say(
        `  ${p.way}: ${fmt(p.messages)} messages in ${p.seconds.toFixed(2)} s = ${fmt(p.messagesPerSecond)} msg/s, ${fmt(p.observationsPerSecond)} obs/s${p.failures ? `, ${p.failures} failures` : ''}`,
      );
    for (const f of results)
      if (f.workerCounters) say(`  ${f.way} worker counters: ${JSON.stringify(f.workerCounters)}`);
    say(
      `\nPublish → ward event (reason assessed), ${latency.published} stay-hours one at a time at ${LATENCY_RATE}/s, 2 in-process workers, ` +
        `LiveEvents on its own connection: p50 ${fmt(latency.p50Ms, 1)} ms, p99 ${fmt(latency.p99Ms, 1)} ms, max ${fmt(latency.maxMs, 1)} ms` +
        ` (${latency.received}/${latency.published} events received${latency.publishFailures ? `, ${latency.publishFailures} publish failures` : ''})`,
    );
    const twoWorkers = results.filter((f) => f.way.startsWith('nats ×2'));
    const best = Math.max(...twoWorkers.map((f) => f.observationsPerSecond));
    const aimMet = twoWorkers.some((f) => f.complete && f.observationsPerSecond >= AIM_NATS_2_WORKERS_OBS_PER_S);
    say(
      `\nAim (issue): ≥ ${fmt(AIM_NATS_2_WORKERS_OBS_PER_S)} observations/s through NATS with 2 workers: ` +
        twoWorkers.map((f) => `${f.way} ${fmt(f.observationsPerSecond)}/s`).join(', ') +
        ` → ${aimMet ? 'MET' : 'MISSED'} on this ${m.cores}-core machine (best ${fmt(best)}/s = ${fmt((100 * best) / AIM_NATS_2_WORKERS_OBS_PER_S)} % of the aim)`,
    );
    say('Correctness (rows counted in the database afterwards, per run id):');
    for (const f of results)
      say(
        `  ${f.way}: stays ${f.stored.stays}/${f.sent.stays}, discharged ${f.stored.discharged}/${f.sent.stays}, observations ${fmt(f.stored.observations)}/${fmt(f.sent.observations)}, hours assessed ${fmt(f.stored.hours)} (${fmt(f.stored.assessments)} assessment rows), failures ${f.failures} → ${f.complete ? 'complete' : 'INCOMPLETE'}${f.sameHoursAsDirect ? '' : `; hours assessed ≠ direct's ${fmt(direct.stored.hours)}`}`,
      );

    const result = {
      startedAt: started.toISOString(),
      machine: m,
      postgres: POSTGRES.replace(/\/\/[^@]*@/, '//'),
      nats: NATS,
      parameters: {
        patients: PATIENTS,
        warmupPatients: WARMUP_PATIENTS,
        concurrency: CONCURRENCY,
        publishConcurrency: PUBLISH_CONCURRENCY,
        latencyHours: LATENCY_HOURS,
        latencyRatePerSecond: LATENCY_RATE,
        processes: PROCESSES,
        perWay: perWay,
      },
      baseline: {
        way: 'direct',
        observationsPerSecond: baselineObsPerSecond,
        runs: [direct.observationsPerSecond, directAgain.observationsPerSecond],
      },
      ways: results,
      natsPublish: publishRates,
      latency,
      aim: {
        natsTwoWorkersObservationsPerSecond: AIM_NATS_2_WORKERS_OBS_PER_S,
        measured: Object.fromEntries(twoWorkers.map((f) => [f.way, f.observationsPerSecond])),
        met: aimMet,
      },
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
    say(`\nwrote ${OUT}`);
    if (results.some((f) => !f.complete) || latency.received < latency.published) process.exitCode = 1;
  });
}

// ---------- NATS through `npm run worker` processes ----------

async function natsProcesses(
  held: HeldResources,
  databaseUrl: string,
  jsm: Awaited<ReturnType<typeof jetstreamManager>>,
  fillStream: (way: string, runId: string, names: StreamNames) => Promise<{ sent: Sent; summary: ReplaySummary }>,
  ownStream: (way: string) => StreamNames,
  results: WayFigures[],
): Promise<void> {
  const way = 'nats ×2 processes';
  const runId = 'natsproc';
  const names = ownStream(runId);
  const { sent, summary } = await fillStream(way, runId, names);
  const outputs: string[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < 2; i++) {
    const child = npmStart(
      'worker',
      [
        '--name',
        `bench-proc-${i + 1}`,
        '--stream',
        names.stream,
        '--subject-prefix',
        names.subjectPrefix,
        '--consumer',
        names.consumer,
        '--concurrency',
        String(CONCURRENCY),
      ],
      { DATABASE_URL: databaseUrl, NATS_URL: NATS },
    );
    outputs.push('');
    child.stdout!.on('data', (chunk: Buffer) => (outputs[i] += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (outputs[i] += chunk.toString()));
    const closed = new Promise((resolve) => child.stdout!.once('close', resolve));
    children.push(
      held.hold(child, async (c) => {
        await stopGroup(c);
        await closed;
      }),
    );
  }
  const deadline = Date.now() + 600_000;
  let end = NaN;
  while (Date.now() < deadline) {
    if (children.some((c) => c.exitCode !== null)) break;
    const info = await jsm.consumers.info(names.stream, names.consumer);
    if (info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.consumer_seq >= sent.messages) {
      end = Date.now();
      break;
    }
    await sleep(50);
  }
  for (const child of children) await held.release(child);
  const counters: Record<string, number> = {};
  for (const out of outputs) {
    const stopped = /stopped: (\{.*\})/.exec(out)?.[1];
    if (stopped)
      for (const [k, v] of Object.entries(JSON.parse(stopped) as Record<string, number>))
        counters[k] = (counters[k] ?? 0) + v;
  }
  const stored = await storedFor(databaseUrl, runId);
  const seconds = stored.firstStoredAt !== null ? (end - stored.firstStoredAt) / 1000 : NaN;
  const f = figures(
    way,
    '2 `npm run worker` processes (tsx, DATABASE_URL set) sharing a durable consumer; timed from the first row stored (Postgres now()) to the consumer drained (polled every 50 ms)',
    runId,
    2,
    seconds,
    sent,
    stored,
    summary.failures + (counters.rejected ?? 0),
  );
  f.workerCounters = counters;
  if (!Number.isFinite(end))
    f.note = `the workers did not drain the stream: ${outputs.map((o) => o.slice(-500)).join(' | ')}`;
  results.push(f);
  say(`${fmt(f.observationsPerSecond)} obs/s, ${fmt(f.hoursAssessedPerSecond, 1)} hours/s (${f.seconds.toFixed(1)} s)`);
}

// ---------- publish → live event latency ----------

interface LatencyFigures {
  published: number;
  received: number;
  publishFailures: number;
  ratePerSecond: number;
  workers: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Publish (PubAck awaited) alone. */
  publishP50Ms: number;
  publishP99Ms: number;
}

async function latencyPhase(
  held: HeldResources,
  databaseUrl: string,
  monitor: MonitorService,
  db: { ping(): Promise<void> },
  ownStream: (way: string) => StreamNames,
  plansFor: (runId: string, from?: number, to?: number) => ReplayPlan[],
): Promise<LatencyFigures> {
  const runId = 'latency';
  const names = ownStream(runId);
  const plans = plansFor(runId);
  // Stays admitted beforehand (directly), so every published hour has its stay; hours go round the stays in order.
  const admit = directTransport(monitor);
  for (const plan of plans) await admit.admit(plan);
  const order: { plan: ReplayPlan; step: ReplayStep; index: number }[] = [];
  for (let i = 0; order.length < LATENCY_HOURS; i++) {
    const before = order.length;
    for (const plan of plans)
      if (i < plan.steps.length && order.length < LATENCY_HOURS) order.push({ plan, step: plan.steps[i], index: i });
    if (order.length === before) break;
  }
  process.stdout.write(`latency: ${order.length} stay-hours at ${LATENCY_RATE}/s … `);

  const listenDb = held.hold(await openDatabase({ databaseUrl }), (d) => d.close());
  const live = held.hold(new LiveEvents(listenDb), (l) => l.close());
  const events = await live.subscribe({ type: 'ward' });
  const arrived = new Map<string, number>();
  const reading = (async () => {
    for await (const event of events)
      if (event.reason === 'assessed' && !arrived.has(`${event.stayRef}/${event.hour}`))
        arrived.set(`${event.stayRef}/${event.hour}`, performance.now());
  })().catch((error: unknown) => console.error(`live events ended: ${String(error)}`));

  const sink: ObservationSink = { ingest: (batch) => monitor.ingest(batch), ping: () => db.ping() };
  const workers: ObservationWorker[] = [];
  for (let i = 0; i < 2; i++)
    workers.push(
      held.hold(
        await runWorker({
          servers: NATS,
          monitor: sink,
          name: `bench-latency-${i + 1}`,
          names,
          concurrency: CONCURRENCY,
          logger: pino({ level: 'warn' }),
        }),
        (w) => w.stop(),
      ),
    );
  const transport = await natsTransport({ servers: NATS, names });
  const sentAt = new Map<string, number>();
  const publishMs: number[] = [];
  let publishFailures = 0;
  const start = performance.now();
  const publishes: Promise<void>[] = [];
  for (const [k, { plan, step, index }] of order.entries()) {
    const due = start + (k * 1000) / LATENCY_RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t0 = performance.now();
    sentAt.set(`${plan.stayRef}/${step.hour}`, t0);
    publishes.push(
      transport.record(plan, step, index).then(
        () => void publishMs.push(performance.now() - t0),
        () => void publishFailures++,
      ),
    );
  }
  await Promise.all(publishes);
  const waitUntil = Date.now() + 30_000;
  while ([...sentAt.keys()].some((k) => !arrived.has(k)) && Date.now() < waitUntil) await sleep(20);
  await transport.close();
  for (const w of workers) await held.release(w);
  await events.return?.();
  await reading;
  const latencies = [...sentAt]
    .filter(([k]) => arrived.has(k))
    .map(([k, t0]) => (arrived.get(k) as number) - t0)
    .sort((a, b) => a - b);
  publishMs.sort((a, b) => a - b);
  const f: LatencyFigures = {
    published: order.length,
    received: latencies.length,
    publishFailures,
    ratePerSecond: LATENCY_RATE,
    workers: 2,
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    publishP50Ms: percentile(publishMs, 50),
    publishP99Ms: percentile(publishMs, 99),
  };
  say(`p50 ${fmt(f.p50Ms, 1)} ms, p99 ${fmt(f.p99Ms, 1)} ms, max ${fmt(f.maxMs, 1)} ms`);
  return f;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
