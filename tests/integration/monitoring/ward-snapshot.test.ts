/**
 * The ward as the board reads it, on both databases with the shipped models: active stays only (a discharge leaves
 * the board), each code's latest value in force (an amendment replaces, a withdrawal removes), each recent hour's latest
 * revision, the ICU-mortality risk from hour 48 whatever the window, and alerts until resolved.
 */
import { join } from 'node:path';
import { prismaAuditLog } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import type { ObservationInput } from '@/monitoring/monitor-input';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews } from '@/monitoring/stay-views';
import type { WardSnapshot } from '@/monitoring/ward-snapshot';
import { PredictionService } from '@/prediction/prediction-service';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const registry = new ModelRegistry(join(__dirname, '../../../models'));
const ADMITTED = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number) => new Date(ADMITTED.getTime() + minutes * 60_000);
const origin = { source: 'graphql' as const, requester: 'test-key' };
const CODES = ['HR', 'SBP', 'Resp', 'Temp', 'O2Sat'];

function vitals(stay: string, hour: number, over: Record<string, number> = {}): ObservationInput[] {
  const values = { HR: 80, Resp: 16, O2Sat: 97, SBP: 125, Temp: 37, Consciousness: 0, SupplementalO2: 0, ...over };
  return Object.entries(values).map(([name, value]) => ({
    name,
    time: at(hour * 60 - 30),
    value,
    sourceId: `${stay}/${hour}/${name}`,
  }));
}

afterAll(() => registry.close());

