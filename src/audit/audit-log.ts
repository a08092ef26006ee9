/** The audit log of predictions: append-only writes and newest-first keyset pages (the only module with Prisma queries). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { asDatabaseError } from '../db/database';
import type { Prisma, Prediction, PrismaClient } from '../db/generated/client';
import { RiskBand as RISK_BANDS } from '../db/generated/enums';

/** A record handed to `append` does not describe a prediction (a bug in the caller), or a stored one cannot be read back. */
export class InvalidAuditRecordError extends Error {
  readonly code = 'INVALID_AUDIT_RECORD';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuditRecordError';
  }
}

/** `after` is not a cursor this log handed out. */
export class InvalidCursorError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly cursor: string) {
    super('after: not a valid cursor; pass the endCursor of a previous page, or nothing for the first page');
    this.name = 'InvalidCursorError';
  }
}

/** A page size or filter outside what `list` accepts. */
export class InvalidPageRequestError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPageRequestError';
  }
}

export const MAX_PAGE_SIZE = 100;

const riskBandSchema = z.enum(RISK_BANDS);
/** LOW, MODERATE, HIGH: the database enum's values, in its order. */
export const RISK_BAND_VALUES = riskBandSchema.options;
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
});

export type RiskBand = z.infer<typeof riskBandSchema>;
export type NewAuditRecord = z.infer<typeof newAuditRecordSchema>;
export interface AuditRecord extends NewAuditRecord {
  id: string;
  createdAt: Date;
}

/** Every given field narrows the list; the time range is half-open: from ≤ createdAt < to. */
export interface AuditFilter {
  modelId?: string;
  patientRef?: string;
  riskBand?: RiskBand;
  from?: Date;
  to?: Date;
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
  get(id: string): Promise<AuditRecord | null>;
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

function filterWhere(filter: AuditFilter): Prisma.PredictionWhereInput {
  for (const key of ['from', 'to'] as const) {
    const date = filter[key];
    if (date !== undefined && !(date instanceof Date && !Number.isNaN(date.getTime()))) {
      throw new InvalidPageRequestError(`${key}: must be a valid date-time`);
    }
  }
  return {
    modelId: filter.modelId,
    patientRef: filter.patientRef,
    riskBand: filter.riskBand,
    createdAt: filter.from || filter.to ? { gte: filter.from, lt: filter.to } : undefined,
  };
}

/** Runs a Prisma call, reporting an unreachable database as DatabaseUnavailableError. */
async function query<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asDatabaseError(error);
  }
}

// Column order of the unnest below; each $n is one column's values for the whole batch.
const INSERT_UNNESTED = `
  INSERT INTO prediction (id, model_id, model_version, onnx_sha256, inputs, vector, probability, positive,
                          risk_band, base_value, contributions, patient_ref, request_id, latency_ms)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[],
                       $8::bool[], $9::text[]::risk_band[], $10::float8[], $11::jsonb[], $12::text[], $13::text[], $14::float8[])
  RETURNING id, created_at`;

const NEWEST_FIRST: Prisma.PredictionOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** The audit log kept in the `prediction` table. It has no way to change or remove a record. */
export function prismaAuditLog(prisma: PrismaClient): AuditLog {
  return Object.freeze({
    async append(records: NewAuditRecord[]): Promise<AuditRecord[]> {
      if (records.length === 0) return [];
      const checked = records.map((record, index) => {
        const parsed = newAuditRecordSchema.safeParse(record);
        if (!parsed.success) throw new InvalidAuditRecordError(`audit record ${index}: ${z.prettifyError(parsed.error)}`);
        // Ids are made here so the stored rows can be handed back in the caller's order.
        return { id: randomUUID(), ...parsed.data };
      });
      // One statement whatever the batch size: column arrays unnested into rows, so a batch is one
      // implicit transaction (all or none) with 14 bind parameters. Prisma's createMany compiles a
      // query per row and cost ~1 ms per record; this costs a few microseconds.
      const column = <K extends keyof (typeof checked)[number]>(key: K) => checked.map((row) => row[key]);
      const json = (key: 'inputs' | 'vector' | 'contributions') => checked.map((row) => JSON.stringify(row[key]));
      const stored = await query(() =>
        prisma.$queryRawUnsafe<{ id: string; created_at: Date }[]>(
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
        ),
      );
      const createdAt = new Map(stored.map((row) => [row.id, new Date(row.created_at)]));
      return checked.map((record) => {
        const at = createdAt.get(record.id);
        if (!at) throw new InvalidAuditRecordError(`audit record ${record.id} was not returned by the insert`);
        return { ...record, createdAt: at };
      });
    },

    async get(id: string): Promise<AuditRecord | null> {
      // Not a uuid cannot name a record; asking Postgres would fail on the cast instead.
      if (!UUID.test(id)) return null;
      const row = await query(() => prisma.prediction.findUnique({ where: { id: id.toLowerCase() } }));
      return row ? toAuditRecord(row) : null;
    },

    async list(filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage> {
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
        throw new InvalidPageRequestError(`first: must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
      }
      const where = filterWhere(filter);
      const cursor = after ? decodeCursor(after) : null;
      const page: Prisma.PredictionWhereInput = cursor ? { AND: [where, olderThan(cursor)] } : where;
      const [rows, totalCount] = await query(() =>
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
      return query(() => prisma.prediction.count({ where }));
    },

    async *stream(filter: AuditFilter): AsyncIterable<AuditRecord> {
      const where = filterWhere(filter);
      let cursor: Cursor | null = null;
      for (;;) {
        const page: Prisma.PredictionWhereInput = cursor ? { AND: [where, olderThan(cursor)] } : where;
        const rows = await query(() => prisma.prediction.findMany({ where: page, orderBy: NEWEST_FIRST, take: STREAM_CHUNK }));
        for (const row of rows) yield toAuditRecord(row);
        if (rows.length < STREAM_CHUNK) return;
        const last = rows[rows.length - 1];
        cursor = { createdAt: last.createdAt, id: last.id };
      }
    },
  });
}
