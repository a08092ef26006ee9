/**
 * The tamper-evident chain over audit records: each record's hash is the SHA-256 of the previous
 * record's hash and the record's canonical content, so changing, removing or reordering any stored
 * record breaks every link after it. Pure: hashing only; reading and writing are in audit-log.ts.
 */
import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-log';

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

/** The content a link covers: every field of the record, named as in the API. */
function content(record: ChainedRecord): Record<string, unknown> {
  return {
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
  return createHash('sha256').update(`${previousHash}\n${canonicalJson(content(record))}`).digest('hex');
}

/** What `audit:verify` found. `firstBroken` is the first link that does not hold, if any. */
export interface ChainReport {
  /** Records in the chain, all checked. */
  checked: number;
  /** Records stored before the chain existed (no sequence), which it does not cover. */
  unchained: number;
  /** Hash of the last link: publish it elsewhere to detect the chain being rewritten from the start. */
  head: string;
  firstBroken: { sequence: number; id: string; reason: string } | null;
}

/** Checks links in sequence order; `links` yields each stored record with its stored previous hash and hash. */
export async function verifyLinks(links: AsyncIterable<{ record: ChainedRecord; previousHash: string; hash: string }>, unchained: number): Promise<ChainReport> {
  let expectedSequence = 1;
  let previous = GENESIS_HASH;
  let checked = 0;
  for await (const { record, previousHash, hash } of links) {
    const broken = (reason: string): ChainReport => ({ checked, unchained, head: previous, firstBroken: { sequence: record.sequence, id: record.id, reason } });
    if (record.sequence !== expectedSequence) {
      return broken(record.sequence > expectedSequence ? `sequence ${expectedSequence}${record.sequence - 1 > expectedSequence ? `–${record.sequence - 1}` : ''} is missing` : `sequence ${record.sequence} is repeated`);
    }
    if (previousHash !== previous) return broken('its previous hash is not the hash of the record before it');
    if (linkHash(previousHash, record) !== hash) return broken('its content does not match its hash (the record was changed)');
    previous = hash;
    checked++;
    expectedSequence++;
  }
  return { checked, unchained, head: previous, firstBroken: null };
}
