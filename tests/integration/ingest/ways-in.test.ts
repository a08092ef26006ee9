/**
 * Every way in stores the same thing: 20 real PhysioNet 2019 stays replayed through GraphQL (the Apollo server), FHIR R4
 * (the /api/fhir handler) and NATS JetStream (a worker on the machine's server) leave identical observations,
 * assessments (each hour's latest: sepsis probability, NEWS2, qSOFA) and alerts, stay by stay, on one Postgres.
 */
import { join } from 'node:path';
import pino from 'pino';
import { prismaAuditLog } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import { handleFhirRequest } from '@/ingest/fhir-endpoint';
import { runWorker } from '@/ingest/observation-worker';
import { readPhysioNet2019Stays, type PhysioNetStay } from '@/ingest/physionet2019-stays';
import { replayPlan, type ReplayPlan } from '@/ingest/replay-plan';
import { replay } from '@/ingest/replay';
import {
  fhirTransport,
  graphqlTransport,
  natsTransport,
  type Fetch,
  type ReplayTransport,
} from '@/ingest/replay-transports';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews } from '@/monitoring/stay-views';
import { PredictionService } from '@/prediction/prediction-service';
import { startTestServer, type TestServer } from '../../support/graphql-server';
import { MemoryApiKeyStore } from '../../support/memory-api-keys';
import { DATABASES, type TestDatabase } from '../../support/test-databases';
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

const registry = new ModelRegistry(join(__dirname, '../../../models'));
const SET_A = join(__dirname, '../../../data/physionet2019/setA.csv.gz');
const STAYS = Number(process.env.WAYS_IN_STAYS ?? 20);
const ADMITTED = new Date('2026-03-01T08:00:00Z');
const postgres = DATABASES.filter(([kind]) => kind === 'postgres');
const NATS = 'nats://127.0.0.1:4222';
// A stream of this run's own: the machine's CRC_OBSERVATIONS (and a worker on it) are left alone.
const tag = randomBytes(4).toString('hex');
const NAMES = { stream: `CRC_TEST_WAYS_${tag}`, subjectPrefix: `crc-test-ways-${tag}`, consumer: `ways-${tag}` };

/** What a stay holds, with everything that names the way in or the run taken out. */
async function storedStay(database: TestDatabase, stayRef: string) {
  const stay = await stayViews(database.db.prisma).get(stayRef);
  if (!stay) throw new Error(`stay ${stayRef} was not stored`);
  const latest = new Map<number, (typeof stay.assessments)[number]>();
  for (const a of stay.assessments) if ((latest.get(a.hour)?.revision ?? 0) < a.revision) latest.set(a.hour, a);
  const minutes = (t: Date) => (t.getTime() - stay.admittedAt.getTime()) / 60_000;
  return {
    unit: stay.unit,
    patientRef: stay.patientRef,
    // The unit each fact was sent in is kept as sent (FHIR names one, GraphQL need not); the values must agree.
    facts: (stay.facts as { name: string; value: number }[]).map((f) => ({ name: f.name, value: f.value })),
    dischargedAfter: stay.dischargedAt ? minutes(stay.dischargedAt) : null,
    observations: stay.observations
      .map((o) => ({ name: o.name, minute: minutes(o.time), value: o.value, status: o.status }))
      .sort((a, b) => a.minute - b.minute || a.name.localeCompare(b.name)),
    assessments: [...latest.values()]
      .sort((a, b) => a.hour - b.hour)
      .map((a) => ({
        hour: a.hour,
        sepsis: a.sepsisProbability,
        icuMortality: a.icuMortalityProbability,
        news2: a.news2,
        qsofa: a.qsofa,
      })),
    alerts: stay.alerts.map((a) => ({ kind: a.kind, hour: a.hour, reason: a.reason, state: a.state })),
  };
}

afterAll(() => registry.close());

