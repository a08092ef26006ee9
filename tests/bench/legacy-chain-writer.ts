/**
 * The chain writer as it was before the single-serialisation rewrite (commit 6b03a98), kept only as the audit
 * benchmark's baseline: every record checked (the text walk building a path at every value), hashed over the old
 * canonicalJson (map/join/Object.entries) of its content, and serialised again with JSON.stringify for each jsonb
 * column, all of it inside the lock; sent through Prisma's $queryRawUnsafe. Its hashes are the chain's: the benchmark
 * verifies one chain both writers extended.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { GENESIS_HASH, type ChainedRecord } from '../../src/audit/audit-chain';
import type { AuditLog } from '../../src/audit/audit-log';
import {
  InvalidAuditRecordError,
  newAuditRecordSchema,
  type AuditRecord,
  type CheckedRecord,
  type NewAuditRecord,
} from '../../src/audit/audit-record';
import type { PrismaClient } from '../../src/db/generated/client';
import { textProblem } from '../../src/errors/input-text';

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

export function linkHash(previousHash: string, record: ChainedRecord): string {
  return createHash('sha256')
    .update(`${previousHash}\n${canonicalJson(content(record))}`)
    .digest('hex');
}

function unstorableText(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && `${path}: ${problem}`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = unstorableText(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

function insertUnnested(withCourse: boolean): string {
  return `
  INSERT INTO prediction (id, model_id, model_version, onnx_sha256, inputs, vector, probability, positive,
                          risk_band, base_value, contributions, patient_ref, request_id, latency_ms,
                          sequence, previous_hash, hash, requester${withCourse ? ', course' : ''}, created_at)
  SELECT u.*, $15::timestamptz
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[], $8::bool[],
                $9::text[]::risk_band[], $10::float8[], $11::jsonb[], $12::text[], $13::text[], $14::float8[],
                $16::text[]::bigint[], $17::text[], $18::text[], $19::text[]${withCourse ? ', $20::jsonb[]' : ''}) AS u`;
}
const CHAIN_LOCK = '4851013696513919316';
const CHAIN_HEAD = 'SELECT p.sequence::text AS sequence, p.hash FROM prediction p ORDER BY p.sequence DESC LIMIT 1';

export function checkAuditRecords(records: NewAuditRecord[]): CheckedRecord[] {
  return records.map((record, index) => {
    const parsed = newAuditRecordSchema.safeParse(record);
    if (!parsed.success) throw new InvalidAuditRecordError(`audit record ${index}: ${z.prettifyError(parsed.error)}`);
    const unstorable = unstorableText(parsed.data, '');
    if (unstorable) throw new InvalidAuditRecordError(`audit record ${index}: ${unstorable}`);
    return { id: randomUUID(), ...parsed.data };
  });
}

async function insertChainedIn(
  tx: Pick<PrismaClient, '$queryRawUnsafe'>,
  checked: CheckedRecord[],
): Promise<AuditRecord[]> {
  await tx.$queryRawUnsafe('SELECT pg_advisory_xact_lock($1::bigint)::text', CHAIN_LOCK);
  const [head] = await tx.$queryRawUnsafe<{ sequence: string; hash: string }[]>(CHAIN_HEAD);
  let sequence = head ? Number(head.sequence) : 0;
  let previousHash = head ? head.hash : GENESIS_HASH;
  const createdAt = new Date();
  const chained = checked.map((record) => {
    const link = { ...record, createdAt, sequence: ++sequence, previousHash };
    const hash = linkHash(previousHash, link);
    previousHash = hash;
    return { ...link, hash };
  });
  const column = <K extends keyof (typeof chained)[number]>(key: K) => chained.map((row) => row[key]);
  const json = (key: 'inputs' | 'vector' | 'contributions') => chained.map((row) => JSON.stringify(row[key]));
  const withCourse = chained.some((row) => row.course);
  const parameters = [
    column('id'),
    column('modelId'),
    column('modelVersion'),
    column('onnxSha256'),
    json('inputs'),
    json('vector'),
    column('probability'),
    column('positive'),
    column('riskBand'),
    column('baseValue'),
    json('contributions'),
    column('patientRef'),
    column('requestId'),
    column('latencyMs'),
    createdAt.toISOString(),
    chained.map((row) => String(row.sequence)),
    column('previousHash'),
    column('hash'),
    column('requester'),
    ...(withCourse ? [chained.map((row) => (row.course ? JSON.stringify(row.course) : null))] : []),
  ];
  await tx.$queryRawUnsafe(insertUnnested(withCourse), ...parameters);
  return checked.map((record) => ({ ...record, createdAt }));
}

/** The old append path (one caller at a time: the benchmark's side-by-side loop does not coalesce). */
export function legacyAuditLog(prisma: PrismaClient): Pick<AuditLog, 'append'> {
  return {
    async append(records) {
      if (records.length === 0) return [];
      const checked = checkAuditRecords(records);
      return prisma.$transaction((tx) => insertChainedIn(tx, checked));
    },
  };
}
