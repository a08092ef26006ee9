/**
 * The tamper-evident chain over audit records: each record's hash is the SHA-256 of the previous
 * record's hash and the record's canonical content, so changing, removing or reordering any stored
 * record breaks every link after it. Pure: hashing only; reading and writing are in audit-log.ts.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-record';

/** The "previous hash" of the first link. */
export const GENESIS_HASH = '0'.repeat(64);

/** A record as the chain covers it: every stored field, and its place in the chain. */
export interface ChainedRecord extends AuditRecord {
  sequence: number;
}

/**
 * JSON with object keys sorted at every level and no whitespace, so the same content always gives the
 * same text whatever order its keys were built in. Numbers are written as JavaScript writes them (the
 * shortest text that reads back as the same double), which survives Postgres's jsonb and double
 * precision columns unchanged. Non-finite numbers have no JSON form and are refused.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
}

/**
 * The content a link covers: every field of the record, named as in the API. `course` only when the record has one:
 * records without it (all that predate it) hash exactly as before.
 */
function content(record: ChainedRecord): Record<string, unknown> {
  return {
    ...(record.course ? { course: record.course } : {}),
    id: record.id,
    sequence: record.sequence,
    createdAt: record.createdAt,
    modelId: record.modelId,
    modelVersion: record.modelVersion,
    onnxSha256: record.onnxSha256,
    inputs: record.inputs,
    vector: record.vector,
    probability: record.probability,
    positive: record.positive,
    riskBand: record.riskBand,
    baseValue: record.baseValue,
    contributions: record.contributions,
    patientRef: record.patientRef,
    requestId: record.requestId,
    latencyMs: record.latencyMs,
    requester: record.requester,
  };
}

/** The record's hash: SHA-256 (hex) of the previous hash, a newline, and the canonical content. */
export function linkHash(previousHash: string, record: ChainedRecord): string {
  return createHash('sha256')
    .update(`${previousHash}\n${canonicalJson(content(record))}`)
    .digest('hex');
}

/** The newest link: how many records the chain holds and the last one's hash (GENESIS_HASH when empty). */
export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * How a link fails: `missing`, records absent from the sequence (deleted); `repeated`, a sequence held
 * twice; `relinked`, a previous hash that is not the hash of the record before it (a record inserted,
 * removed or moved); `altered`, content that does not match its own hash (a record changed).
 */
export type ChainBreakKind = 'missing' | 'repeated' | 'relinked' | 'altered';

export interface ChainBreak {
  kind: ChainBreakKind;
  /** The sequence the break is at (for `missing`, the first absent one). */
  sequence: number;
  /** The record at the break (for `missing`, the first record after the gap). */
  id: string;
  reason: string;
}

/** What walking the chain found: every break, not only the first, so one cannot hide another. */
export interface ChainReport {
  /** Records read. */
  checked: number;
  head: ChainHead;
  breaks: ChainBreak[];
  /** The stored hash at each sequence asked for in `remember` (to check kept checkpoints against). */
  hashesAt: Map<number, string>;
}

export interface StoredLink {
  record: ChainedRecord;
  previousHash: string;
  hash: string;
}

/**
 * Checks links in sequence order, recomputing every hash; `links` yields each stored record with its
 * stored previous hash and hash. After a break the walk goes on from the stored hash, so each break is
 * reported once and the ones after it are still found.
 */
export async function verifyLinks(
  links: AsyncIterable<StoredLink>,
  remember: ReadonlySet<number> = new Set(),
): Promise<ChainReport> {
  const breaks: ChainBreak[] = [];
  const hashesAt = new Map<number, string>();
  let expected = 1;
  let previous = GENESIS_HASH;
  let checked = 0;
  for await (const { record, previousHash, hash } of links) {
    const at = (kind: ChainBreakKind, reason: string, sequence = record.sequence) =>
      breaks.push({ kind, sequence, id: record.id, reason });
    checked++;
    if (record.sequence < expected) {
      at('repeated', `sequence ${record.sequence} is held by more than one record`);
      continue;
    }
    if (record.sequence > expected) {
      const last = record.sequence - 1;
      at(
        'missing',
        `${last > expected ? `sequences ${expected}–${last} are` : `sequence ${expected} is`} missing (records deleted)`,
        expected,
      );
    } else if (previousHash !== previous) {
      at(
        'relinked',
        'its previous hash is not the hash of the record before it (a record was inserted, removed or moved)',
      );
    }
    if (linkHash(previousHash, record) !== hash)
      at('altered', 'its content does not match its hash (the record was changed)');
    if (remember.has(record.sequence)) hashesAt.set(record.sequence, hash);
    previous = hash;
    expected = record.sequence + 1;
  }
  return { checked, head: { sequence: expected - 1, hash: previous }, breaks, hashesAt };
}
