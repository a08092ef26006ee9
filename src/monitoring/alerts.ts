/**
 * Alerts: raised by an assessment (sepsis risk at or above the model's threshold, NEWS2 ≥ 5 or a single parameter
 * scoring 3, qSOFA ≥ 2), one open alert per stay and kind, none again within the suppression window after an
 * acknowledgement; moved open → acknowledged → resolved by people (or resolved at discharge), every move chained.
 */
import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '@/audit/audit-record';
import { CodedError } from '@/errors/coded-error';
import type { Prisma } from '@/db/generated/client';
import { appendAlertEvents, type AlertStateName } from './alert-chain';
import { news2Alerts, type News2Result } from './news2';
import { qsofaAlerts, type QsofaResult } from './qsofa';

export const ALERT_KINDS = ['sepsis', 'news2', 'qsofa'] as const;
export type AlertKindName = (typeof ALERT_KINDS)[number];

/** Who the monitor's own moves are recorded as made by. */
export const MONITOR_ACTOR = 'monitor';

export interface RaisedAlert {
  alertId: string;
  stayRef: string;
  unit: string;
  kind: AlertKindName;
  hour: number;
  reason: string;
}

/** What an assessment says, for the alert rules. */
export interface AssessedHour {
  id: string;
  hour: number;
  parts: {
    news2: News2Result;
    qsofa: QsofaResult;
    sepsis?: Pick<AuditRecord, 'probability' | 'positive'>;
    sepsisThreshold: number;
  };
}

/** The reason each kind of alert is due at this hour, or nothing. */
export function alertReasons(assessed: AssessedHour['parts']): Partial<Record<AlertKindName, string>> {
  const reasons: Partial<Record<AlertKindName, string>> = {};
  const { sepsis } = assessed;
  if (sepsis?.positive)
    reasons.sepsis = `sepsis risk ${sepsis.probability.toFixed(4)} ≥ the model's threshold ${assessed.sepsisThreshold}`;
  const n = assessed.news2;
  if (news2Alerts(n)) {
    const score = n.complete
      ? `NEWS2 ${n.total}`
      : `NEWS2 at least ${n.partialTotal} (incomplete: ${n.missing.join(', ')})`;
    const threes = n.components.filter((c) => c.points === 3).map((c) => c.text);
    reasons.news2 =
      n.partialTotal >= 5 ? `${score} ≥ 5` : `a single NEWS2 parameter scores 3: ${threes.join('; ')} (${score})`;
  }
  const q = assessed.qsofa;
  if (qsofaAlerts(q))
    reasons.qsofa = q.complete
      ? `qSOFA ${q.total} ≥ 2`
      : `qSOFA at least ${q.partialTotal} ≥ 2 (incomplete: ${q.missing.join(', ')})`;
  return reasons;
}

/**
 * Raises the alerts the assessments call for, in hour order: not while an alert of the kind is open for the stay, nor
 * within `suppressionHours` stay hours after the last acknowledgement of that kind.
 */
export async function raiseAlerts(
  tx: Prisma.TransactionClient,
  stay: { id: string; stayRef: string; unit: string },
  assessments: readonly AssessedHour[],
  suppressionHours: number,
): Promise<RaisedAlert[]> {
  // One read per stay: which kinds have an open alert, and each kind's last acknowledged hour.
  const kinds = await tx.$queryRawUnsafe<{ kind: AlertKindName; open: boolean; acknowledged: number | null }[]>(
    `SELECT kind::text AS kind, bool_or(state = 'open') AS open, max(acknowledged_hour) AS acknowledged
       FROM alert WHERE stay_id = $1::uuid GROUP BY kind`,
    stay.id,
  );
  const open = new Set(kinds.filter((k) => k.open).map((k) => k.kind));
  const acknowledgedAt = new Map(
    kinds.filter((k) => k.acknowledged !== null).map((k) => [k.kind, Number(k.acknowledged)]),
  );
  const raised: RaisedAlert[] = [];
  const rows: Prisma.AlertCreateManyInput[] = [];
  const now = new Date();
  for (const assessment of assessments) {
    const reasons = alertReasons(assessment.parts);
    for (const kind of ALERT_KINDS) {
      const reason = reasons[kind];
      if (!reason || open.has(kind)) continue;
      const ack = acknowledgedAt.get(kind);
      if (ack !== undefined && assessment.hour <= ack + suppressionHours) continue;
      const alertId = randomUUID();
      open.add(kind);
      rows.push({
        id: alertId,
        stayId: stay.id,
        kind,
        state: 'open',
        hour: assessment.hour,
        assessmentId: assessment.id,
        reason,
        raisedAt: now,
      });
      raised.push({ alertId, stayRef: stay.stayRef, unit: stay.unit, kind, hour: assessment.hour, reason });
    }
  }
  if (rows.length === 0) return [];
  await tx.alert.createMany({ data: rows });
  await appendAlertEvents(
    tx,
    raised.map((a) => ({
      id: randomUUID(),
      alertId: a.alertId,
      fromState: null,
      toState: 'open' as const,
      actor: MONITOR_ACTOR,
      note: a.reason,
      at: now,
    })),
  );
  return raised;
}

