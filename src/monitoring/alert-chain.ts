/**
 * The chain over alert events: every move of an alert (raised, acknowledged, resolved) is a link whose hash covers the
 * previous link's hash and the event's canonical content, as prediction records are chained (src/audit/audit-chain.ts).
 */
import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH } from '@/audit/audit-chain';
import type { Prisma } from '@/db/generated/client';

/** The advisory lock that serialises alert-event appends: "CRCALERT" in ASCII, as a 64-bit key. */
const ALERT_CHAIN_LOCK = '4851013696362992212';

export type AlertStateName = 'open' | 'acknowledged' | 'resolved';

/** One move of an alert, before it is chained. */
export interface AlertMove {
  alertId: string;
  fromState: AlertStateName | null;
  toState: AlertStateName;
  actor: string;
  note: string | null;
  at: Date;
}

/** A move as stored: its place in the chain and its hash. */
export interface ChainedAlertEvent extends AlertMove {
  id: string;
  sequence: number;
  previousHash: string;
  hash: string;
}

/** The link's hash: SHA-256 (hex) of the previous hash, a newline and the event's canonical content. */
export function alertEventHash(previousHash: string, event: Omit<ChainedAlertEvent, 'hash' | 'previousHash'>): string {
  const content = {
    id: event.id,
    sequence: event.sequence,
    alertId: event.alertId,
    fromState: event.fromState,
    toState: event.toState,
    actor: event.actor,
    note: event.note,
    at: event.at,
  };
  return createHash('sha256')
    .update(`${previousHash}\n${canonicalJson(content)}`)
    .digest('hex');
}

/** Appends moves as the chain's next links inside the caller's transaction (the lock is held until it ends). */
export async function appendAlertEvents(
  tx: Prisma.TransactionClient,
  moves: readonly (AlertMove & { id: string })[],
): Promise<ChainedAlertEvent[]> {
  if (moves.length === 0) return [];
  await tx.$queryRawUnsafe('SELECT pg_advisory_xact_lock($1::bigint)::text', ALERT_CHAIN_LOCK);
  const head = await tx.alertEvent.findFirst({ orderBy: { sequence: 'desc' }, select: { sequence: true, hash: true } });
  let sequence = head ? Number(head.sequence) : 0;
  let previousHash = head?.hash ?? GENESIS_HASH;
  const events = moves.map((move) => {
    const link = { ...move, sequence: ++sequence };
    const hash = alertEventHash(previousHash, link);
    const event = { ...link, previousHash, hash };
    previousHash = hash;
    return event;
  });
  await tx.alertEvent.createMany({
    data: events.map((e) => ({
      id: e.id,
      alertId: e.alertId,
      fromState: e.fromState,
      toState: e.toState,
      actor: e.actor,
      note: e.note,
      at: e.at,
      sequence: BigInt(e.sequence),
      previousHash: e.previousHash,
      hash: e.hash,
    })),
  });
  return events;
}

/** Walks the alert-event chain in order, recomputing every link: the sequences where it breaks (empty when intact). */
export function brokenAlertLinks(events: readonly ChainedAlertEvent[]): number[] {
  const broken: number[] = [];
  let previousHash = GENESIS_HASH;
  events.forEach((event, i) => {
    const { hash, previousHash: stored, ...rest } = event;
    if (event.sequence !== i + 1 || stored !== previousHash || alertEventHash(previousHash, rest) !== hash)
      broken.push(event.sequence);
    previousHash = hash;
  });
  return broken;
}
