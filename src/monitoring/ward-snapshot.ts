/**
 * The ward as of one moment: every active stay with its latest value of each code asked for, the latest revision of
 * its last hours' assessments and its alerts still needing attention. A fixed number of queries whatever the number of stays, so a
 * board of 200 stays costs what a board of 2 does in round trips.
 */
import { withDatabaseErrors } from '@/db/database';
import type { PrismaClient } from '@/db/generated/client';
import type { News2Result } from './news2';
import type { QsofaResult } from './qsofa';

export interface WardQuery {
  /** Only this unit; every unit when absent. */
  unit?: string | null;
  /** The codes whose latest value each stay shows. */
  codes: readonly string[];
  /** Assessed hours kept per stay, counted back from its latest. */
  hours: number;
}

export interface WardLatestValue {
  name: string;
  value: number;
  time: Date;
}

export interface WardAssessment {
  hour: number;
  revision: number;
  sepsisProbability: number | null;
  sepsisPositive: boolean | null;
  icuMortalityProbability: number | null;
  news2: News2Result;
  qsofa: QsofaResult;
}

export interface WardAlert {
  id: string;
  kind: 'sepsis' | 'news2' | 'qsofa';
  state: 'open' | 'acknowledged';
  hour: number;
  reason: string;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

export interface WardStay {
  id: string;
  stayRef: string;
  patientRef: string;
  unit: string;
  admittedAt: Date;
  /** The latest value in force of each code asked for that the stay has (corrections applied, withdrawals gone). */
  latest: WardLatestValue[];
  /** Oldest first; each hour's latest revision. */
  assessments: WardAssessment[];
  /** The latest ICU-mortality risk (scored once 48 hours exist, whatever hour that was); null before. */
  icuMortality: { hour: number; probability: number } | null;
  /** Open and acknowledged (not resolved), oldest first. */
  alerts: WardAlert[];
}

export interface WardSnapshot {
  /** Postgres's clock when the snapshot was read: what "n minutes ago" counts from. */
  readAt: Date;
  /** Every unit with an active stay, whatever the unit asked for: the board's choice of wards. */
  units: string[];
  stays: WardStay[];
}

// In force: not superseded by a later observation, and not itself a withdrawal (value null).
const LATEST_VALUES = `
  SELECT DISTINCT ON (o.stay_id, o.name) o.stay_id::text AS stay_id, o.name, o.value, o.time
    FROM observation o
   WHERE o.stay_id = ANY($1::uuid[]) AND o.name = ANY($2::text[]) AND o.value IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM observation c WHERE c.stay_id = o.stay_id AND c.supersedes = o.seq)
   ORDER BY o.stay_id, o.name, o.time DESC, o.seq DESC`;

const RECENT_ASSESSMENTS = `
  WITH latest AS (SELECT stay_id, max(hour) AS hour FROM assessment WHERE stay_id = ANY($1::uuid[]) GROUP BY stay_id)
  SELECT DISTINCT ON (a.stay_id, a.hour)
         a.stay_id::text AS stay_id, a.hour, a.revision, a.sepsis_probability, a.sepsis_positive,
         a.icu_mortality_probability, a.news2, a.qsofa
    FROM assessment a JOIN latest l ON l.stay_id = a.stay_id
   WHERE a.hour > l.hour - $2::int
   ORDER BY a.stay_id, a.hour, a.revision DESC`;

// icu-mortality is scored at hour 48 and again only for late data inside its window: not in the last hours' rows.
const LATEST_ICU_MORTALITY = `
  SELECT DISTINCT ON (stay_id) stay_id::text AS stay_id, hour, icu_mortality_probability AS probability
    FROM assessment
   WHERE stay_id = ANY($1::uuid[]) AND icu_mortality_probability IS NOT NULL
   ORDER BY stay_id, hour DESC, revision DESC`;

type LatestRow = { stay_id: string; name: string; value: number; time: Date };
type AssessmentRow = {
  stay_id: string;
  hour: number;
  revision: number;
  sepsis_probability: number | null;
  sepsis_positive: boolean | null;
  icu_mortality_probability: number | null;
  news2: News2Result;
  qsofa: QsofaResult;
};

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row)) ?? [];
    list.push(row);
    groups.set(key(row), list);
  }
  return groups;
}

/** Reads the active stays (not discharged) of the unit, earliest admission first (then by stayRef), as of one database moment. */
export async function readWard(prisma: PrismaClient, query: WardQuery): Promise<WardSnapshot> {
  return withDatabaseErrors(() =>
    // One snapshot of the database: rows, values and alerts all as of the same commit.
    prisma.$transaction(
      async (tx) => {
        const [{ now }] = await tx.$queryRawUnsafe<{ now: Date }[]>('SELECT now() AS now');
        const units = (
          await tx.stay.findMany({ where: { dischargedAt: null }, distinct: ['unit'], select: { unit: true } })
        )
          .map((s) => s.unit)
          .sort();
        const stays = await tx.stay.findMany({
          where: { dischargedAt: null, ...(query.unit ? { unit: query.unit } : {}) },
          orderBy: [{ admittedAt: 'asc' }, { stayRef: 'asc' }],
        });
        const ids = stays.map((s) => s.id);
        if (ids.length === 0) return { readAt: now, units, stays: [] };
        const [latest, assessments, icu, alerts] = [
          await tx.$queryRawUnsafe<LatestRow[]>(LATEST_VALUES, ids, [...query.codes]),
          await tx.$queryRawUnsafe<AssessmentRow[]>(RECENT_ASSESSMENTS, ids, query.hours),
          await tx.$queryRawUnsafe<{ stay_id: string; hour: number; probability: number }[]>(LATEST_ICU_MORTALITY, ids),
          await tx.alert.findMany({
            where: { stayId: { in: ids }, state: { in: ['open', 'acknowledged'] } },
            orderBy: [{ raisedAt: 'asc' }, { id: 'asc' }],
          }),
        ];
        const latestOf = groupBy(latest, (r) => r.stay_id);
        const assessmentsOf = groupBy(assessments, (r) => r.stay_id);
        const alertsOf = groupBy(alerts, (a) => a.stayId);
        const icuOf = new Map(
          icu.map((r) => [r.stay_id, { hour: Number(r.hour), probability: Number(r.probability) }]),
        );
        return {
          readAt: now,
          units,
          stays: stays.map((s) => ({
            id: s.id,
            stayRef: s.stayRef,
            patientRef: s.patientRef,
            unit: s.unit,
            admittedAt: s.admittedAt,
            latest: (latestOf.get(s.id) ?? []).map((r) => ({ name: r.name, value: Number(r.value), time: r.time })),
            assessments: (assessmentsOf.get(s.id) ?? [])
              .map((r) => ({
                hour: Number(r.hour),
                revision: Number(r.revision),
                sepsisProbability: r.sepsis_probability,
                sepsisPositive: r.sepsis_positive,
                icuMortalityProbability: r.icu_mortality_probability,
                news2: r.news2,
                qsofa: r.qsofa,
              }))
              .sort((a, b) => a.hour - b.hour),
            icuMortality: icuOf.get(s.id) ?? null,
            alerts: (alertsOf.get(s.id) ?? []).map((a) => ({
              id: a.id,
              kind: a.kind,
              state: a.state as 'open' | 'acknowledged',
              hour: a.hour,
              reason: a.reason,
              raisedAt: a.raisedAt,
              acknowledgedAt: a.acknowledgedAt,
              acknowledgedBy: a.acknowledgedBy,
            })),
          })),
        };
      },
      { isolationLevel: 'RepeatableRead' },
    ),
  );
}
