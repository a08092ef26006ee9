/**
 * The stay page's view model over a real migrated Postgres with the shipped models: a stay admitted and observed for
 * three hours through the monitor, its page assembled as the route does (assessed hours, carried-forward values, the
 * sepsis threshold from the card, an alert), every hour's explanation adding up to its probability, and the alert
 * forms storing nothing without a note and moving the alert with one.
 */
import { join } from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import type { Principal } from '@/access/roles';
import { prismaApiKeyStore } from '@/access/api-keys';
import { prismaAuditLog } from '@/audit/audit-log';
import { openDatabase, type Database } from '@/db/database';
import { moveAlertFromForm } from '@/dashboard/stay-alert-action';
import { loadStayPage, type StayPageServices } from '@/dashboard/stay-page';
import { ModelRegistry } from '@/inference/model-registry';
import type { ObservationInput } from '@/monitoring/monitor-input';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews } from '@/monitoring/stay-views';
import { PredictionService } from '@/prediction/prediction-service';
import { HourExplanation } from '@/ui/stay/hour-explanation';
import { CONSISTENCY_TOLERANCE } from '@/ui/charts/waterfall-steps';
import { predictMargin } from '@/explain/tree-ensemble';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

const registry = new ModelRegistry(join(__dirname, '../../../models'));
const ADMITTED = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number) => new Date(ADMITTED.getTime() + minutes * 60_000);
const origin = { source: 'graphql' as const, requester: 'test-key' };

function observations(hour: number, values: Record<string, number>): ObservationInput[] {
  return Object.entries(values).map(([name, value]) => ({
    name,
    time: at(hour * 60 - 30),
    value,
    sourceId: `page/${hour}/${name}`,
  }));
}

const NORMAL = { HR: 80, Resp: 16, O2Sat: 97, SBP: 125, MAP: 90, Temp: 37, Consciousness: 0, SupplementalO2: 0 };
// RR 26 (3) + SpO2 92 (2) + oxygen (2) + SBP 105 (1) + HR 115 (2) + Alert (0) + 38.5 (1) = 11: a NEWS2 alert.
const SICK = { Resp: 26, O2Sat: 92, SupplementalO2: 1, SBP: 105, HR: 115, Temp: 38.5, Consciousness: 0, Lactate: 3.1 };

let database: PostgresTestDatabase;
let db: Database;
let services: StayPageServices & { monitor: MonitorService };
let CLINICIAN: Principal;

beforeAll(async () => {
  database = await createMigratedPostgresDatabase('crc_stay_page');
  db = await openDatabase({ databaseUrl: database.url });
  const audit = prismaAuditLog(db.prisma);
  const monitor = await MonitorService.create(db.prisma, registry, new PredictionService(registry, audit));
  const keys = prismaApiKeyStore(db.prisma);
  const { record: key } = await keys.create({ name: 'Dr Ward', role: 'clinician', createdBy: 'test' });
  CLINICIAN = { keyId: key.id, name: key.name, role: 'clinician' };
  services = { stays: stayViews(db.prisma), registry, audit, monitor, keys };
  await monitor.admitStay(
    {
      stayRef: 'enc-page',
      patientRef: 'pat-page',
      unit: 'icu-a',
      admittedAt: ADMITTED,
      facts: [
        { name: 'Age', value: 71 },
        { name: 'Gender', value: 0 },
      ],
    },
    origin,
  );
  await monitor.recordObservations({ stayRef: 'enc-page', observations: observations(1, NORMAL) }, origin);
  await monitor.recordObservations({ stayRef: 'enc-page', observations: observations(2, SICK) }, origin);
  // Hour 3 measures only pulse and temperature: the rest is carried forward.
  await monitor.recordObservations(
    { stayRef: 'enc-page', observations: observations(3, { HR: 118, Temp: 38.9 }) },
    origin,
  );
}, 60_000);

afterAll(async () => {
  await db?.close();
  await database?.drop();
  await registry.close();
});

const page = (hour?: string) => loadStayPage(services, CLINICIAN, 'enc-page', hour);

