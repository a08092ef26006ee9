/**
 * The monitor on both databases with the shipped models: observations stored once, hours assessed (sepsis through the
 * scoring core, stored as chained audit records; NEWS2 and qSOFA with their components), alerts raised once, moved and
 * chained, late data re-assessing the latest hour, corrections superseding, and bad input storing nothing.
 */
import { join } from 'node:path';
import { prismaAuditLog } from '@/audit/audit-log';
import { InvalidInputError } from '@/errors/invalid-input';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import { brokenAlertLinks } from '@/monitoring/alert-chain';
import type { ObservationInput } from '@/monitoring/monitor-input';
import { LiveEvents } from '@/monitoring/live-events';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews } from '@/monitoring/stay-views';
import { PredictionService } from '@/prediction/prediction-service';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const registry = new ModelRegistry(join(__dirname, '../../../models'));
const ADMITTED = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number) => new Date(ADMITTED.getTime() + minutes * 60_000);
const origin = { source: 'graphql' as const, requester: 'test-key' };

/** One hour's vitals: normal unless overridden. */
function vitals(hour: number, over: Record<string, number> = {}, prefix = 's1'): ObservationInput[] {
  const values = { HR: 80, Resp: 16, O2Sat: 97, SBP: 125, Temp: 37, Consciousness: 0, SupplementalO2: 0, ...over };
  return Object.entries(values).map(([name, value]) => ({
    name,
    time: at(hour * 60 - 30),
    value,
    sourceId: `${prefix}/${hour}/${name}`,
  }));
}

afterAll(() => registry.close());

