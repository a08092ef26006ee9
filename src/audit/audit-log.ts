/** The audit log of predictions: append-only writes and newest-first keyset pages (the only module with Prisma queries). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { asDatabaseError, DatabaseUnavailableError, withDatabaseErrors } from '../db/database';
import { GENESIS_HASH, linkHash, verifyLinks, type ChainHead, type ChainReport } from './audit-chain';
import { textProblem } from '../errors/input-text';
import type { Prisma, Prediction, PrismaClient } from '../db/generated/client';
import { brandInstances } from '../config/process-wide';
import { riskBandSchema, type RiskBand } from './risk-band';

/** A record handed to `append` does not describe a prediction (a bug in the caller), or a stored one cannot be read back. */
export class InvalidAuditRecordError extends Error {
  readonly code = 'INVALID_AUDIT_RECORD';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuditRecordError';
  }
}
// Thrown by services one Next.js chunk built and caught in another (process-wide.ts).
brandInstances(InvalidAuditRecordError, 'InvalidAuditRecordError');

/** `after` is not a cursor this log handed out. */
export class InvalidCursorError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly cursor: string) {
    super('after: not a valid cursor; pass the endCursor of a previous page, or nothing for the first page');
    this.name = 'InvalidCursorError';
  }
}
// Thrown by services one Next.js chunk built and caught in another (process-wide.ts).
brandInstances(InvalidCursorError, 'InvalidCursorError');

/** A page size or filter outside what `list` accepts. */
export class InvalidPageRequestError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPageRequestError';
  }
}
// Thrown by services one Next.js chunk built and caught in another (process-wide.ts).
brandInstances(InvalidPageRequestError, 'InvalidPageRequestError');

export const MAX_PAGE_SIZE = 100;

const featureValueSchema = z.object({ name: z.string().min(1), value: z.number().nullable() });

/**
 * What the prediction service records. Json columns cannot be checked by Postgres, so records are
 * checked here on the way in (and the stored Json on the way out).
 */
export const newAuditRecordSchema = z.object({
  modelId: z.string().min(1),
  modelVersion: z.string().min(1),
  onnxSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex sha256 of the ONNX file'),
  /** The request's features as received; null for "missing". */
  inputs: z.array(featureValueSchema),
  /** The model input in the card's order; null where the value was missing (JSON has no NaN). */
  vector: z.array(z.number().nullable()),
  probability: z.number().min(0).max(1),
  positive: z.boolean(),
  riskBand: riskBandSchema,
  /** Log-odds. */
  baseValue: z.number(),
  /** Log-odds contribution of each model input. */
  contributions: z.array(featureValueSchema.extend({ contribution: z.number() })),
  patientRef: z.string().nullable(),
  requestId: z.string().min(1),
  latencyMs: z.number().nonnegative(),
  /** The id of the API key that asked (directly or through a dashboard session); null only on records older than access control. */
  requester: z.string().min(1).nullable(),
});

export type NewAuditRecord = z.infer<typeof newAuditRecordSchema>;
export interface AuditRecord extends NewAuditRecord {
  id: string;
  createdAt: Date;
}

/** Every given field narrows the list; the time range is half-open: from ≤ createdAt < to. */
export interface AuditFilter {
  /** Only records this key asked for (a clinician sees no others). */
  requester?: string;
  modelId?: string;
  patientRef?: string;
  riskBand?: RiskBand;
  from?: Date;
  to?: Date;
}

/** Which records a reader may see: all, or only those one key asked for (src/access/roles.ts readableRecords). */
export interface RecordScope {
  requester?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  hasNextPage: boolean;
  /** Pass as `after` for the next page; null on an empty page. */
  endCursor: string | null;
  /** Records matching the filter, on all pages. */
  totalCount: number;
}

