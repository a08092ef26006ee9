/**
 * The monitor through the documented operations on the real Apollo server and the embedded database: stays admitted,
 * observed hour by hour, read back with their assessments and alerts; alerts answered; every refusal coded and named,
 * storing nothing.
 */
import type { GraphQLFormattedError } from 'graphql';
import { prismaAuditLog } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews } from '@/monitoring/stay-views';
import { PredictionService } from '@/prediction/prediction-service';
import { operations, startTestServer, type Reply, type TestServer } from '../../support/graphql-server';
import { MemoryApiKeyStore } from '../../support/memory-api-keys';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const registry = new ModelRegistry('models');
afterAll(() => registry.close());

const ADMITTED = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number) => new Date(ADMITTED.getTime() + minutes * 60_000).toISOString();

/** One hour's vitals, normal unless overridden, each with its own id. */
function vitals(stayRef: string, hour: number, over: Record<string, number> = {}) {
  const values = { HR: 80, Resp: 16, O2Sat: 97, SBP: 125, Temp: 37, Consciousness: 0, SupplementalO2: 0, ...over };
  return Object.entries(values).map(([name, value]) => ({
    name,
    time: at(hour * 60 - 30),
    value,
    id: `${stayRef}/${hour}/${name}`,
  }));
}

// RR 26 (3) + SpO2 92 (2) + oxygen (2) + SBP 105 (1) + HR 115 (2) + Alert (0) + 38.5 (1) = NEWS2 11.
const SICK = { Resp: 26, O2Sat: 92, SupplementalO2: 1, SBP: 105, HR: 115, Temp: 38.5 };

type CodedError = GraphQLFormattedError & {
  extensions: { code: string; fields?: { name: string; message: string }[] };
};

function ok<T>(reply: Reply, field: string): T {
  expect(reply.errors).toBeUndefined();
  return (reply.data as Record<string, T>)[field];
}

function onlyError(reply: Reply): CodedError {
  expect(reply.errors).toHaveLength(1);
  return (reply.errors as GraphQLFormattedError[])[0] as CodedError;
}

interface StayData {
  stayRef: string;
  patientRef: string;
  unit: string;
  admittedAt: string;
  dischargedAt: string | null;
  spo2Scale: number;
  facts: { name: string; value: number; unit: string | null; sentValue: number; sentUnit: string | null }[];
  observations: {
    id: string;
    name: string;
    value: number | null;
    unit: string | null;
    sentValue: number | null;
    sentUnit: string | null;
    status: string;
    source: string;
    sourceId: string;
    supersedes: string | null;
    supersededBy: string | null;
    inForce: boolean;
    requester: string;
  }[];
  assessments: {
    hour: number;
    revision: number;
    at: string;
    sepsis: { predictionId: string; probability: number; positive: boolean } | null;
    icuMortality: { predictionId: string; probability: number; positive: boolean } | null;
    news2: {
      complete: boolean;
      total: number | null;
      partialTotal: number;
      risk: string | null;
      spo2Scale: number;
      anySingleThree: boolean;
      components: { parameter: string; value: number | null; points: number | null; text: string }[];
    };
    qsofa: { complete: boolean; total: number | null; components: { criterion: string; met: boolean | null }[] };
  }[];
  alerts: {
    id: string;
    kind: string;
    state: string;
    hour: number;
    reason: string;
    acknowledgedBy: string | null;
    events: { fromState: string | null; toState: string; actor: string; sequence: number; hash: string }[];
  }[];
}

interface RecordedData {
  stored: number;
  duplicates: number;
  assessedHours: number[];
  alertsRaised: { id: string; kind: string; state: string; hour: number; reason: string }[];
  stay: { stayRef: string; assessments: { hour: number; news2: { total: number | null } }[] };
}

const [, embedded] = DATABASES.find(([kind]) => kind === 'pglite') as (typeof DATABASES)[number];

