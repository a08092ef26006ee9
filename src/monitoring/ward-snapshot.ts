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

/** One recent hour's sepsis risk (its latest revision); null past the span the model scores. */
export interface WardRiskHour {
  hour: number;
  revision: number;
  sepsisProbability: number | null;
  sepsisPositive: boolean | null;
}

/** NEWS2 and qSOFA of the stay's latest assessed hour (its latest revision), with their components. */
export interface WardScores {
  hour: number;
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
  /** The last hours assessed, oldest first; each hour's latest revision. */
  risk: WardRiskHour[];
  /** Null before the first assessment. */
  scores: WardScores | null;
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

// Each (stay, code) is one probe of observation(stay_id, name, time, seq), newest first; in force: not superseded by a
// later observation (probed on observation(stay_id, supersedes)), and not itself a withdrawal (value null).
const LATEST_VALUES = `
  SELECT s.id::text AS stay_id, c.name, l.value, l.time
    FROM unnest($1::uuid[]) AS s(id)
   CROSS JOIN unnest($2::text[]) AS c(name)
   CROSS JOIN LATERAL (
         SELECT o.value, o.time FROM observation o
          WHERE o.stay_id = s.id AND o.name = c.name AND o.value IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM observation x WHERE x.stay_id = o.stay_id AND x.supersedes = o.seq)
          ORDER BY o.time DESC, o.seq DESC
          LIMIT 1) AS l`;

// Only the risk of the recent hours: NEWS2 and qSOFA (JSON with their components) are read for the latest hour alone.
const RECENT_RISK = `
  SELECT s.id::text AS stay_id, r.hour, r.revision, r.sepsis_probability, r.sepsis_positive
    FROM unnest($1::uuid[]) AS s(id)
   CROSS JOIN LATERAL (SELECT max(hour) AS hour FROM assessment WHERE stay_id = s.id) AS latest
   CROSS JOIN LATERAL (
         SELECT DISTINCT ON (a.hour) a.hour, a.revision, a.sepsis_probability, a.sepsis_positive
           FROM assessment a
          WHERE a.stay_id = s.id AND a.hour > latest.hour - $2::int
          ORDER BY a.hour, a.revision DESC) AS r`;

const LATEST_SCORES = `
  SELECT s.id::text AS stay_id, l.hour, l.news2, l.qsofa
    FROM unnest($1::uuid[]) AS s(id)
   CROSS JOIN LATERAL (
         SELECT a.hour, a.news2, a.qsofa FROM assessment a
          WHERE a.stay_id = s.id ORDER BY a.hour DESC, a.revision DESC LIMIT 1) AS l`;

// icu-mortality is scored at hour 48 and again only for late data inside its window: not in the last hours' rows.
const LATEST_ICU_MORTALITY = `
  SELECT s.id::text AS stay_id, l.hour, l.probability
    FROM unnest($1::uuid[]) AS s(id)
   CROSS JOIN LATERAL (
         SELECT a.hour, a.icu_mortality_probability AS probability FROM assessment a
          WHERE a.stay_id = s.id AND a.icu_mortality_probability IS NOT NULL
          ORDER BY a.hour DESC, a.revision DESC LIMIT 1) AS l`;

type LatestRow = { stay_id: string; name: string; value: number; time: Date };
type RiskRow = {
  stay_id: string;
  hour: number;
  revision: number;
  sepsis_probability: number | null;
  sepsis_positive: boolean | null;
};
type ScoresRow = { stay_id: string; hour: number; news2: News2Result; qsofa: QsofaResult };

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row)) ?? [];
    list.push(row);
    groups.set(key(row), list);
  }
  return groups;
}

function scoresOfStay(row: ScoresRow | undefined): WardScores | null {
  return row ? { hour: Number(row.hour), news2: row.news2, qsofa: row.qsofa } : null;
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
        const [latest, risk, scores, icu, alerts] = [
          await tx.$queryRawUnsafe<LatestRow[]>(LATEST_VALUES, ids, [...query.codes]),
          await tx.$queryRawUnsafe<RiskRow[]>(RECENT_RISK, ids, query.hours),
          await tx.$queryRawUnsafe<ScoresRow[]>(LATEST_SCORES, ids),
          await tx.$queryRawUnsafe<{ stay_id: string; hour: number; probability: number }[]>(LATEST_ICU_MORTALITY, ids),
          await tx.alert.findMany({
            where: { stayId: { in: ids }, state: { in: ['open', 'acknowledged'] } },
            orderBy: [{ raisedAt: 'asc' }, { id: 'asc' }],
          }),
        ];
        const latestOf = groupBy(latest, (r) => r.stay_id);
        const riskOf = groupBy(risk, (r) => r.stay_id);
        const scoresOf = new Map(scores.map((r) => [r.stay_id, r]));
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
            risk: (riskOf.get(s.id) ?? [])
              .map((r) => ({
                hour: Number(r.hour),
                revision: Number(r.revision),
                sepsisProbability: r.sepsis_probability,
                sepsisPositive: r.sepsis_positive,
              }))
              .sort((a, b) => a.hour - b.hour),
            scores: scoresOfStay(scoresOf.get(s.id)),
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
