/**
 * The chain writer through the database's own connection (how the server appends) beside Prisma's raw queries (tools,
 * tests, the monitor's transactions): the same links, columns and all-or-nothing behaviour on real Postgres and on
 * PGlite, and one chain whichever route extended it.
 */
import { linkHash } from '@/audit/audit-chain';
import {
  APPEND_TIMEOUT_MS,
  appendInTransaction,
  prismaAuditLog,
  verifyAuditChain,
  type AuditLog,
} from '@/audit/audit-log';
import { CHAIN_LOCK } from '@/audit/chain-writer';
import type { NewAuditRecord } from '@/audit/audit-record';
import { migrate } from '@/db/migrations';
import { numberedRecord } from '../../support/audit-records';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const record = (i: number) => numberedRecord(i, 'writer');
const withCourse = (i: number): NewAuditRecord => ({
  ...record(i),
  inputs: [],
  course: {
    admittedAt: '2026-03-01T08:00:00.000Z',
    moment: 60 * i,
    observations: [{ name: 'HR', time: '2026-03-01T09:00:00.000Z', value: 80 + i + 0.1 }],
  },
});

interface StoredRow extends Record<string, unknown> {
  sequence: string;
  previous_hash: string;
  hash: string;
  request_id: string;
  inputs: string;
  contributions: string;
  course: string | null;
}

async function storedRows(database: TestDatabase): Promise<StoredRow[]> {
  return database.db.transaction((tx) =>
    tx.query<StoredRow>(
      `SELECT sequence::text, previous_hash, hash, request_id, inputs::text, contributions::text, course::text
         FROM prediction ORDER BY sequence`,
    ),
  );
}

describe.each(DATABASES)('the chain writer on %s', (kind, create) => {
  let database: TestDatabase;
  let log: AuditLog;

  beforeEach(async () => {
    database = await create();
    await migrate(database.db);
    log = prismaAuditLog(database.db.prisma, database.db);
  });

  afterEach(async () => {
    await database?.dispose();
  });

  it("stores through the database's connection what the hash covers: jsonb equal to the record, NULL for no course", async () => {
    const batch = [record(1), withCourse(2), record(3)];
    const stored = await log.append(batch);
    const rows = await storedRows(database);
    expect(rows.map((r) => r.request_id)).toEqual(['writer-request-1', 'writer-request-2', 'writer-request-3']);
    expect(rows.map((r) => (r.course === null ? null : JSON.parse(r.course)))).toEqual([null, batch[1].course, null]);
    expect(rows.map((r) => JSON.parse(r.contributions))).toEqual(batch.map((r) => r.contributions));
    rows.forEach((row, i) => {
      expect(row.hash).toBe(linkHash(row.previous_hash, { ...stored[i], sequence: Number(row.sequence) }));
    });
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 3, breaks: [] });
  });

  it('coalesces concurrent appends, with and without courses, into one unforked chain in each caller’s order', async () => {
    const batches = Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0 ? [withCourse(10 * i)] : [record(10 * i), record(10 * i + 1)],
    );
    const stored = await Promise.all(batches.map((batch) => log.append(batch)));
    stored.forEach((records, i) => expect(records.map((r) => r.requestId)).toEqual(batches[i].map((r) => r.requestId)));
    const rows = await storedRows(database);
    expect(new Set(rows.map((r) => r.previous_hash)).size).toBe(rows.length);
    expect(rows.filter((r) => r.course !== null)).toHaveLength(4);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 20, breaks: [] });
  });

  it('fails only the caller whose record the database refuses in a coalesced write', async () => {
    await database.db.transaction((tx) =>
      tx.exec(`ALTER TABLE prediction ADD CONSTRAINT refuses_under_test CHECK (patient_ref <> 'refused')`),
    );
    const results = await Promise.allSettled([
      log.append([record(1)]),
      log.append([withCourse(2), record(3)]),
      log.append([{ ...record(4), patientRef: 'refused' }]),
      log.append([record(5)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ message: /refuses_under_test/ });
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 4, breaks: [] });
  });

  // PGlite has one connection: a second holder of the lock cannot exist there.
  (kind === 'postgres' ? it : it.skip)(
    `fails an append, storing nothing, when the chain's lock stays held for ${APPEND_TIMEOUT_MS / 1000} s, and appends again once it is free`,
    async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const held = new Promise<void>((resolve) => (locked = resolve));
      const holder = database.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1::bigint)::text', [CHAIN_LOCK]);
        locked();
        await released;
      });
      await held;
      try {
        // Postgres cancels the wait for the lock by lock_timeout or statement_timeout, whichever fires first.
        await expect(log.append([record(1)])).rejects.toThrow(/canceling statement due to (lock|statement) timeout/);
      } finally {
        release();
        await holder;
      }
      expect(await storedRows(database)).toEqual([]);
      await log.append([record(2)]);
      expect((await storedRows(database)).map((r) => r.request_id)).toEqual(['writer-request-2']);
    },
  );

  it('extends one chain whichever route appends: Prisma, the database connection, a caller’s Prisma transaction', async () => {
    const throughPrisma = prismaAuditLog(database.db.prisma);
    await throughPrisma.append([record(1), withCourse(2)]);
    await log.append([record(3)]);
    await database.db.prisma.$transaction((tx) => appendInTransaction(tx, [withCourse(4), record(5)]));
    await throughPrisma.append([record(6)]);
    await log.append([withCourse(7)]);
    const report = await verifyAuditChain(database.db.prisma);
    expect(report).toMatchObject({ checked: 7, breaks: [] });
    expect((await storedRows(database)).map((r) => r.request_id)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((i) => `writer-request-${i}`),
    );
  });
});