describe('the stay page on Postgres', () => {
  it('assembles the assessed hours, the threshold from the card, the course and the alert', async () => {
    const loaded = (await page())!;
    const { view } = loaded;
    expect(view.hours.map((h) => h.hour)).toEqual([1, 2, 3]);
    expect(view.selectedHour).toBe(3);
    const card = (await registry.load()).get('sepsis')!.card;
    expect(view.risk.threshold).toBe(card.threshold.value);
    expect(view.risk.points.map((p) => p.hour)).toEqual([1, 2, 3]);
    expect(view.alerts.map((a) => [a.kind, a.hour, a.state])).toContainEqual(['news2', 2, 'open']);
    expect(view.risk.alerts.map((a) => [a.kind, a.hour])).toContainEqual(['news2', 2]);
    expect(view.panels.map((p) => p.key)).toEqual(['HR', 'SBP MAP', 'Resp', 'Temp', 'O2Sat', 'Lactate']);
    // Hour 3's NEWS2 is partial (only pulse and temperature measured within it).
    expect(view.hours[2].news2).toMatchObject({ complete: false, total: null });
    expect(loaded.icuMortality).toEqual({ state: 'not-yet', hoursSoFar: 3, needs: 48 });
    expect(loaded.canManageAlerts).toBe(true);
  });

  it('marks what hour 3 carried forward, with the hour it comes from', async () => {
    const { view } = (await page('3'))!;
    const byCode = new Map(view.hourObservations.map((o) => [o.code, o]));
    expect(byCode.get('HR')).toMatchObject({ value: 118, fromHour: 3, carriedForward: false });
    expect(byCode.get('SBP')).toMatchObject({ value: 105, fromHour: 2, carriedForward: true });
    expect(byCode.get('MAP')).toMatchObject({ value: 90, fromHour: 1, carriedForward: true });
    expect(byCode.get('Lactate')).toMatchObject({ value: 3.1, fromHour: 2, carriedForward: true });
  });

  it.each(['1', '2', '3'])(
    'explains hour %s with its record: base + Σ contributions = logit p (the margin to 1e-6; the float32 p to 1e-4)',
    async (hour) => {
      const loaded = (await page(hour))!;
      expect(loaded.view.selectedHour).toBe(Number(hour));
      const e = loaded.explanation!;
      const row = loaded.view.hours.find((h) => h.hour === Number(hour))!;
      expect(e.prediction.id).toBe(row.sepsisPredictionId);
      expect(e.prediction.probability).toBe(row.sepsisProbability);
      const sum = e.prediction.contributions.reduce((s, c) => s + c.contribution, e.prediction.baseValue);
      expect(e.output).toBeCloseTo(sum, 12);
      // The independent reference: the ensemble walked in float64 on the vector the record says the model saw.
      const record = (await services.audit.get(e.prediction.id))!;
      const { ensemble } = (await registry.load()).get('sepsis')!;
      const margin = predictMargin(
        ensemble,
        record.vector.map((v) => (v === null ? NaN : v)),
      );
      const p64 = 1 / (1 + Math.exp(-margin));
      expect(Math.abs(sum - Math.log(p64 / (1 - p64)))).toBeLessThan(1e-6);
      // The stored probability is onnxruntime's float32 output (its margin summed in float32): it agrees to rounding,
      // not to 1e-6 (hour 1 here differs by about 1e-5), which is what the page's tolerance allows for.
      const p = e.prediction.probability;
      expect(Math.abs(p - p64)).toBeLessThan(1e-6);
      expect(Math.abs(sum - Math.log(p / (1 - p)))).toBeLessThan(CONSISTENCY_TOLERANCE);
      const markup = renderToStaticMarkup(
        createElement(HourExplanation, {
          hours: loaded.view.hours,
          selectedHour: loaded.view.selectedHour,
          hourProblem: null,
          explanation: e,
          observations: loaded.view.hourObservations,
        }),
      );
      expect(markup).toContain('data-agrees="true"');
      expect(markup).toContain('They add up: base ');
    },
  );

  it('refuses to acknowledge with an empty note and stores nothing; with a note the alert moves, as the key', async () => {
    const alert = (await page())!.view.alerts.find((a) => a.kind === 'news2')!;
    const eventsBefore = await db.prisma.alertEvent.count();
    const form = (note: string) => {
      const f = new FormData();
      f.set('alertId', alert.id);
      f.set('note', note);
      return f;
    };
    const refused = await moveAlertFromForm(services, CLINICIAN, 'acknowledge', 'enc-page', form('  '));
    expect(refused.changed).toBe(false);
    expect(refused.state.fieldErrors.note).toMatch(/^Note: a note is required/);
    expect(await db.prisma.alertEvent.count()).toBe(eventsBefore);
    expect(await db.prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({
      state: 'open',
      acknowledgedAt: null,
      acknowledgeNote: null,
    });

    const done = await moveAlertFromForm(services, CLINICIAN, 'acknowledge', 'enc-page', form('seen; fluids started'));
    expect(done).toMatchObject({ changed: true, state: { done: 'Alert acknowledged.', formError: null } });
    const moved = (await page())!.view.alerts.find((a) => a.id === alert.id)!;
    expect(moved.state).toBe('acknowledged');
    expect(moved.events.at(-1)).toMatchObject({
      from: 'open',
      to: 'acknowledged',
      actor: CLINICIAN.keyId,
      actorKey: { name: 'Dr Ward', role: 'clinician', prefix: expect.stringMatching(/^crc_/) },
      note: 'seen; fluids started',
    });
    expect(moved.events[0]).toMatchObject({ actor: 'monitor', actorKey: null });
    expect(await db.prisma.alertEvent.count()).toBe(eventsBefore + 1);

    // Acknowledging again is refused by the monitor's state rules, and said.
    const again = await moveAlertFromForm(services, CLINICIAN, 'acknowledge', 'enc-page', form('again'));
    expect(again.state.formError).toMatch(/^Nothing was stored: alert .* is acknowledged/);
  });

  it('answers null for an unknown stay', async () => {
    expect(await loadStayPage(services, CLINICIAN, 'no-such-stay', undefined)).toBeNull();
  });
});
