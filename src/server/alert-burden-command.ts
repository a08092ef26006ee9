/**
 * `npm run alert-burden -- --patients 1000`: replays PhysioNet 2019 set A stays through the monitor (in-process, on a
 * database of its own), answers every alert at once as a ward would, and writes the burden beside the sepsis card
 * (models/sepsis/alert-burden.json): alerts per patient-day by kind, and septic stays alerted before onset.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prismaAuditLog } from '@/audit/audit-log';
import { loadEnvironment } from '@/config/environment';
import { openDatabase } from '@/db/database';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import { readPhysioNet2019Stays } from '@/ingest/physionet2019-stays';
import { replayPlan, runIdOf, SEPSIS_LABEL_LEAD_HOURS, type ReplayPlan } from '@/ingest/replay-plan';
import { ALERT_BURDEN_FILE, type AlertBurden, type KindBurden } from '@/monitoring/alert-burden';
import { DEFAULT_SUPPRESSION_HOURS, MonitorService } from '@/monitoring/monitor-service';
import { PredictionService } from '@/prediction/prediction-service';

const KINDS = ['sepsis', 'news2', 'qsofa'] as const;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The burden of one kind (or any), from each stay's alert hours. */
export function kindBurden(
  kind: KindBurden['kind'],
  plans: readonly Pick<ReplayPlan, 'stayRef' | 'onsetHour'>[],
  alertHours: ReadonlyMap<string, number[]>,
  patientDays: number,
): KindBurden {
  let alerts = 0;
  let before = 0;
  let nonSeptic = 0;
  const leads: number[] = [];
  const septic = plans.filter((p) => p.onsetHour !== null).length;
  for (const plan of plans) {
    const hours = alertHours.get(plan.stayRef) ?? [];
    alerts += hours.length;
    if (plan.onsetHour === null) {
      if (hours.length > 0) nonSeptic++;
      continue;
    }
    const first = Math.min(...hours.filter((h) => h < (plan.onsetHour as number)));
    if (Number.isFinite(first)) {
      before++;
      leads.push((plan.onsetHour as number) - first);
    }
  }
  return {
    kind,
    alerts,
    perPatientDay: alerts / patientDays,
    septicAlertedBeforeOnset: before,
    septicShareAlertedBeforeOnset: septic > 0 ? before / septic : 0,
    medianLeadHours: median(leads),
    nonSepticStaysAlerted: nonSeptic,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      patients: { type: 'string', default: '1000' },
      skip: { type: 'string', default: '0' },
      data: { type: 'string', default: 'data/physionet2019/setA.csv.gz' },
      out: { type: 'string' },
    },
  });
  const patients = Number(values.patients);
  const skip = Number(values.skip);
  if (!Number.isSafeInteger(patients) || patients < 1) throw new Error(`--patients must be a whole number from 1`);
  if (!Number.isSafeInteger(skip) || skip < 0) throw new Error(`--skip must be a whole number from 0`);
  const environment = loadEnvironment();
  const registry = new ModelRegistry(environment.MODELS_DIR);
  const out = values.out ?? join(environment.MODELS_DIR, 'sepsis', ALERT_BURDEN_FILE);
  // A database of its own: the replay's thousands of stays are not the ward's.
  const dir = environment.DATABASE_URL ? null : await mkdtemp(join(tmpdir(), 'crc-alert-burden-'));
  const db = await openDatabase(
    environment.DATABASE_URL ? { databaseUrl: environment.DATABASE_URL } : { dataDir: join(dir as string, 'pglite') },
  );
  try {
    await migrate(db);
    const audit = prismaAuditLog(db.prisma, db);
    const monitor = await MonitorService.create(db.prisma, registry, new PredictionService(registry, audit));
    const sepsis = await registry.get('sepsis');
    const startedAt = new Date();
    const runId = runIdOf(startedAt);
    const plans: ReplayPlan[] = [];
    let hoursAssessed = 0;
    const alertHours = new Map<string, Map<string, number[]>>(KINDS.map((k) => [k, new Map()]));
    const origin = { source: 'replay' as const, requester: 'alert-burden' };
    for await (const stay of readPhysioNet2019Stays(values.data as string, { patients, skip })) {
      const plan = replayPlan(stay, { runId, admittedAt: startedAt, vocabulary: monitor.vocabulary });
      plans.push(plan);
      await monitor.admitStay(
        {
          stayRef: plan.stayRef,
          patientRef: plan.patientRef,
          unit: plan.unit,
          admittedAt: plan.admittedAt,
          facts: plan.facts,
        },
        origin,
      );
      for (const step of plan.steps) {
        const result = await monitor.recordObservations(
          { stayRef: plan.stayRef, observations: step.observations },
          origin,
        );
        for (const a of result.assessed) hoursAssessed += a.hours.length;
        for (const raised of result.alertsRaised) {
          // The ward answers at once: the suppression window then decides when the same kind may alert again.
          const alert = await monitor.acknowledgeAlert({
            alertId: raised.alertId,
            actor: 'alert-burden',
            note: 'acknowledged at once by the replay',
          });
          const byStay = alertHours.get(raised.kind) as Map<string, number[]>;
          byStay.set(plan.stayRef, [...(byStay.get(plan.stayRef) ?? []), alert.hour]);
        }
      }
      await monitor.dischargeStay({ stayRef: plan.stayRef, dischargedAt: plan.dischargedAt }, origin);
      if (plans.length % 100 === 0) process.stdout.write(`${plans.length} stays replayed\n`);
    }
    const patientDays = plans.reduce((sum, p) => sum + p.lastHour, 0) / 24;
    const any = new Map<string, number[]>();
    for (const byStay of alertHours.values())
      for (const [stayRef, hours] of byStay) any.set(stayRef, [...(any.get(stayRef) ?? []), ...hours]);
    const first = plans[0]?.patientId;
    const last = plans.at(-1)?.patientId;
    const burden: AlertBurden = {
      modelId: sepsis.card.id,
      modelVersion: sepsis.card.version,
      measuredAt: new Date().toISOString(),
      command: `npm run alert-burden -- --patients ${patients}${skip ? ` --skip ${skip}` : ''}`,
      data: `PhysioNet/CinC 2019 set A, ${plans.length} stays (${first}…${last}) in file order`,
      policy: `Every alert was acknowledged as soon as it was raised; the same kind is not raised again for ${DEFAULT_SUPPRESSION_HOURS} stay hours after an acknowledgement.`,
      stays: plans.length,
      patientDays,
      hoursAssessed,
      septicStays: plans.filter((p) => p.onsetHour !== null).length,
      onset: `Onset is the first hour labelled septic plus ${SEPSIS_LABEL_LEAD_HOURS} (the challenge labels from 6 h before onset); an alert counts as before onset when raised at an earlier hour.`,
      byKind: [
        ...KINDS.map((kind) => kindBurden(kind, plans, alertHours.get(kind) as Map<string, number[]>, patientDays)),
        kindBurden('any', plans, any, patientDays),
      ],
    };
    await writeFile(out, `${JSON.stringify(burden, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(burden.byKind, null, 2)}\nwrote ${out}\n`);
  } finally {
    await db.close();
    await registry.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
