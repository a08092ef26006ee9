/**
 * The chain writer: appends records as the next links of the hash chain, one writer at a time, coalescing concurrent
 * callers.
 */
import { asDatabaseError, DatabaseUnavailableError, withDatabaseErrors } from '@/db/database';
import type { PrismaClient } from '@/db/generated/client';
import { GENESIS_HASH, linkHash, type ChainHead } from './audit-chain';
import type { AuditRecord, CheckedRecord } from './audit-record';

// Column order of the unnest below: each array parameter is one column's values for the whole batch;
// $15 is the one createdAt of the batch, appended after the unnested columns. `course` ($20) is written only by a
// batch holding a course: a batch of rows of features inserts exactly what it did before the column existed.
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
const INSERT_UNNESTED = insertUnnested(false);
const INSERT_UNNESTED_WITH_COURSE = insertUnnested(true);

/** The advisory lock that serialises appends: one arbitrary 64-bit key, "CRCAUDIT" in ASCII. */
const CHAIN_LOCK = '4851013696513919316';

// sequence as text: bigint arrives from the drivers as a string or a BigInt, text is the same everywhere.
// (ORDER BY names the table's column: the text alias would sort '999' after '2501'.)
const CHAIN_HEAD = 'SELECT p.sequence::text AS sequence, p.hash FROM prediction p ORDER BY p.sequence DESC LIMIT 1';

function chainHead(row: { sequence: string; hash: string } | undefined): ChainHead {
  return row ? { sequence: Number(row.sequence), hash: row.hash } : { sequence: 0, hash: GENESIS_HASH };
}

/** A transaction of the caller's, for appends that must commit with other rows (the monitor's assessments). */
export type ChainTransaction = Pick<PrismaClient, '$queryRawUnsafe'>;

/**
 * Stores records as the next links of the chain inside the caller's transaction. Appends are serialised by a
 * transaction-scoped advisory lock, so writers in other processes extend the current head and never fork the chain;
 * the lock is held until the caller's transaction ends. One INSERT whatever the batch size: column arrays unnested
 * into rows (20 bind parameters); Prisma's createMany compiled a query per row and cost ~1 ms per record.
 */
export async function insertChainedIn(tx: ChainTransaction, checked: CheckedRecord[]): Promise<AuditRecord[]> {
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
    // SQL NULL for a record without a course (JSON.stringify would store the JSON value null).
    ...(withCourse ? [chained.map((row) => (row.course ? JSON.stringify(row.course) : null))] : []),
  ];
  await tx.$queryRawUnsafe(withCourse ? INSERT_UNNESTED_WITH_COURSE : INSERT_UNNESTED, ...parameters);
  return checked.map((record) => ({ ...record, createdAt }));
}

/** Stores records as the next links of the chain, in a transaction of their own: all or none. */
async function insertChained(prisma: PrismaClient, checked: CheckedRecord[]): Promise<AuditRecord[]> {
  return prisma.$transaction((tx) => insertChainedIn(tx, checked));
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
export function coalescingWriter(prisma: PrismaClient): (records: CheckedRecord[]) => Promise<AuditRecord[]> {
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
        const stored = await insertChained(
          prisma,
          group.flatMap((p) => p.records),
        );
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

/** The chain's newest link (sequence 0 and GENESIS_HASH while it is empty), for signed checkpoints. */
export async function readChainHead(prisma: PrismaClient): Promise<ChainHead> {
  const [row] = await withDatabaseErrors(() =>
    prisma.$queryRawUnsafe<{ sequence: string; hash: string }[]>(CHAIN_HEAD),
  );
  return chainHead(row);
}
