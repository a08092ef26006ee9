/**
 * `--via direct` end to end on the embedded database: the first 3 set A stays played at full speed through the real
 * monitor are admitted, every kept observation stored once, each hour with data assessed once, and each stay
 * discharged.
 */
import { join } from 'node:path';
import { prismaAuditLog } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import { readPhysioNet2019Stays } from '@/ingest/physionet2019-stays';
import { replayPlan, runIdOf, type ReplayPlan } from '@/ingest/replay-plan';
import { replay } from '@/ingest/replay';
import { directTransport } from '@/ingest/replay-transports';
import { MonitorService } from '@/monitoring/monitor-service';
import { stayViews } from '@/monitoring/stay-views';
import { PredictionService } from '@/prediction/prediction-service';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const registry = new ModelRegistry(join(__dirname, '../../../models'));
const SET_A = join(__dirname, '../../../data/physionet2019/setA.csv.gz');
const embedded = DATABASES.filter(([kind]) => kind === 'pglite');

afterAll(() => registry.close());

describe.each(embedded)('a direct replay on %s', (_kind, open) => {
  let database: TestDatabase;
  let monitor: MonitorService;
  let plans: ReplayPlan[];

  beforeAll(async () => {
    database = await open();
    await migrate(database.db);
    const audit = prismaAuditLog(database.db.prisma);
    monitor = await MonitorService.create(database.db.prisma, registry, new PredictionService(registry, audit));
    const startedAt = new Date('2026-03-01T08:00:00Z');
    plans = [];
    for await (const stay of readPhysioNet2019Stays(SET_A, { patients: 3 }))
      plans.push(
        replayPlan(stay, { runId: runIdOf(startedAt), admittedAt: startedAt, vocabulary: monitor.vocabulary }),
      );
  });
  afterAll(() => database.dispose());

  it('stores the stays, their observations once each, one assessment per stay-hour with data, and discharges', async () => {
    const lines: string[] = [];
    const summary = await replay({
      plans,
      transport: directTransport(monitor),
      speed: 0,
      startedAt: plans[0].admittedAt,
      log: (line) => lines.push(line),
    });
    const observations = plans.reduce((n, p) => n + p.steps.reduce((m, s) => m + s.observations.length, 0), 0);
    expect(summary).toMatchObject({
      stays: 3,
      admitted: 3,
      discharged: 3,
      steps: plans.reduce((n, p) => n + p.steps.length, 0),
      observations,
      failures: 0,
    });
    expect(lines.filter((l) => l.startsWith('failed'))).toEqual([]);
    expect(observations).toBeGreaterThan(100);

    const prisma = database.db.prisma;
    expect(await prisma.observation.count({ where: { source: 'replay' } })).toBe(observations);
    const views = stayViews(prisma);
    for (const plan of plans) {
      const stay = await views.get(plan.stayRef);
      expect(stay).toMatchObject({ patientRef: plan.patientRef, unit: plan.unit, source: 'replay' });
      expect(stay!.dischargedAt?.toISOString()).toBe(plan.dischargedAt.toISOString());
      // Steps were sent in hour order, each a batch of its own: one assessment (revision 1) per hour with data.
      expect(stay!.assessments.map((a) => [a.hour, a.revision])).toEqual(plan.steps.map((s) => [s.hour, 1]));
      expect(stay!.assessments.every((a) => a.sepsisPredictionId !== null)).toBe(true);
    }
    // A second run of the same plans stores nothing new: every observation is recognised by its source id.
    const again = await replay({
      plans,
      transport: directTransport(monitor),
      speed: 0,
      startedAt: plans[0].admittedAt,
    });
    expect(again.failures).toBe(0);
    expect(await prisma.observation.count({ where: { source: 'replay' } })).toBe(observations);
  });
});
