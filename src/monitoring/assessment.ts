/**
 * The hourly assessment of a stay: at the end of each hour with new data, the timeline models score the course through
 * the prediction service's scoring core (stored as ordinary, chained audit records), NEWS2 and qSOFA are computed from
 * the hour's own observations, and the alert rules run — all inside the ingest's transaction.
 */
import { randomUUID } from 'node:crypto';
import { appendInTransaction } from '@/audit/audit-log';
import type { AuditRecord } from '@/audit/audit-record';
import type { Prisma } from '@/db/generated/client';
import type { ModelRegistry } from '@/inference/model-registry';
import type { PredictionRow, PredictionService } from '@/prediction/prediction-service';
import { raiseAlerts, type RaisedAlert } from './alerts';
import { news2 } from './news2';
import { qsofa } from './qsofa';
import {
  hourEnd,
  hourOf,
  hoursToAssess,
  hourValues,
  modelCourse,
  observationsInForce,
  type StayFact,
  type StoredObservation,
} from './stay-course';
import type { MonitorVocabulary } from './vocabulary';

/** Who the monitor's predictions are recorded as asked by. */
export const MONITOR_REQUESTER = 'monitor';

/** A stay as the assessment reads it. */
export interface AssessedStay {
  id: string;
  stayRef: string;
  patientRef: string;
  unit: string;
  admittedAt: Date;
  facts: StayFact[];
  spo2Scale: 1 | 2;
}

export interface AssessmentContext {
  registry: ModelRegistry;
  prediction: PredictionService;
  vocabulary: MonitorVocabulary;
  /** Stay hours after an acknowledgement during which the same kind of alert is not raised again. */
  suppressionHours: number;
}

export interface StayAssessment {
  hours: number[];
  records: AuditRecord[];
  alerts: RaisedAlert[];
}

const ICU_MORTALITY_FROM_HOUR = 48;

/**
 * Assesses the hours of `stay` that its unassessed observations call for (see hoursToAssess). Observations are
 * "unassessed" when they arrived after the last assessment's `throughSeq`, so work interrupted before commit is found
 * again by the next call, whatever way in brought the data.
 */
export async function assessStay(
  tx: Prisma.TransactionClient,
  context: AssessmentContext,
  stay: AssessedStay,
): Promise<StayAssessment> {
  const all: StoredObservation[] = await tx.observation.findMany({
    where: { stayId: stay.id },
    orderBy: { seq: 'asc' },
    select: { seq: true, name: true, time: true, value: true, supersedes: true },
  });
  // Each assessed hour with its latest revision, and the last observation any assessment read.
  const assessed = await tx.assessment.groupBy({
    by: ['hour'],
    where: { stayId: stay.id },
    _max: { revision: true, throughSeq: true },
  });
  let through = BigInt(-1);
  for (const a of assessed) if (a._max.throughSeq !== null && a._max.throughSeq > through) through = a._max.throughSeq;
  const fresh = all.filter((o) => o.seq > through);
  if (fresh.length === 0) return { hours: [], records: [], alerts: [] };
  const hours = hoursToAssess(
    fresh.map((o) => hourOf(stay.admittedAt, o.time)),
    new Set(assessed.map((a) => a.hour)),
  );
  const revisionOf = new Map(assessed.map((a) => [a.hour, a._max.revision ?? 0]));
  const inForce = observationsInForce(all);
  const throughSeq = all[all.length - 1].seq;
  const origin = { requestId: 'monitor', requester: MONITOR_REQUESTER };
  // Each record names the stay and hour it was scored for, so an auditor finds an assessment's prediction by it.
  const forHour = (hour: number) => `monitor:${stay.stayRef}:hour-${hour}`;

  // sepsis: every hour assessed, while the stay is inside the span the model scores.
  const sepsis = await context.registry.get('sepsis');
  const lastMinute = sepsis.card.timeline?.lastMinute ?? Infinity;
  const sepsisRows = new Map<number, PredictionRow>();
  for (const hour of hours) {
    if (hour * 60 > lastMinute) continue;
    const observations = modelCourse(
      context.vocabulary,
      'sepsis',
      stay.admittedAt,
      stay.facts,
      inForce,
      hourEnd(stay.admittedAt, hour),
    );
    if (observations.length > 0)
      sepsisRows.set(hour, { observations, admittedAt: stay.admittedAt, patientRef: stay.patientRef });
  }

  // icu-mortality: once 48 hours exist, and again only when data inside its window arrives late.
  let icuHour: number | undefined;
  let icuRow: PredictionRow | undefined;
  const firstLate = hours.find((h) => h >= ICU_MORTALITY_FROM_HOUR);
  if (firstLate !== undefined) {
    const icu = await context.registry.get('icu-mortality');
    const window = icu.card.timeline?.windowMinutes ?? 2880;
    const windowEnd = new Date(stay.admittedAt.getTime() + window * 60_000);
    const previous = await tx.assessment.findFirst({
      where: { stayId: stay.id, icuMortalityPredictionId: { not: null } },
      orderBy: [{ hour: 'desc' }, { revision: 'desc' }],
      select: { throughSeq: true },
    });
    const changed = !previous || all.some((o) => o.seq > previous.throughSeq && o.time <= windowEnd);
    if (changed) {
      const observations = modelCourse(
        context.vocabulary,
        'icu-mortality',
        stay.admittedAt,
        stay.facts,
        inForce,
        windowEnd,
      );
      if (observations.length > 0) {
        icuHour = firstLate;
        icuRow = { observations, admittedAt: stay.admittedAt, patientRef: stay.patientRef };
      }
    }
  }

  const sepsisScored =
    sepsisRows.size > 0 ? await context.prediction.score('sepsis', [...sepsisRows.values()], origin) : [];
  const icuScored = icuRow ? await context.prediction.score('icu-mortality', [icuRow], origin) : [];
  const sepsisHours = [...sepsisRows.keys()];
  const records = await appendInTransaction(tx, [
    ...sepsisScored.map((r, i) => ({ ...r, requestId: forHour(sepsisHours[i]) })),
    ...icuScored.map((r) => ({ ...r, requestId: forHour(icuHour as number) })),
  ]);
  const sepsisByHour = new Map(sepsisHours.map((hour, i) => [hour, records[i]]));
  const icuRecord = icuScored.length > 0 ? records[records.length - 1] : undefined;

  const assessments = hours.map((hour) => {
    const values = hourValues(stay.admittedAt, hour, inForce);
    const n = news2(values, { spo2Scale: stay.spo2Scale });
    const q = qsofa(values);
    const s = sepsisByHour.get(hour);
    const icu = hour === icuHour ? icuRecord : undefined;
    return {
      id: randomUUID(),
      stayId: stay.id,
      hour,
      revision: (revisionOf.get(hour) ?? 0) + 1,
      throughSeq,
      sepsisPredictionId: s?.id ?? null,
      sepsisProbability: s?.probability ?? null,
      sepsisPositive: s?.positive ?? null,
      icuMortalityPredictionId: icu?.id ?? null,
      icuMortalityProbability: icu?.probability ?? null,
      news2: n as unknown as Prisma.InputJsonValue,
      news2Total: n.total,
      qsofa: q as unknown as Prisma.InputJsonValue,
      qsofaTotal: q.total,
      parts: { news2: n, qsofa: q, sepsis: s, sepsisThreshold: sepsis.card.threshold.value },
    };
  });
  await tx.assessment.createMany({ data: assessments.map(({ parts: _parts, ...row }) => row) });
  const alerts = await raiseAlerts(tx, stay, assessments, context.suppressionHours);
  return { hours, records, alerts };
}