describe.each(DATABASES)('the ward snapshot on %s', (_kind, open) => {
  let database: TestDatabase;
  let monitor: MonitorService;
  let ward: (unit?: string, hours?: number) => Promise<WardSnapshot>;

  beforeAll(async () => {
    database = await open();
    await migrate(database.db);
    const audit = prismaAuditLog(database.db.prisma);
    monitor = await MonitorService.create(database.db.prisma, registry, new PredictionService(registry, audit));
    const views = stayViews(database.db.prisma);
    ward = (unit, hours = 24) => views.ward({ unit, codes: CODES, hours });
    await monitor.ingest({
      ...origin,
      admissions: [
        { stayRef: 'w-1', patientRef: 'p-1', unit: 'icu-a', admittedAt: ADMITTED, facts: [{ name: 'Age', value: 70 }] },
        { stayRef: 'w-2', patientRef: 'p-2', unit: 'icu-a', admittedAt: at(30) },
        { stayRef: 'w-3', patientRef: 'p-3', unit: 'icu-b', admittedAt: ADMITTED },
        { stayRef: 'w-4', patientRef: 'p-4', unit: 'icu-a', admittedAt: ADMITTED },
      ],
    });
    for (let hour = 1; hour <= 3; hour++)
      await monitor.recordObservations(
        { stayRef: 'w-1', observations: vitals('w-1', hour, { HR: 80 + hour }) },
        origin,
      );
    // Hour 3's HR amended to 120; its temperature withdrawn, so hour 2's is the latest in force.
    await monitor.recordObservations(
      {
        stayRef: 'w-1',
        observations: [
          { name: 'HR', time: at(150), value: 120, sourceId: 'w-1/fix-hr', supersedes: 'w-1/3/HR', status: 'amended' },
          {
            name: 'Temp',
            time: at(150),
            value: null,
            sourceId: 'w-1/void-temp',
            supersedes: 'w-1/3/Temp',
            status: 'entered-in-error',
          },
        ],
      },
      origin,
    );
    // w-3 deteriorates: a NEWS2 alert; w-4 is discharged and leaves the board.
    await monitor.recordObservations({ stayRef: 'w-3', observations: vitals('w-3', 1, { Resp: 26 }) }, origin);
    await monitor.recordObservations({ stayRef: 'w-4', observations: vitals('w-4', 1) }, origin);
    await monitor.dischargeStay({ stayRef: 'w-4', dischargedAt: at(90) }, origin);
  });
  afterAll(() => database.dispose());

  it('lists the active stays of every unit, admitted earliest first (then by stayRef), and the units with active stays', async () => {
    const snapshot = await ward();
    expect(snapshot.stays.map((s) => s.stayRef)).toEqual(['w-1', 'w-3', 'w-2']);
    expect(snapshot.units).toEqual(['icu-a', 'icu-b']);
    expect(snapshot.readAt).toBeInstanceOf(Date);
  });

  it('lists one unit when asked, still offering every unit', async () => {
    const snapshot = await ward('icu-b');
    expect(snapshot.stays.map((s) => s.stayRef)).toEqual(['w-3']);
    expect(snapshot.units).toEqual(['icu-a', 'icu-b']);
  });

  it('gives each code its latest value in force: an amendment replaces, a withdrawal removes', async () => {
    const [w1] = (await ward('icu-a')).stays;
    const latest = Object.fromEntries(w1.latest.map((v) => [v.name, [v.value, v.time.toISOString()]]));
    expect(latest).toEqual({
      HR: [120, at(150).toISOString()],
      SBP: [125, at(150).toISOString()],
      Resp: [16, at(150).toISOString()],
      O2Sat: [97, at(150).toISOString()],
      Temp: [37, at(90).toISOString()],
    });
    // A stay without observations is on the board with nothing to show.
    expect((await ward('icu-a')).stays.find((s) => s.stayRef === 'w-2')?.latest).toEqual([]);
  });

  it("gives each recent hour's sepsis risk at its latest revision, oldest first, limited to the hours asked for", async () => {
    const [w1] = (await ward('icu-a')).stays;
    // The correction re-assessed hour 3 (revision 2).
    expect(w1.risk.map((a) => [a.hour, a.revision])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
    ]);
    expect(w1.risk.every((a) => a.sepsisProbability !== null && a.sepsisPositive !== null)).toBe(true);
    const [recent] = (await ward('icu-a', 2)).stays;
    expect(recent.risk.map((a) => a.hour)).toEqual([2, 3]);
    expect(recent.icuMortality).toBeNull();
  });

  it("gives NEWS2 and qSOFA of the latest hour's latest revision, which scored the amended value", async () => {
    const [w1, w2] = (await ward('icu-a')).stays;
    expect(w1.scores?.hour).toBe(3);
    expect(w1.scores?.news2.components.find((c) => c.parameter === 'pulse')?.value).toBe(120);
    expect(w1.scores?.qsofa.components.map((c) => c.criterion).sort()).toEqual([
      'alteredMentation',
      'respiratoryRate',
      'systolicBP',
    ]);
    expect(w2.stayRef).toBe('w-2');
    expect(w2.scores).toBeNull();
    expect(w2.risk).toEqual([]);
  });

  it('carries open alerts with their reasons, and acknowledged ones until resolved', async () => {
    const [w3] = (await ward('icu-b')).stays;
    expect(w3.alerts).toEqual([expect.objectContaining({ kind: 'news2', state: 'open', hour: 1 })]);
    await monitor.acknowledgeAlert({ alertId: w3.alerts[0].id, actor: 'nurse', note: 'seen' });
    const [acked] = (await ward('icu-b')).stays;
    expect(acked.alerts).toEqual([
      expect.objectContaining({ kind: 'news2', state: 'acknowledged', acknowledgedBy: 'nurse' }),
    ]);
    await monitor.resolveAlert({ alertId: w3.alerts[0].id, actor: 'nurse', note: 'better' });
    expect((await ward('icu-b')).stays[0].alerts).toEqual([]);
  });

  it('keeps the ICU-mortality risk once hour 48 is scored, though later hours leave it out', async () => {
    const observations = Array.from({ length: 50 }, (_, i) => vitals('w-2', i + 1)).flat();
    // Shifted by the half hour w-2 was admitted after the others: the readings still fall inside hours 1..50.
    for (const o of observations) o.time = new Date(o.time.getTime() + 30 * 60_000);
    await monitor.recordObservations({ stayRef: 'w-2', observations }, origin);
    const w2 = (await ward('icu-a', 1)).stays.find((s) => s.stayRef === 'w-2');
    expect(w2?.risk.map((a) => a.hour)).toEqual([50]);
    expect(w2?.scores?.hour).toBe(50);
    expect(w2?.icuMortality).toEqual({ hour: 48, probability: expect.any(Number) });
  });
});