describe.each(postgres)('the ways in on %s', (_kind, open) => {
  let database: TestDatabase;
  let monitor: MonitorService;
  let server: TestServer;
  let stays: PhysioNetStay[];
  const keys = new MemoryApiKeyStore();
  let key: string;

  beforeAll(async () => {
    database = await open();
    await migrate(database.db);
    const audit = prismaAuditLog(database.db.prisma);
    const prediction = new PredictionService(registry, audit);
    monitor = await MonitorService.create(database.db.prisma, registry, prediction);
    server = startTestServer({ registry, audit, prediction, keys, monitor, stays: stayViews(database.db.prisma) });
    ({ key } = await keys.create({ name: 'replay', role: 'clinician', createdBy: 'test' }));
    stays = [];
    for await (const stay of readPhysioNet2019Stays(SET_A, { patients: STAYS })) stays.push(stay);
  });
  afterAll(async () => {
    await server.stop();
    const nc = await connect({ servers: NATS });
    await (await jetstreamManager(nc)).streams.delete(NAMES.stream).catch(() => undefined);
    await nc.close();
    await database.dispose();
  });

  const plansFor = (runId: string): ReplayPlan[] =>
    stays.map((stay) => replayPlan(stay, { runId, admittedAt: ADMITTED, vocabulary: monitor.vocabulary }));

  async function play(runId: string, transport: ReplayTransport): Promise<ReplayPlan[]> {
    const plans = plansFor(runId);
    const summary = await replay({ plans, transport, speed: 0, startedAt: ADMITTED, concurrency: 4, log: () => {} });
    expect(summary.failures).toBe(0);
    await transport.close();
    return plans;
  }

  // The GraphQL way: each request executed by the Apollo server, as HTTP would hand it over.
  const graphqlFetch: Fetch = async (_url, init) => {
    const { query, variables } = JSON.parse(init.body) as { query: string; variables: Record<string, unknown> };
    const reply = await server.run(query, variables, { authorization: init.headers.authorization });
    return {
      ok: reply.status === undefined || reply.status === 200,
      status: reply.status ?? 200,
      text: async () => JSON.stringify(reply),
    };
  };
  // The FHIR way: the /api/fhir handler with a Fetch Request.
  const fhirFetch: Fetch = async (url, init) => {
    const response = await handleFhirRequest(new Request(url, init), async () => ({
      keys,
      monitor,
      logger: pino({ level: 'silent' }),
    }));
    return { ok: response.ok, status: response.status, text: () => response.text() };
  };

  // About a minute on an idle 2-core machine; the timeout leaves room for a loaded one.
  it('stores the same observations, assessments and alerts whichever way 20 stays came in', async () => {
    // The ways run side by side (their stays are apart); the NATS way with one worker, so that a stay's messages reach
    // the monitor in stream order (across workers they need not; see the worker).
    const worker = await runWorker({ servers: NATS, monitor, name: 'ways-in', names: NAMES });
    const [reference, , natsPlans] = await Promise.all([
      play('graphql', graphqlTransport({ url: 'http://console.test', key, fetch: graphqlFetch })),
      play(
        'fhir',
        fhirTransport({ url: 'http://console.test', key, fetch: fhirFetch, vocabulary: monitor.vocabulary }),
      ),
      natsTransport({ servers: NATS, names: NAMES }).then((transport) => play('nats', transport)),
    ]);
    const messages = natsPlans.reduce((n, p) => n + p.steps.length + 2, 0);
    while (worker.counters.processed + worker.counters.rejected < messages)
      await new Promise((r) => setTimeout(r, 100));
    await worker.stop();
    expect(worker.counters.rejected).toBe(0);
    let assessments = 0;
    let alerts = 0;
    for (const plan of reference) {
      const viaGraphql = await storedStay(database, plan.stayRef);
      expect(viaGraphql.observations.length).toBe(plan.steps.reduce((n, s) => n + s.observations.length, 0));
      assessments += viaGraphql.assessments.length;
      alerts += viaGraphql.alerts.length;
      for (const way of ['fhir', 'nats']) {
        const other = await storedStay(database, plan.stayRef.replace(/-graphql$/, `-${way}`));
        expect({ way, ...other }).toEqual({ way, ...viaGraphql });
      }
    }
    // Real work was compared: hours scored and alerts raised, not empty stays.
    expect(assessments).toBeGreaterThan(300);
    expect(alerts).toBeGreaterThan(10);
    const sources = await database.db.prisma.observation.groupBy({ by: ['source'], _count: true });
    expect(Object.fromEntries(sources.map((s) => [s.source, s._count]))).toEqual({
      graphql: expect.any(Number),
      fhir: expect.any(Number),
      nats: expect.any(Number),
    });
  }, 600_000);
});