/** No alert has this id. */
export class UnknownAlertError extends CodedError {
  readonly code = 'ALERT_NOT_FOUND';
  constructor(readonly alertId: string) {
    super(`alertId: no alert ${alertId}`);
  }
}

/** The alert is not in a state the move starts from. */
export class AlertStateError extends CodedError {
  readonly code = 'ALERT_STATE_CONFLICT';
  constructor(alertId: string, state: AlertStateName, move: string, from: readonly AlertStateName[]) {
    super(`alert ${alertId} is ${state}: only an alert that is ${from.join(' or ')} can be ${move}`);
  }
}

export interface AlertMoveInput {
  alertId: string;
  actor: string;
  note: string;
}

const MOVES = {
  acknowledged: { from: ['open'], word: 'acknowledged' },
  resolved: { from: ['open', 'acknowledged'], word: 'resolved' },
} as const satisfies Record<string, { from: readonly AlertStateName[]; word: string }>;

/**
 * Moves one alert (row-locked, so two clinicians acknowledging at once make one move and one refusal) and chains the
 * move. `latestHour` is the stay's latest assessed hour, from which the suppression window counts.
 */
export async function moveAlert(
  tx: Prisma.TransactionClient,
  to: keyof typeof MOVES,
  input: AlertMoveInput,
  latestHour: (stayId: string) => Promise<number>,
): Promise<{ id: string; stayId: string; kind: AlertKindName; hour: number; reason: string; from: AlertStateName }> {
  const [locked] = await tx.$queryRawUnsafe<{ id: string; stay_id: string; state: AlertStateName }[]>(
    'SELECT id::text, stay_id::text, state::text FROM alert WHERE id = $1::uuid FOR UPDATE',
    input.alertId,
  );
  if (!locked) throw new UnknownAlertError(input.alertId);
  const move = MOVES[to];
  if (!(move.from as readonly AlertStateName[]).includes(locked.state))
    throw new AlertStateError(input.alertId, locked.state, move.word, move.from);
  const at = new Date();
  const data: Prisma.AlertUpdateInput =
    to === 'acknowledged'
      ? {
          state: 'acknowledged',
          acknowledgedAt: at,
          acknowledgedBy: input.actor,
          acknowledgeNote: input.note,
          acknowledgedHour: await latestHour(locked.stay_id),
        }
      : { state: 'resolved', resolvedAt: at, resolvedBy: input.actor, resolveNote: input.note };
  const alert = await tx.alert.update({ where: { id: input.alertId }, data });
  await appendAlertEvents(tx, [
    {
      id: randomUUID(),
      alertId: alert.id,
      fromState: locked.state,
      toState: to,
      actor: input.actor,
      note: input.note,
      at,
    },
  ]);
  return {
    id: alert.id,
    stayId: alert.stayId,
    kind: alert.kind,
    hour: alert.hour,
    reason: alert.reason,
    from: locked.state,
  };
}

/** At discharge every alert still open or acknowledged is resolved, by whoever discharged the stay. */
export async function resolveAtDischarge(
  tx: Prisma.TransactionClient,
  stayId: string,
  actor: string,
): Promise<string[]> {
  const pending = await tx.alert.findMany({
    where: { stayId, state: { in: ['open', 'acknowledged'] } },
    select: { id: true, state: true },
    orderBy: { raisedAt: 'asc' },
  });
  if (pending.length === 0) return [];
  const at = new Date();
  await tx.alert.updateMany({
    where: { id: { in: pending.map((a) => a.id) } },
    data: { state: 'resolved', resolvedAt: at, resolvedBy: actor, resolveNote: 'discharged' },
  });
  await appendAlertEvents(
    tx,
    pending.map((a) => ({
      id: randomUUID(),
      alertId: a.id,
      fromState: a.state,
      toState: 'resolved' as const,
      actor,
      note: 'discharged',
      at,
    })),
  );
  return pending.map((a) => a.id);
}
