/**
 * The chain writer: appends records as the next links of the hash chain, one writer at a time, coalescing concurrent
 * callers.
 */
import { asDatabaseError, DatabaseUnavailableError, withDatabaseErrors } from '@/db/database';
import type { PrismaClient } from '@/db/generated/client';
import { GENESIS_HASH, prepareLink, type ChainHead, type PreparedLink } from './audit-chain';
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
export const CHAIN_LOCK = '4851013696513919316';

// sequence as text: bigint arrives from the drivers as a string or a BigInt, text is the same everywhere.
// (ORDER BY names the table's column: the text alias would sort '999' after '2501'.)
const CHAIN_HEAD = 'SELECT p.sequence::text AS sequence, p.hash FROM prediction p ORDER BY p.sequence DESC LIMIT 1';

function chainHead(row: { sequence: string; hash: string } | undefined): ChainHead {
  return row ? { sequence: Number(row.sequence), hash: row.hash } : { sequence: 0, hash: GENESIS_HASH };
}

/** Raw SQL in one transaction, as the chain writer sends it: a Prisma transaction or the database's own connection. */
export interface ChainTransaction {
  query<Row extends Record<string, unknown>>(sql: string, params: unknown[]): Promise<Row[]>;
}

/** A transaction of the caller's, for appends that must commit with other rows (the monitor's assessments). */
export type PrismaTransaction = Pick<PrismaClient, '$queryRawUnsafe'>;

/** Prisma's raw queries as a ChainTransaction. */
export function prismaChainTransaction(tx: PrismaTransaction): ChainTransaction {
  return { query: (sql, params) => tx.$queryRawUnsafe(sql, ...params) };
}

/** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
export type ChainTransactionRunner = <T>(work: (tx: ChainTransaction) => Promise<T>) => Promise<T>;

/** The columns a record gives as they are (the json ones are prepared text). */
const PLAIN_COLUMNS = [
  'id',
  'modelId',
  'modelVersion',
  'onnxSha256',
  'probability',
  'positive',
  'riskBand',
  'baseValue',
  'patientRef',
  'requestId',
  'latencyMs',
  'requester',
] as const satisfies readonly (keyof CheckedRecord)[];
type PlainColumn = (typeof PLAIN_COLUMNS)[number];
type PreparedColumns = { [K in PlainColumn]: CheckedRecord[K][] } & {
  [K in keyof PreparedLink['json']]: PreparedLink['json'][K][];
};

/**
 * Records serialised for the chain before its lock is taken: every column but the four the chain's head decides
 * (sequence, previous hash, hash, createdAt), each record's json columns written once, as the canonical text its hash
 * covers.
 */
export interface PreparedBatch {
  records: CheckedRecord[];
  links: PreparedLink[];
  columns: PreparedColumns;
}

export function prepareBatch(records: CheckedRecord[]): PreparedBatch {
  const links = records.map(prepareLink);
  const plain = Object.fromEntries(PLAIN_COLUMNS.map((key) => [key, records.map((record) => record[key])]));
  return {
    records,
    links,
    columns: {
      ...(plain as { [K in PlainColumn]: CheckedRecord[K][] }),
      inputs: links.map((link) => link.json.inputs),
      vector: links.map((link) => link.json.vector),
      contributions: links.map((link) => link.json.contributions),
      course: links.map((link) => link.json.course),
    },
  };
}

/** Prepared batches as one, in order (a coalesced write). */
function joinBatches(batches: PreparedBatch[]): PreparedBatch {
  if (batches.length === 1) return batches[0];
  const keys = Object.keys(batches[0].columns) as (keyof PreparedColumns)[];
  const columns = Object.fromEntries(
    keys.map((key) => [key, batches.flatMap((batch) => batch.columns[key] as unknown[])]),
  );
  return {
    records: batches.flatMap((batch) => batch.records),
    links: batches.flatMap((batch) => batch.links),
    columns: columns as PreparedColumns,
  };
}