export interface AuditLog {
  /** Stores the records in one transaction, all or none; returns them with their ids and createdAt, in the given order. */
  append(records: NewAuditRecord[]): Promise<AuditRecord[]>;
  /** The record with this id, or null; with `scope.requester`, null too when another key asked for it. */
  get(id: string, scope?: RecordScope): Promise<AuditRecord | null>;
  /** Newest first (createdAt, then id, descending); `first` from 1 to MAX_PAGE_SIZE records after the cursor `after`. */
  list(filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage>;
  /** Records matching the filter. */
  count(filter: AuditFilter): Promise<number>;
  /** Every record matching the filter, newest first, read a chunk at a time (for exports). */
  stream(filter: AuditFilter): AsyncIterable<AuditRecord>;
}

/** Records read per query by `stream`: large enough to amortise the round trip, small enough to keep memory flat. */
export const STREAM_CHUNK = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Cursor {
  createdAt: Date;
  id: string;
}

// createdAt is stored with millisecond precision (schema.prisma), so a Date round-trips it exactly.
function encodeCursor(record: Cursor): string {
  return Buffer.from(`${record.createdAt.toISOString()}|${record.id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) {
    throw new InvalidCursorError(cursor);
  }
  return { createdAt, id: id.toLowerCase() };
}

function toAuditRecord(row: Prediction): AuditRecord {
  const parsed = newAuditRecordSchema.safeParse(row);
  if (!parsed.success) throw new InvalidAuditRecordError(`stored audit record ${row.id} cannot be read: ${z.prettifyError(parsed.error)}`);
  return { ...parsed.data, id: row.id, createdAt: row.createdAt };
}

/** Records strictly after `cursor` in newest-first order. */
function olderThan(cursor: Cursor): Prisma.PredictionWhereInput {
  return { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] };
}

/** Longest text a filter may match: no stored patientRef (the longest text filtered on) exceeds 128 characters. */
export const MAX_FILTER_TEXT_LENGTH = 128;

/**
 * Why each text value of `filter` cannot be matched, by field name; empty when all can. Postgres refuses
 * NUL and lone surrogates in a query (a 500, not an answer), so they are refused here like on the way in.
 */
export function filterTextProblems(filter: AuditFilter): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const key of ['requester', 'modelId', 'patientRef'] as const) {
    const text = filter[key];
    if (text === undefined) continue;
    const problem =
      typeof text !== 'string'
        ? 'must be text'
        : text.length > MAX_FILTER_TEXT_LENGTH
          ? `must be at most ${MAX_FILTER_TEXT_LENGTH} characters; got ${text.length}`
          : textProblem(text);
    if (problem) problems[key] = problem;
  }
  return problems;
}

function filterWhere(filter: AuditFilter): Prisma.PredictionWhereInput {
  const [problem] = Object.entries(filterTextProblems(filter));
  if (problem) throw new InvalidPageRequestError(`${problem[0]}: ${problem[1]}`);
  for (const key of ['from', 'to'] as const) {
    const date = filter[key];
    if (date !== undefined && !(date instanceof Date && !Number.isNaN(date.getTime()))) {
      throw new InvalidPageRequestError(`${key}: must be a valid date-time`);
    }
  }
  return {
    requester: filter.requester,
    modelId: filter.modelId,
    patientRef: filter.patientRef,
    riskBand: filter.riskBand,
    createdAt: filter.from || filter.to ? { gte: filter.from, lt: filter.to } : undefined,
  };
}


// Column order of the unnest below: each array parameter is one column's values for the whole batch;
// $15 is the one createdAt of the batch, appended after the unnested columns.
const INSERT_UNNESTED = `
  INSERT INTO prediction (id, model_id, model_version, onnx_sha256, inputs, vector, probability, positive,
                          risk_band, base_value, contributions, patient_ref, request_id, latency_ms,
                          sequence, previous_hash, hash, requester, created_at)
  SELECT u.*, $15::timestamptz
    FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[], $8::bool[],
                $9::text[]::risk_band[], $10::float8[], $11::jsonb[], $12::text[], $13::text[], $14::float8[],
                $16::text[]::bigint[], $17::text[], $18::text[], $19::text[]) AS u`;

/** The advisory lock that serialises appends: one arbitrary 64-bit key, "CRCAUDIT" in ASCII. */
const CHAIN_LOCK = '4851013696513919316';

// sequence as text: bigint arrives from the drivers as a string or a BigInt, text is the same everywhere.
// (ORDER BY names the table's column: the text alias would sort '999' after '2501'.)
const CHAIN_HEAD = 'SELECT p.sequence::text AS sequence, p.hash FROM prediction p ORDER BY p.sequence DESC LIMIT 1';

const NEWEST_FIRST: Prisma.PredictionOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

type CheckedRecord = NewAuditRecord & { id: string };

/**
 * The first text in `value` the database would not hand back as it was given ("path: problem"): a lone
 * surrogate is stored as U+FFFD and NUL is refused, so the hash over the original would never verify
 * again. Callers validate their input first; this is the last guard before the chain.
 */
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

function chainHead(row: { sequence: string; hash: string } | undefined): ChainHead {
  return row ? { sequence: Number(row.sequence), hash: row.hash } : { sequence: 0, hash: GENESIS_HASH };
}

/**
 * Stores records as the next links of the chain, in one transaction: all or none. Appends are
 * serialised by a transaction-scoped advisory lock, so writers in other processes extend the current
 * head and never fork the chain. One INSERT whatever the batch size: column arrays unnested into rows
 * (19 bind parameters); Prisma's createMany compiled a query per row and cost ~1 ms per record.
 */
async function insertChained(prisma: PrismaClient, checked: CheckedRecord[]): Promise<AuditRecord[]> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRawUnsafe('SELECT pg_advisory_xact_lock($1::bigint)::text', CHAIN_LOCK);
    const [head] = await tx.$queryRawUnsafe<{ sequence: string; hash: string }[]>(CHAIN_HEAD);
    let { sequence, hash: previousHash } = chainHead(head);
    // Millisecond precision, as the column keeps it, so the hashed createdAt is the stored one.
    const createdAt = new Date();
    const chained = checked.map((record) => {
      const link = { ...record, createdAt, sequence: ++sequence, previousHash };
      const hash = linkHash(previousHash, link);
      previousHash = hash;
      return { ...link, hash };
    });
    const column = <K extends keyof (typeof chained)[number]>(key: K) => chained.map((row) => row[key]);
    const json = (key: 'inputs' | 'vector' | 'contributions') => chained.map((row) => JSON.stringify(row[key]));
    await tx.$queryRawUnsafe(
      INSERT_UNNESTED,
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
    );
    return checked.map((record) => ({ ...record, createdAt }));
  });
}

/** Most records one coalesced transaction takes; a caller's batch is never split. */
const MAX_COALESCED_RECORDS = 5000;

interface PendingAppend {
  records: CheckedRecord[];
  resolve(stored: AuditRecord[]): void;
  reject(error: unknown): void;
}

/**
 * Appends arriving while a write is in flight wait and go together in the next transaction: the chain
 * admits one writer at a time, and one transaction of many callers' records costs about what one
 * caller's costs. Each caller still gets all of its records or none: when a coalesced write fails for
 * any reason but an unreachable database, each caller's batch is retried alone, so a record only one
 * caller sent cannot fail the others.
 */
function coalescingWriter(prisma: PrismaClient): (records: CheckedRecord[]) => Promise<AuditRecord[]> {
  const queue: PendingAppend[] = [];
  let writing = false;

  async function writeAlone(pending: PendingAppend): Promise<void> {
    try {
      pending.resolve(await insertChained(prisma, pending.records));
    } catch (error) {
      pending.reject(asDatabaseError(error));
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const group: PendingAppend[] = [queue.shift() as PendingAppend];
      let size = group[0].records.length;
      while (queue.length > 0 && size + queue[0].records.length <= MAX_COALESCED_RECORDS) {
        size += queue[0].records.length;
        group.push(queue.shift() as PendingAppend);
      }
      if (group.length === 1) {
        await writeAlone(group[0]);
        continue;
      }
      try {
        const stored = await insertChained(prisma, group.flatMap((p) => p.records));
        let offset = 0;
        for (const pending of group) {
          pending.resolve(stored.slice(offset, offset + pending.records.length));
          offset += pending.records.length;
        }
      } catch (error) {
        const failure = asDatabaseError(error);
        if (failure instanceof DatabaseUnavailableError) for (const pending of group) pending.reject(failure);
        else for (const pending of group) await writeAlone(pending);
      }
    }
    writing = false;
  }

  return (records) =>
    new Promise<AuditRecord[]>((resolve, reject) => {
      queue.push({ records, resolve, reject });
      if (!writing) void drain();
    });
}

/** The audit log kept in the `prediction` table. It has no way to change or remove a record. */
export function prismaAuditLog(prisma: PrismaClient): AuditLog {
  const write = coalescingWriter(prisma);
  return Object.freeze({
    async append(records: NewAuditRecord[]): Promise<AuditRecord[]> {
      if (records.length === 0) return [];
      const checked = records.map((record, index) => {
        const parsed = newAuditRecordSchema.safeParse(record);
        if (!parsed.success) throw new InvalidAuditRecordError(`audit record ${index}: ${z.prettifyError(parsed.error)}`);
        const unstorable = unstorableText(parsed.data, '');
        if (unstorable) throw new InvalidAuditRecordError(`audit record ${index}: ${unstorable}`);
        // Ids are made here so the stored rows can be handed back in the caller's order.
        return { id: randomUUID(), ...parsed.data };
      });
      return write(checked);
    },

    async get(id: string, scope: RecordScope = {}): Promise<AuditRecord | null> {
      // Not a uuid cannot name a record; asking Postgres would fail on the cast instead.
      if (!UUID.test(id)) return null;
      const row = await withDatabaseErrors(() => prisma.prediction.findFirst({ where: { id: id.toLowerCase(), requester: scope.requester } }));
      return row ? toAuditRecord(row) : null;
    },

    async list(filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage> {
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
        throw new InvalidPageRequestError(`first: must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
      }
      const where = filterWhere(filter);
      const cursor = after ? decodeCursor(after) : null;
      const page: Prisma.PredictionWhereInput = cursor ? { AND: [where, olderThan(cursor)] } : where;
      const [rows, totalCount] = await withDatabaseErrors(() =>
        Promise.all([
          // One more than asked tells whether another page follows.
          prisma.prediction.findMany({ where: page, orderBy: NEWEST_FIRST, take: first + 1 }),
          prisma.prediction.count({ where }),
        ]),
      );
      const records = rows.slice(0, first).map(toAuditRecord);
      const last = records.at(-1);
      return { records, hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last) : null, totalCount };
    },

    async count(filter: AuditFilter): Promise<number> {
      const where = filterWhere(filter);
      return withDatabaseErrors(() => prisma.prediction.count({ where }));
    },

    async *stream(filter: AuditFilter): AsyncIterable<AuditRecord> {
      const where = filterWhere(filter);
      let cursor: Cursor | null = null;
      for (;;) {
        const page: Prisma.PredictionWhereInput = cursor ? { AND: [where, olderThan(cursor)] } : where;
        const rows = await withDatabaseErrors(() => prisma.prediction.findMany({ where: page, orderBy: NEWEST_FIRST, take: STREAM_CHUNK }));
        for (const row of rows) yield toAuditRecord(row);
        if (rows.length < STREAM_CHUNK) return;
        const last = rows[rows.length - 1];
        cursor = { createdAt: last.createdAt, id: last.id };
      }
    },
  });
}

