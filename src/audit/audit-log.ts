/** The audit log of predictions: append-only writes, newest-first keyset pages, exports and the chain walk. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withDatabaseErrors, type Database } from '@/db/database';
import type { Prisma, PrismaClient } from '@/db/generated/client';
import { verifyLinks, type ChainReport } from './audit-chain';
import {
  decodeCursor,
  encodeCursor,
  filterWhere,
  InvalidPageRequestError,
  MAX_PAGE_SIZE,
  NEWEST_FIRST,
  olderThan,
  UUID,
  type AuditFilter,
  type AuditPage,
  type Cursor,
  type RecordScope,
} from './audit-pages';
import {
  InvalidAuditRecordError,
  newAuditRecordSchema,
  toAuditRecord,
  unstorableText,
  type AuditRecord,
  type CheckedRecord,
  type NewAuditRecord,
} from './audit-record';
import {
  coalescingWriter,
  insertChainedIn,
  prismaChainTransaction,
  type ChainTransactionRunner,
  type PrismaTransaction,
} from './chain-writer';

export interface AuditLog {
  /**
   * Stores the records in one transaction, all or none; returns them with their ids and createdAt, in the given order.
   */
  append(records: NewAuditRecord[]): Promise<AuditRecord[]>;
  /** The record with this id, or null; with `scope.requester`, null too when another key asked for it. */
  get(id: string, scope?: RecordScope): Promise<AuditRecord | null>;
  /**
   * Newest first (createdAt, then id, descending); `first` from 1 to MAX_PAGE_SIZE records after the cursor `after`.
   */
  list(filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage>;
  /** Records matching the filter. */
  count(filter: AuditFilter): Promise<number>;
  /** Every record matching the filter, newest first, read a chunk at a time (for exports). */
  stream(filter: AuditFilter): AsyncIterable<AuditRecord>;
}

/** Records read per query by `stream`: large enough to amortise the round trip, small enough to keep memory flat. */
export const STREAM_CHUNK = 1000;

/**
 * Records checked for storing: each must describe a prediction (a bug in the caller otherwise); ids are made here so
 * stored rows can be handed back in the caller's order.
 */
export function checkAuditRecords(records: NewAuditRecord[]): CheckedRecord[] {
  return records.map((record, index) => {
    const parsed = newAuditRecordSchema.safeParse(record);
    if (!parsed.success) throw new InvalidAuditRecordError(`audit record ${index}: ${z.prettifyError(parsed.error)}`);
    const unstorable = unstorableText(parsed.data, '');
    if (unstorable) throw new InvalidAuditRecordError(`audit record ${index}: ${unstorable}`);
    return { id: randomUUID(), ...parsed.data };
  });
}

/**
 * Stores records inside the caller's transaction, as the chain's next links: they commit with the caller's other rows
 * (the monitor's assessments) or not at all.
 */
export async function appendInTransaction(tx: PrismaTransaction, records: NewAuditRecord[]): Promise<AuditRecord[]> {
  if (records.length === 0) return [];
  return insertChainedIn(prismaChainTransaction(tx), checkAuditRecords(records));
}

/**
 * How long an append on the database's own connection may wait for the chain's lock, or run one statement, before it
 * fails: the 5 s Prisma's interactive transactions allow.
 */
export const APPEND_TIMEOUT_MS = 5_000;
const APPEND_TIMEOUTS = `SET LOCAL lock_timeout = ${APPEND_TIMEOUT_MS}; SET LOCAL statement_timeout = ${APPEND_TIMEOUT_MS}`;

/**
 * The audit log kept in the `prediction` table. It has no way to change or remove a record. Given the database it was
 * opened from, appends go through the database's own connection (pg or PGlite) rather than Prisma's raw queries, which
 * serialise every parameter to JSON and parse it back: ~15–20 ms more per 1,000 records, measured beside pg by
 * `npm run bench:audit`. Without it (tests, tools) appends go through Prisma; the chain is the same either way.
 */
export function prismaAuditLog(prisma: PrismaClient, database?: Pick<Database, 'transaction'>): AuditLog {
  const transaction: ChainTransactionRunner = database
    ? (work) =>
        database.transaction(async (tx) => {
          // Prisma's transactions give up after 5 s; the connection's own would wait forever on a stuck lock holder,
          // and the coalescing writer would hold every later append behind it.
          await tx.exec(APPEND_TIMEOUTS);
          return work(tx);
        })
    : (work) => prisma.$transaction((tx) => work(prismaChainTransaction(tx)));
  const write = coalescingWriter(transaction);
  return Object.freeze({
    async append(records: NewAuditRecord[]): Promise<AuditRecord[]> {
      if (records.length === 0) return [];
      return write(checkAuditRecords(records));
    },

    async get(id: string, scope: RecordScope = {}): Promise<AuditRecord | null> {
      // Not a uuid cannot name a record; asking Postgres would fail on the cast instead.
      if (!UUID.test(id)) return null;
      const row = await withDatabaseErrors(() =>
        prisma.prediction.findFirst({ where: { id: id.toLowerCase(), requester: scope.requester } }),
      );
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
        const rows = await withDatabaseErrors(() =>
          prisma.prediction.findMany({ where: page, orderBy: NEWEST_FIRST, take: STREAM_CHUNK }),
        );
        for (const row of rows) yield toAuditRecord(row);
        if (rows.length < STREAM_CHUNK) return;
        const last = rows[rows.length - 1];
        cursor = { createdAt: last.createdAt, id: last.id };
      }
    },
  });
}

/**
 * Walks the whole chain in sequence order, recomputing every link (`npm run audit:verify`), and keeps
 * the stored hash at each sequence in `remember` (kept checkpoints). Reads STREAM_CHUNK records per
 * query, so memory stays flat whatever the table's size.
 */
export async function verifyAuditChain(
  prisma: PrismaClient,
  remember: ReadonlySet<number> = new Set(),
): Promise<ChainReport> {
  async function* links() {
    let after = BigInt(0);
    for (;;) {
      const rows = await withDatabaseErrors(() =>
        prisma.prediction.findMany({
          where: { sequence: { gt: after } },
          orderBy: { sequence: 'asc' },
          take: STREAM_CHUNK,
        }),
      );
      for (const row of rows) {
        yield {
          record: { ...toAuditRecord(row), sequence: Number(row.sequence) },
          previousHash: row.previousHash,
          hash: row.hash,
        };
      }
      if (rows.length < STREAM_CHUNK) return;
      after = rows[rows.length - 1].sequence;
    }
  }
  return verifyLinks(links(), remember);
}