/**
 * Stores prepared records as the next links of the chain inside the caller's transaction. Appends are serialised by a
 * transaction-scoped advisory lock, so writers in other processes extend the current head and never fork the chain;
 * the lock is held until the caller's transaction ends, and under it only the head is read, each link's SHA-256
 * computed from its prepared text and the rows inserted. One INSERT whatever the batch size: column arrays unnested
 * into rows (20 bind parameters); Prisma's createMany compiled a query per row and cost ~1 ms per record.
 */
export async function insertPreparedIn(tx: ChainTransaction, batch: PreparedBatch): Promise<AuditRecord[]> {
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)::text', [CHAIN_LOCK]);
  const [head] = await tx.query<{ sequence: string; hash: string }>(CHAIN_HEAD, []);
  let { sequence, hash: previousHash } = chainHead(head);
  // Millisecond precision, as the column keeps it, so the hashed createdAt is the stored one.
  const createdAt = new Date();
  const count = batch.links.length;
  const sequences = new Array<string>(count);
  const previousHashes = new Array<string>(count);
  const hashes = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    sequence++;
    sequences[i] = String(sequence);
    previousHashes[i] = previousHash;
    previousHash = hashes[i] = batch.links[i].hash(previousHash, sequence, createdAt);
  }
  const c = batch.columns;
  const withCourse = c.course.some((course) => course !== null);
  await tx.query(withCourse ? INSERT_UNNESTED_WITH_COURSE : INSERT_UNNESTED, [
    ...[c.id, c.modelId, c.modelVersion, c.onnxSha256, c.inputs, c.vector, c.probability, c.positive, c.riskBand],
    ...[c.baseValue, c.contributions, c.patientRef, c.requestId, c.latencyMs, createdAt.toISOString()],
    ...[sequences, previousHashes, hashes, c.requester],
    // SQL NULL for a record without a course (the JSON value null would be a stored course).
    ...(withCourse ? [c.course] : []),
  ]);
  return batch.records.map((record) => ({ ...record, createdAt }));
}

/** Stores records as the next links of the chain inside the caller's transaction (see insertPreparedIn). */
export async function insertChainedIn(tx: ChainTransaction, checked: CheckedRecord[]): Promise<AuditRecord[]> {
  return insertPreparedIn(tx, prepareBatch(checked));
}

/** Most records one coalesced transaction takes; a caller's batch is never split. */
const MAX_COALESCED_RECORDS = 5000;

interface PendingAppend {
  batch: PreparedBatch;
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
export function coalescingWriter(
  transaction: ChainTransactionRunner,
): (records: CheckedRecord[]) => Promise<AuditRecord[]> {
  const queue: PendingAppend[] = [];
  let writing = false;

  async function writeAlone(pending: PendingAppend): Promise<void> {
    try {
      pending.resolve(await transaction((tx) => insertPreparedIn(tx, pending.batch)));
    } catch (error) {
      pending.reject(asDatabaseError(error));
    }
  }

  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const group: PendingAppend[] = [queue.shift() as PendingAppend];
      let size = group[0].batch.records.length;
      while (queue.length > 0 && size + queue[0].batch.records.length <= MAX_COALESCED_RECORDS) {
        size += queue[0].batch.records.length;
        group.push(queue.shift() as PendingAppend);
      }
      if (group.length === 1) {
        await writeAlone(group[0]);
        continue;
      }
      try {
        const joined = joinBatches(group.map((p) => p.batch));
        const stored = await transaction((tx) => insertPreparedIn(tx, joined));
        let offset = 0;
        for (const pending of group) {
          pending.resolve(stored.slice(offset, offset + pending.batch.records.length));
          offset += pending.batch.records.length;
        }
      } catch (error) {
        const failure = asDatabaseError(error);
        if (failure instanceof DatabaseUnavailableError) for (const pending of group) pending.reject(failure);
        else for (const pending of group) await writeAlone(pending);
      }
    }
    writing = false;
  }

  // Each caller's records are serialised as they arrive, while an earlier write may still be waiting on the database.
  return (records) =>
    new Promise<AuditRecord[]>((resolve, reject) => {
      queue.push({ batch: prepareBatch(records), resolve, reject });
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