/** The chain's newest link (sequence 0 and GENESIS_HASH while it is empty), for signed checkpoints. */
export async function readChainHead(prisma: PrismaClient): Promise<ChainHead> {
  const [row] = await withDatabaseErrors(() => prisma.$queryRawUnsafe<{ sequence: string; hash: string }[]>(CHAIN_HEAD));
  return chainHead(row);
}

/**
 * Walks the whole chain in sequence order, recomputing every link (`npm run audit:verify`), and keeps
 * the stored hash at each sequence in `remember` (kept checkpoints). Reads STREAM_CHUNK records per
 * query, so memory stays flat whatever the table's size.
 */
export async function verifyAuditChain(prisma: PrismaClient, remember: ReadonlySet<number> = new Set()): Promise<ChainReport> {
  async function* links() {
    let after = BigInt(0);
    for (;;) {
      const rows = await withDatabaseErrors(() => prisma.prediction.findMany({ where: { sequence: { gt: after } }, orderBy: { sequence: 'asc' }, take: STREAM_CHUNK }));
      for (const row of rows) {
        yield { record: { ...toAuditRecord(row), sequence: Number(row.sequence) }, previousHash: row.previousHash, hash: row.hash };
      }
      if (rows.length < STREAM_CHUNK) return;
      after = rows[rows.length - 1].sequence;
    }
  }
  return verifyLinks(links(), remember);
}