describe.each(DATABASES)('the monitor on %s', (_kind, open) => {
  let database: TestDatabase;
  let monitor: MonitorService;

  beforeAll(async () => {
    database = await open();
    await migrate(database.db);
    const audit = prismaAuditLog(database.db.prisma);
    monitor = await MonitorService.create(database.db.prisma, registry, new PredictionService(registry, audit));
    await monitor.admitStay(
      {
        stayRef: 'enc-1',
        patientRef: 'pat-1',
        unit: 'icu-a',
        admittedAt: ADMITTED,
        facts: [
          { name: 'Age', value: 64 },
          { name: 'Gender', value: 1 },
        ],
      },
      origin,
    );
  });
  afterAll(() => database.dispose());

  it('assesses each hour with new data: sepsis as a stored, chained audit record; NEWS2 and qSOFA with components', async () => {
    const first = await monitor.recordObservations({ stayRef: 'enc-1', observations: vitals(1) }, origin);
    expect(first.assessed).toEqual([{ stayRef: 'enc-1', hours: [1] }]);
    expect(first.stored[0].observations.every((o) => o !== null)).toBe(true);
    const stay = await stayViews(database.db.prisma).get('enc-1');
    const [assessment] = stay!.assessments;
    expect(assessment).toMatchObject({ hour: 1, revision: 1, news2Total: 0, qsofaTotal: 0 });
    const record = await database.db.prisma.prediction.findUnique({ where: { id: assessment.sepsisPredictionId! } });
    expect(record).toMatchObject({
      modelId: 'sepsis',
      patientRef: 'pat-1',
      requester: 'monitor',
      requestId: 'monitor:enc-1:hour-1',
    });
    expect(assessment.sepsisProbability).toBe(record!.probability);
    // The course the model read: the facts at admission and the hour's vitals (NEWS2-only codes are not the model's).
    const course = record!.course as { observations: { name: string }[] };
    expect(course.observations.map((o) => o.name).sort()).toEqual([
      'Age',
      'Gender',
      'HR',
      'O2Sat',
      'Resp',
      'SBP',
      'Temp',
    ]);
  });

  it('announces an assessed hour and a raised alert on Postgres NOTIFY once committed, and nothing for a refusal', async () => {
    const live = new LiveEvents(database.db);
    const ward = await live.subscribe({ type: 'ward', unit: 'icu-b' });
    const alerts = await live.subscribe({ type: 'alert', unit: 'icu-b' });
    await monitor.admitStay({ stayRef: 'enc-2', patientRef: 'pat-2', unit: 'icu-b', admittedAt: ADMITTED }, origin);
    expect((await ward.next()).value).toEqual({
      type: 'ward',
      unit: 'icu-b',
      stayRef: 'enc-2',
      hour: null,
      reason: 'admitted',
    });
    await expect(
      monitor.recordObservations(
        { stayRef: 'enc-2', observations: [{ name: 'HR', time: at(10), value: 999 }] },
        origin,
      ),
    ).rejects.toThrow(InvalidInputError);
    await monitor.recordObservations({ stayRef: 'enc-2', observations: vitals(1, { HR: 135 }, 's2') }, origin);
    expect((await ward.next()).value).toEqual({
      type: 'ward',
      unit: 'icu-b',
      stayRef: 'enc-2',
      hour: 1,
      reason: 'assessed',
    });
    const alert = (await alerts.next()).value;
    expect(alert).toMatchObject({ type: 'alert', stayRef: 'enc-2', kind: 'news2', state: 'open', hour: 1 });
    expect(alert.reason).toMatch(/single NEWS2 parameter scores 3/);
    await live.close();
  });

  it('stores a redelivered observation once and assesses nothing new', async () => {
    const again = await monitor.recordObservations({ stayRef: 'enc-1', observations: vitals(1) }, origin);
    expect(again.duplicates).toBe(7);
    expect(again.assessed).toEqual([]);
    expect(await database.db.prisma.observation.count({ where: { stay: { stayRef: 'enc-1' } } })).toBe(7);
  });

  it('raises one NEWS2 alert for a deteriorating patient, not again while it is open', async () => {
    // RR 26 (3) + SpO2 92 (2) + oxygen (2) + SBP 105 (1) + HR 115 (2) + Alert (0) + 38.5 (1) = 11.
    const sick = { Resp: 26, O2Sat: 92, SupplementalO2: 1, SBP: 105, HR: 115, Temp: 38.5 };
    const h2 = await monitor.recordObservations({ stayRef: 'enc-1', observations: vitals(2, sick) }, origin);
    const kinds = h2.alertsRaised.map((a) => a.kind).sort();
    expect(kinds).toContain('news2');
    // qSOFA 1: RR 26 ≥ 22 meets one criterion; SBP 105 > 100 and Alert do not.
    expect(kinds).not.toContain('qsofa');
    const h3 = await monitor.recordObservations({ stayRef: 'enc-1', observations: vitals(3, sick) }, origin);
    expect(h3.alertsRaised.filter((a) => a.kind === 'news2')).toEqual([]);
    const stay = await stayViews(database.db.prisma).get('enc-1');
    expect(stay!.assessments.find((a) => a.hour === 2)?.news2Total).toBe(11);
  });

  it('refuses a bad batch whole, naming each field and the allowed range, and stores nothing', async () => {
    const before = await database.db.prisma.observation.count();
    const bad = [
      ...vitals(4),
      { name: 'HR', time: at(200), value: 400, sourceId: 'bad/1' },
      { name: 'Pulse', time: at(200), value: 80, sourceId: 'bad/2' },
      { name: 'Temp', time: at(-10), value: 37, sourceId: 'bad/3' },
    ];
    const error = await monitor
      .recordObservations({ stayRef: 'enc-1', observations: bad }, origin)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const fields = (error as InvalidInputError).fields;
    expect(fields.map((f) => f.name)).toEqual([
      'observations[0].observations[7] (HR)',
      'observations[0].observations[8] (Pulse)',
      'observations[0].observations[9] (Temp)',
    ]);
    expect(fields[0].message).toMatch(/outside the allowed range 20 to 300 beats\/min/);
    expect(fields[2].message).toMatch(/before the stay's admission/);
    expect(await database.db.prisma.observation.count()).toBe(before);
  });

  it('converts a UCUM unit sent with a value ([degF] to °C) and keeps what was sent', async () => {
    await monitor.recordObservations(
      {
        stayRef: 'enc-1',
        observations: [{ name: 'Temp', time: at(230), value: 100.4, unit: '[degF]', sourceId: 'f/1' }],
      },
      origin,
    );
    const stored = await database.db.prisma.observation.findFirst({ where: { sourceId: 'f/1' } });
    expect(stored).toMatchObject({ value: 38, sentValue: 100.4, sentUnit: '[degF]' });
  });

  it('re-assesses only the latest hour when late data arrives, and a withdrawal supersedes what it names', async () => {
    const late = await monitor.recordObservations(
      { stayRef: 'enc-1', observations: [{ name: 'HR', time: at(30), value: 90, sourceId: 'late/1' }] },
      origin,
    );
    expect(late.assessed).toEqual([{ stayRef: 'enc-1', hours: [4] }]);
    const withdrawn = await monitor.recordObservations(
      {
        stayRef: 'enc-1',
        observations: [
          {
            name: 'Temp',
            time: at(230),
            value: null,
            status: 'entered-in-error',
            supersedes: 'f/1',
            sourceId: 'f/1/eie',
          },
        ],
      },
      origin,
    );
    expect(withdrawn.assessed).toEqual([{ stayRef: 'enc-1', hours: [4] }]);
    const stay = await stayViews(database.db.prisma).get('enc-1');
    const hour4 = stay!.assessments.filter((a) => a.hour === 4);
    expect(hour4.map((a) => a.revision)).toEqual([1, 2, 3]);
    // Temp withdrawn: NEWS2 of hour 4 has no temperature and says so.
    expect((hour4[2].news2 as { missing: string[] }).missing.join(' ')).toMatch(/temperature/);
  });

  it('stores a correction sent in the batch of what it corrects, after it and pointing at it; once if redelivered', async () => {
    const batch = {
      stayRef: 'enc-1',
      observations: [
        { name: 'HR', time: at(235), value: 150, sourceId: 'same/1' },
        {
          name: 'HR',
          time: at(235),
          value: 95,
          sourceId: 'same/1/fix',
          supersedes: 'same/1',
          status: 'amended' as const,
        },
      ],
    };
    const first = await monitor.recordObservations(batch, origin);
    expect(first.stored[0].observations.every((o) => o !== null)).toBe(true);
    const rows = await database.db.prisma.observation.findMany({
      where: { sourceId: { in: ['same/1', 'same/1/fix'] } },
      orderBy: { seq: 'asc' },
    });
    expect(rows.map((r) => [r.sourceId, r.status, r.value, r.source, r.requester])).toEqual([
      ['same/1', 'final', 150, 'graphql', 'test-key'],
      ['same/1/fix', 'amended', 95, 'graphql', 'test-key'],
    ]);
    expect(rows[0].supersedes).toBeNull();
    expect(rows[1].supersedes).toBe(rows[0].seq);
    expect(first.stored[0].observations).toEqual(rows.map((r) => ({ id: r.id })));
    const again = await monitor.recordObservations(batch, origin);
    expect(again.stored[0].observations).toEqual([null, null]);
    expect(again.duplicates).toBe(2);
  });

  it('acknowledges (note required), suppresses the same kind for the window, resolves at discharge; moves chained', async () => {
    const stay = await stayViews(database.db.prisma).get('enc-1');
    const alert = stay!.alerts.find((a) => a.kind === 'news2')!;
    await expect(monitor.acknowledgeAlert({ alertId: alert.id, actor: 'nurse', note: '  ' })).rejects.toThrow(/note/);
    const acked = await monitor.acknowledgeAlert({ alertId: alert.id, actor: 'nurse', note: 'seen, fluids started' });
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'nurse', acknowledgedHour: 4 });
    await expect(monitor.acknowledgeAlert({ alertId: alert.id, actor: 'nurse', note: 'again' })).rejects.toThrow(
      /is acknowledged: only an alert that is open can be acknowledged/,
    );
    const sick = { Resp: 26, O2Sat: 92, SupplementalO2: 1, SBP: 105, HR: 115, Temp: 38.5 };
    const within = await monitor.recordObservations({ stayRef: 'enc-1', observations: vitals(8, sick) }, origin);
    expect(within.alertsRaised.filter((a) => a.kind === 'news2')).toEqual([]);
    const after = await monitor.recordObservations({ stayRef: 'enc-1', observations: vitals(9, sick) }, origin);
    expect(after.alertsRaised.filter((a) => a.kind === 'news2')).toHaveLength(1);
    const discharged = await monitor.dischargeStay({ stayRef: 'enc-1', dischargedAt: at(600) }, origin);
    expect(discharged.discharged).toEqual(['enc-1']);
    const final = await stayViews(database.db.prisma).get('enc-1');
    expect(final!.alerts.every((a) => a.state === 'resolved')).toBe(true);
    const events = await database.db.prisma.alertEvent.findMany({ orderBy: { sequence: 'asc' } });
    expect(events.length).toBeGreaterThan(4);
    expect(brokenAlertLinks(events.map((e) => ({ ...e, sequence: Number(e.sequence) })))).toEqual([]);
    await expect(
      monitor.recordObservations(
        { stayRef: 'enc-1', observations: [{ name: 'HR', time: at(700), value: 80 }] },
        origin,
      ),
    ).rejects.toThrow(/after the stay's discharge/);
  });
});
