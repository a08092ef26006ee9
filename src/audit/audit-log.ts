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
}

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

const NEWEST_FIRST: Prisma.PredictionOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** The audit log kept in the `prediction` table. It has no way to change or remove a record. */
export function prismaAuditLog(prisma: PrismaClient): AuditLog {
  return Object.freeze({
    async append(records: NewAuditRecord[]): Promise<AuditRecord[]> {
      if (records.length === 0) return [];
      const rows = records.map((record, index) => {
        const parsed = newAuditRecordSchema.safeParse(record);
        if (!parsed.success) throw new InvalidAuditRecordError(`audit record ${index}: ${z.prettifyError(parsed.error)}`);
        // Ids are made here so the stored rows can be handed back in the caller's order.
        return { id: randomUUID(), ...parsed.data };
      });
      // One INSERT … RETURNING, in a transaction so that a batch Prisma splits into several
      // statements (Postgres's bind-parameter limit) is still stored all or none.
      const [stored] = await query(() => prisma.$transaction([prisma.prediction.createManyAndReturn({ data: rows })]));
      const byId = new Map(stored.map((row) => [row.id, row]));
      return rows.map((row) => toAuditRecord(byId.get(row.id) as Prediction));
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
      const page: Prisma.PredictionWhereInput = cursor
        ? {
            AND: [
              where,
              { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] },
            ],
          }
        : where;
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
  });
}