describe('the monitor through GraphQL (embedded database)', () => {
  let database: TestDatabase;
  let server: TestServer;
  let clinician: { authorization: string; keyId: string };
  let auditor: { authorization: string; keyId: string };

  const admit = (stayRef: string, over: Record<string, unknown> = {}, who = clinician) =>
    server.run(
      operations.AdmitStay,
      {
        input: {
          stayRef,
          patientRef: `pat-${stayRef}`,
          unit: 'icu-a',
          admittedAt: ADMITTED.toISOString(),
          facts: [
            { name: 'Age', value: 64 },
            { name: 'Gender', value: 1 },
          ],
          ...over,
        },
      },
      who,
    );
  const record = (stayRef: string, observations: unknown[], who = clinician) =>
    server.run(operations.RecordObservations, { input: { stayRef, observations } }, who);
  const getStay = async (stayRef: string, who = clinician, allRevisions = false) =>
    ok<StayData | null>(await server.run(operations.GetStay, { stayRef, allRevisions }, who), 'stay');

  beforeAll(async () => {
    database = await embedded();
    await migrate(database.db);
    const audit = prismaAuditLog(database.db.prisma);
    const prediction = new PredictionService(registry, audit);
    const monitor = await MonitorService.create(database.db.prisma, registry, prediction);
    const keys = new MemoryApiKeyStore();
    server = startTestServer({ registry, audit, prediction, keys, monitor, stays: stayViews(database.db.prisma) });
    clinician = await keys.bearer('clinician', 'Ward A');
    auditor = await keys.bearer('auditor');
    ok(await admit('enc-1'), 'admitStay');
  });
  afterAll(async () => {
    await server.stop();
    await database.dispose();
  });

  it('admits a stay, and admitting it again with the same details returns it unchanged', async () => {
    const again = ok<StayData>(await admit('enc-1'), 'admitStay');
    expect(again).toMatchObject({
      stayRef: 'enc-1',
      patientRef: 'pat-enc-1',
      unit: 'icu-a',
      admittedAt: ADMITTED.toISOString(),
      dischargedAt: null,
      spo2Scale: 1,
    });
    expect(again.facts).toEqual([
      { name: 'Age', value: 64, unit: 'a', sentValue: 64, sentUnit: null },
      { name: 'Gender', value: 1, unit: expect.any(String), sentValue: 1, sentUnit: null },
    ]);
    const other = onlyError(await admit('enc-1', { unit: 'icu-b' }));
    expect(other.extensions.code).toBe('BAD_USER_INPUT');
    expect(other.extensions.fields?.map((f) => f.name)).toEqual(['admissions[0].stayRef']);
  });

  it('records two hours of vitals: observations, assessments with NEWS2 and qSOFA components, a sepsis prediction, an alert', async () => {
    const first = ok<RecordedData>(await record('enc-1', vitals('enc-1', 1)), 'recordObservations');
    expect(first).toMatchObject({ stored: 7, duplicates: 0, assessedHours: [1], alertsRaised: [] });
    const second = ok<RecordedData>(await record('enc-1', vitals('enc-1', 2, SICK)), 'recordObservations');
    expect(second).toMatchObject({ stored: 7, duplicates: 0, assessedHours: [2] });
    expect(second.alertsRaised.map((a) => a.kind)).toContain('NEWS2');
    const news2Alert = second.alertsRaised.find((a) => a.kind === 'NEWS2');
    expect(news2Alert).toMatchObject({ state: 'OPEN', hour: 2, reason: 'NEWS2 11 ≥ 5' });
    expect(second.stay.assessments.map((a) => [a.hour, a.news2.total])).toEqual([
      [1, 0],
      [2, 11],
    ]);

    const stay = (await getStay('enc-1')) as StayData;
    expect(stay.observations).toHaveLength(14);
    const hr = stay.observations.find((o) => o.sourceId === 'enc-1/2/HR');
    expect(hr).toMatchObject({
      name: 'HR',
      value: 115,
      unit: '/min',
      sentValue: 115,
      sentUnit: null,
      status: 'FINAL',
      source: 'GRAPHQL',
      supersedes: null,
      supersededBy: null,
      inForce: true,
      requester: clinician.keyId,
    });
    expect(stay.assessments.map((a) => [a.hour, a.revision, a.at])).toEqual([
      [1, 1, at(60)],
      [2, 1, at(120)],
    ]);
    const [h1, h2] = stay.assessments;
    expect(h1.news2).toMatchObject({ complete: true, total: 0, risk: 'low', spo2Scale: 1, anySingleThree: false });
    expect(h2.news2).toMatchObject({ complete: true, total: 11, partialTotal: 11, risk: 'high', anySingleThree: true });
    expect(h2.news2.components.map((c) => [c.parameter, c.value, c.points])).toEqual([
      ['respirationRate', 26, 3],
      ['spo2', 92, 2],
      ['airOrOxygen', 1, 2],
      ['systolicBP', 105, 1],
      ['pulse', 115, 2],
      ['consciousness', 0, 0],
      ['temperature', 38.5, 1],
    ]);
    // qSOFA 1: RR 26 ≥ 22 is met; SBP 105 > 100 and Alert are not.
    expect(h2.qsofa).toMatchObject({ complete: true, total: 1 });
    expect(h2.qsofa.components.map((c) => [c.criterion, c.met])).toEqual([
      ['respiratoryRate', true],
      ['systolicBP', false],
      ['alteredMentation', false],
    ]);
    for (const a of stay.assessments) {
      expect(a.sepsis).toEqual({
        predictionId: expect.any(String),
        probability: expect.any(Number),
        positive: expect.any(Boolean),
      });
      // The sepsis prediction is an ordinary audit record, readable by its id.
      const prediction = ok<{ id: string; probability: number; positive: boolean; model: { id: string } }>(
        await server.run(operations.GetPrediction, { id: a.sepsis!.predictionId }),
        'prediction',
      );
      const { predictionId, ...scored } = a.sepsis!;
      expect(prediction).toMatchObject({ ...scored, id: predictionId, model: { id: 'sepsis' } });
    }
    // A positive sepsis prediction raises a sepsis alert.
    const sepsisPositive = stay.assessments.some((a) => a.sepsis!.positive);
    expect(stay.alerts.some((a) => a.kind === 'SEPSIS')).toBe(sepsisPositive);
    const alert = stay.alerts.find((a) => a.kind === 'NEWS2');
    expect(alert).toMatchObject({ id: news2Alert!.id, state: 'OPEN', hour: 2, acknowledgedBy: null });
    expect(alert!.events).toEqual([
      expect.objectContaining({ fromState: null, toState: 'OPEN', actor: 'monitor', sequence: expect.any(Number) }),
    ]);
  });

  it('stores a redelivered observation once: duplicates counts it', async () => {
    const [again] = vitals('enc-1', 2, SICK);
    const fresh = { name: 'HR', time: at(110), value: 112, id: 'enc-1/2/HR-late' };
    const reply = ok<RecordedData>(await record('enc-1', [again, fresh]), 'recordObservations');
    expect(reply).toMatchObject({ stored: 1, duplicates: 1 });
    expect((await getStay('enc-1'))!.observations).toHaveLength(15);
  });

  it('refuses a value out of range, naming the observation and the range, and stores nothing', async () => {
    const before = (await getStay('enc-1'))!.observations.length;
    const error = onlyError(
      await record('enc-1', [
        { name: 'Resp', time: at(170), value: 18, id: 'bad/1' },
        { name: 'HR', time: at(170), value: 400, id: 'bad/2' },
      ]),
    );
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toEqual([
      { name: 'observations[0].observations[1] (HR)', message: expect.stringMatching(/20 to 300/) },
    ]);
    expect((await getStay('enc-1'))!.observations).toHaveLength(before);
  });

  it('refuses an instant without a time zone, naming the observation', async () => {
    const error = onlyError(await record('enc-1', [{ name: 'HR', time: '2026-03-01T10:50:00', value: 90 }]));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toEqual([
      {
        name: 'observations[0].observations[0] (HR)',
        message: expect.stringMatching(/time must be an ISO-8601 instant with a time zone/),
      },
    ]);
  });

  it('refuses observations of a stay not admitted, naming stayRef', async () => {
    const error = onlyError(await record('no-such-stay', vitals('no-such-stay', 1)));
    expect(error.extensions.code).toBe('STAY_NOT_FOUND');
    expect(error.extensions.fields).toEqual([
      { name: 'observations[0].stayRef', message: expect.stringMatching(/stay no-such-stay is not admitted/) },
    ]);
    expect(await getStay('no-such-stay')).toBeNull();
  });

  it('lets an auditor read stays but not record observations or answer alerts', async () => {
    const refused = onlyError(await record('enc-1', vitals('enc-1', 3), auditor));
    expect(refused.extensions.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/auditor role may not admit stays or record observations/);
    expect(onlyError(await admit('enc-9', {}, auditor)).extensions.code).toBe('FORBIDDEN');
    const stay = (await getStay('enc-1', auditor))!;
    expect(stay.stayRef).toBe('enc-1');
    const alertId = stay.alerts[0].id;
    const ack = await server.run(operations.AcknowledgeAlert, { input: { alertId, note: 'seen' } }, auditor);
    expect(onlyError(ack).extensions.code).toBe('FORBIDDEN');
    const listed = ok<{ totalCount: number }>(
      await server.run(operations.ListStays, { filter: { unit: 'icu-a' } }, auditor),
      'stays',
    );
    expect(listed.totalCount).toBeGreaterThanOrEqual(1);
    const anonymous = await server.run(operations.GetStay, { stayRef: 'enc-1' }, { authorization: null });
    expect(onlyError(anonymous).extensions.code).toBe('UNAUTHENTICATED');
  });

  it('acknowledges an alert once, with a note, then resolves it; every move chained', async () => {
    const alert = (await getStay('enc-1'))!.alerts.find((a) => a.kind === 'NEWS2')!;
    const noNote = onlyError(
      await server.run(operations.AcknowledgeAlert, { input: { alertId: alert.id, note: ' ' } }),
    );
    expect(noNote.extensions.code).toBe('BAD_USER_INPUT');
    expect(noNote.extensions.fields?.map((f) => f.name)).toEqual(['note']);

    const acknowledged = ok<StayData['alerts'][number] & { stayRef: string; unit: string; acknowledgeNote: string }>(
      await server.run(
        operations.AcknowledgeAlert,
        { input: { alertId: alert.id, note: 'reviewed, fluids started' } },
        clinician,
      ),
      'acknowledgeAlert',
    );
    expect(acknowledged).toMatchObject({
      id: alert.id,
      stayRef: 'enc-1',
      unit: 'icu-a',
      kind: 'NEWS2',
      state: 'ACKNOWLEDGED',
      acknowledgedBy: clinician.keyId,
      acknowledgeNote: 'reviewed, fluids started',
    });
    expect(acknowledged.events.map((e) => [e.fromState, e.toState, e.actor])).toEqual([
      [null, 'OPEN', 'monitor'],
      ['OPEN', 'ACKNOWLEDGED', clinician.keyId],
    ]);
    expect(acknowledged.events[1].sequence).toBeGreaterThan(acknowledged.events[0].sequence);

    const again = onlyError(
      await server.run(operations.AcknowledgeAlert, { input: { alertId: alert.id, note: 'again' } }, clinician),
    );
    expect(again.extensions.code).toBe('ALERT_STATE_CONFLICT');
    expect(again.message).toMatch(/is acknowledged: only an alert that is open can be acknowledged/);

    const resolved = ok<{ state: string; resolvedBy: string; resolveNote: string; events: unknown[] }>(
      await server.run(operations.ResolveAlert, { input: { alertId: alert.id, note: 'NEWS2 down to 3' } }, clinician),
      'resolveAlert',
    );
    expect(resolved).toMatchObject({ state: 'RESOLVED', resolvedBy: clinician.keyId, resolveNote: 'NEWS2 down to 3' });
    expect(resolved.events).toHaveLength(3);

    const unknown = onlyError(
      await server.run(operations.ResolveAlert, {
        input: { alertId: '00000000-0000-4000-8000-000000000000', note: 'x' },
      }),
    );
    expect(unknown.extensions.code).toBe('ALERT_NOT_FOUND');
    expect(unknown.extensions.fields?.map((f) => f.name)).toEqual(['alertId']);
  });

  it('pages stays of a unit, latest admission first, with first and after', async () => {
    for (const [i, ref] of ['p-1', 'p-2', 'p-3'].entries())
      ok(
        await admit(ref, { unit: 'paging', admittedAt: new Date(ADMITTED.getTime() + i * 3_600_000).toISOString() }),
        'admitStay',
      );
    type Page = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { cursor: string; node: { stayRef: string; unit: string; alerts: unknown[] } }[];
    };
    const first = ok<Page>(
      await server.run(operations.ListStays, { filter: { unit: 'paging' }, first: 2 }, clinician),
      'stays',
    );
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e) => e.node.stayRef)).toEqual(['p-3', 'p-2']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.edges.at(-1)!.cursor).toBe(first.pageInfo.endCursor);
    expect(first.edges[0].node.alerts).toEqual([]);
    const next = ok<Page>(
      await server.run(
        operations.ListStays,
        { filter: { unit: 'paging' }, first: 2, after: first.pageInfo.endCursor },
        clinician,
      ),
      'stays',
    );
    expect(next.edges.map((e) => e.node.stayRef)).toEqual(['p-1']);
    expect(next.pageInfo.hasNextPage).toBe(false);
    // An edge's cursor continues after that edge.
    const afterFirst = ok<Page>(
      await server.run(operations.ListStays, { filter: { unit: 'paging' }, after: first.edges[0].cursor }, clinician),
      'stays',
    );
    expect(afterFirst.edges.map((e) => e.node.stayRef)).toEqual(['p-2', 'p-1']);

    const bad = onlyError(await server.run(operations.ListStays, { after: 'not-a-cursor' }, clinician));
    expect(bad.extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.fields?.map((f) => f.name)).toEqual(['after']);
  });

  it('discharges a stay, resolving its open alerts, and takes no observation after it', async () => {
    ok(await admit('enc-2'), 'admitStay');
    const raised = ok<RecordedData>(await record('enc-2', vitals('enc-2', 1, SICK)), 'recordObservations');
    expect(raised.alertsRaised.length).toBeGreaterThan(0);
    const discharged = ok<{ dischargedAt: string; alerts: { state: string; resolveNote: string }[] }>(
      await server.run(operations.DischargeStay, { input: { stayRef: 'enc-2', dischargedAt: at(90) } }, clinician),
      'dischargeStay',
    );
    expect(discharged.dischargedAt).toBe(at(90));
    expect(discharged.alerts.every((a) => a.state === 'RESOLVED' && a.resolveNote === 'discharged')).toBe(true);
    const late = onlyError(await record('enc-2', [{ name: 'HR', time: at(100), value: 90, id: 'enc-2/late' }]));
    expect(late.extensions.fields?.[0].message).toMatch(/after the stay's discharge/);
    const active = ok<{ edges: { node: { stayRef: string } }[] }>(
      await server.run(operations.ListStays, { filter: { unit: 'icu-a', active: true } }, clinician),
      'stays',
    );
    expect(active.edges.map((e) => e.node.stayRef)).toEqual(['enc-1']);
  });

  it('shows a correction superseding what it names, and every revision when asked', async () => {
    const reply = await record('enc-1', [
      {
        name: 'Temp',
        time: at(115),
        value: 37.2,
        id: 'enc-1/2/Temp-fix',
        supersedes: 'enc-1/2/Temp',
        status: 'AMENDED',
      },
    ]);
    expect(ok<RecordedData>(reply, 'recordObservations').stored).toBe(1);
    const stay = (await getStay('enc-1', clinician, true))!;
    const original = stay.observations.find((o) => o.sourceId === 'enc-1/2/Temp')!;
    const fix = stay.observations.find((o) => o.sourceId === 'enc-1/2/Temp-fix')!;
    expect(original).toMatchObject({ supersededBy: fix.id, inForce: false });
    expect(fix).toMatchObject({ supersedes: original.id, status: 'AMENDED', inForce: true });
    const hour2 = stay.assessments.filter((a) => a.hour === 2);
    expect(hour2.length).toBeGreaterThan(1);
    expect(hour2.map((a) => a.revision)).toEqual(hour2.map((_, i) => i + 1));
    const latest = (await getStay('enc-1'))!.assessments.filter((a) => a.hour === 2);
    expect(latest).toEqual([hour2.at(-1)]);
  });
});
