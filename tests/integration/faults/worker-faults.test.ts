/**
 * The stream way in under faults, with `npm run worker` as a hospital would run it, on a Postgres cluster of the
 * test's own and a JetStream stream of its own:
 * - the worker is SIGKILLed mid-stream and started again: every published observation is stored exactly once, every
 *   stay admitted, assessed and discharged, the alert chain intact;
 * - Postgres is stopped for 10 s under ingest: the worker pauses and resumes by itself, nothing is lost, and the API
 *   (recordObservations through GraphQL) answers SERVICE_UNAVAILABLE meanwhile.
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { prismaAuditLog } from '@/audit/audit-log';
import { openDatabase, type Database } from '@/db/database';
import { ModelRegistry } from '@/inference/model-registry';
import { readPhysioNet2019Stays, type PhysioNetStay } from '@/ingest/physionet2019-stays';
import { replayPlan, type ReplayPlan } from '@/ingest/replay-plan';
import { replay } from '@/ingest/replay';
import { natsTransport } from '@/ingest/replay-transports';
import { brokenAlertLinks } from '@/monitoring/alert-chain';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews } from '@/monitoring/stay-views';
import { PredictionService } from '@/prediction/prediction-service';
import { operations, startTestServer } from '../../support/graphql-server';
import { npmStart, stopGroup } from '../../support/npm-script';
import { startOwnPostgres, type OwnPostgres } from '../../support/own-postgres';
import { createMigratedPostgresDatabase } from '../../support/test-databases';

const NATS = 'nats://127.0.0.1:4222';
const SET_A = join(__dirname, '../../../data/physionet2019/setA.csv.gz');
const ADMITTED = new Date('2026-03-01T08:00:00Z');
const registry = new ModelRegistry(join(__dirname, '../../../models'));

let postgres: OwnPostgres;
let databaseUrl: string;
let db: Database;
let monitor: MonitorService;
let stays: PhysioNetStay[];
const children: ChildProcess[] = [];
const streams: string[] = [];

function names(run: string) {
  const tag = `${run}${randomBytes(3).toString('hex')}`;
  streams.push(`CRC_FAULT_${tag}`);
  return { stream: `CRC_FAULT_${tag}`, subjectPrefix: `crc-fault-${tag}`, consumer: `fault-${tag}` };
}

/** `npm run worker` on the test's stream and database; resolves once it says it is consuming. */
async function startWorker(stream: ReturnType<typeof names>, name: string): Promise<ChildProcess> {
  const child = npmStart(
    'worker',
    [
      '--name',
      name,
      '--stream',
      stream.stream,
      '--subject-prefix',
      stream.subjectPrefix,
      '--consumer',
      stream.consumer,
      '--ack-wait',
      '3',
    ],
    { DATABASE_URL: databaseUrl, NATS_URL: NATS },
  );
  children.push(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.resume();
  const deadline = Date.now() + 90_000;
  while (!out.includes('consuming') && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  if (!out.includes('consuming')) throw new Error(`worker ${name} did not start: ${out}`);
  return child;
}

async function publish(run: string, stream: ReturnType<typeof names>): Promise<ReplayPlan[]> {
  const plans = stays.map((stay) =>
    replayPlan(stay, { runId: run, admittedAt: ADMITTED, vocabulary: monitor.vocabulary }),
  );
  const transport = await natsTransport({ servers: NATS, names: stream });
  const summary = await replay({ plans, transport, speed: 0, startedAt: ADMITTED, log: () => {} });
  await transport.close();
  expect(summary.failures).toBe(0);
  return plans;
}

const observationsOf = (plans: ReplayPlan[]) => plans.flatMap((p) => p.steps.flatMap((s) => s.observations));

/** Counts the run's stored observations (the count fails while Postgres is down: null). */
async function storedCount(run: string): Promise<number | null> {
  return db.prisma.observation.count({ where: { stay: { stayRef: { endsWith: `-${run}` } } } }).catch(() => null);
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Every stay of the run stored whole: observations once each, assessed, discharged; the alert chain intact. */
async function expectStoredOnce(run: string, plans: ReplayPlan[]): Promise<void> {
  const expected = observationsOf(plans)
    .map((o) => o.sourceId)
    .sort();
  const stored = await db.prisma.observation.findMany({
    where: { stay: { stayRef: { endsWith: `-${run}` } } },
    select: { sourceId: true, source: true },
  });
  expect(stored.map((o) => o.sourceId).sort()).toEqual(expected);
  expect(new Set(stored.map((o) => o.source))).toEqual(new Set(['nats']));
  for (const plan of plans) {
    const stay = await stayViews(db.prisma).get(plan.stayRef);
    expect(stay?.dischargedAt?.toISOString()).toBe(plan.dischargedAt.toISOString());
    const hours = new Set(stay!.assessments.map((a) => a.hour));
    // Every hour with data was assessed, even one redelivered after a later hour (the killed worker's messages).
    expect([...hours].sort((a, b) => a - b)).toEqual(plan.steps.map((s) => s.hour));
  }
  const events = await db.prisma.alertEvent.findMany({ orderBy: { sequence: 'asc' } });
  expect(brokenAlertLinks(events.map((e) => ({ ...e, sequence: Number(e.sequence) })))).toEqual([]);
}

/** Waits for the run to be stored whole, lets it settle, and checks it holds each observation once. */
async function expectEverythingStored(run: string, plans: ReplayPlan[], when: string): Promise<void> {
  const total = observationsOf(plans).length;
  await waitFor(async () => (await storedCount(run)) === total, 180_000, `every observation ${when}`);
  // Settled: nothing more arrives (a duplicate would be refused by the unique key, but would also show up here).
  await new Promise((r) => setTimeout(r, 4_000));
  expect(await storedCount(run)).toBe(total);
  const discharged = () =>
    db.prisma.stay.count({ where: { stayRef: { endsWith: `-${run}` }, dischargedAt: { not: null } } });
  await waitFor(async () => (await discharged()) === plans.length, 60_000, `every discharge ${when}`);
  await expectStoredOnce(run, plans);
}

beforeAll(async () => {
  postgres = await startOwnPostgres();
  databaseUrl = (await createMigratedPostgresDatabase('crc_worker_faults', postgres.url)).url;
  db = await openDatabase({ databaseUrl });
  monitor = await MonitorService.create(
    db.prisma,
    registry,
    new PredictionService(registry, prismaAuditLog(db.prisma)),
  );
  stays = [];
  for await (const stay of readPhysioNet2019Stays(SET_A, { patients: 8 })) stays.push(stay);
});

afterAll(async () => {
  for (const child of children) await stopGroup(child, 2_000);
  const nc = await connect({ servers: NATS });
  const jsm = await jetstreamManager(nc);
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
  await db?.close();
  await registry.close();
  await postgres?.destroy();
});

it('stores every published observation exactly once when the worker is SIGKILLed mid-stream and restarted', async () => {
  const run = 'kill';
  const stream = names(run);
  const plans = await publish(run, stream);
  const total = observationsOf(plans).length;
  const first = await startWorker(stream, 'kill-1');
  await waitFor(async () => ((await storedCount(run)) ?? 0) > total / 4, 120_000, 'a quarter of the observations');
  // The whole process group at once: npm, tsx and the worker's node, with messages in hand and transactions open.
  process.kill(-first.pid!, 'SIGKILL');
  const atKill = (await storedCount(run)) ?? 0;
  expect(atKill).toBeLessThan(total);
  await startWorker(stream, 'kill-2');
  await expectEverythingStored(run, plans, 'after the restart');
});

it('pauses while Postgres is down for 10 s, resumes by itself and loses nothing; the API answers SERVICE_UNAVAILABLE', async () => {
  const run = 'outage';
  const stream = names(run);
  await startWorker(stream, 'outage-1');
  const plans = await publish(run, stream);
  const total = observationsOf(plans).length;
  await waitFor(async () => ((await storedCount(run)) ?? 0) > total / 5, 120_000, 'ingest under way');
  const server = startTestServer({ registry, audit: prismaAuditLog(db.prisma), monitor, stays: stayViews(db.prisma) });
  await postgres.stop();
  const outageStarted = Date.now();
  const during = await server.run(operations.RecordObservations, {
    input: {
      stayRef: plans[0].stayRef,
      observations: [{ name: 'HR', time: new Date(ADMITTED.getTime() + 60_000).toISOString(), value: 80, id: 'x' }],
    },
  });
  expect(during.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  expect(Date.now() - outageStarted).toBeLessThan(5_000);
  await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - outageStarted))));
  await postgres.start();
  await expectEverythingStored(run, plans, 'after the outage');
  await server.stop();
});
