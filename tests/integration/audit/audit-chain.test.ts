/**
 * The audit chain in real databases: every append extends it, concurrent writers never fork it, a row edited or removed
 * in SQL is named by `verifyAuditChain`, and no row can stand outside it.
 */
import { prismaAuditLog, verifyAuditChain, type AuditLog } from '@/audit/audit-log';
import { readChainHead } from '@/audit/chain-writer';
import { migrate } from '@/db/migrations';
import { DATABASES, type TestDatabase } from '../../support/test-databases';
import { numberedRecord } from '../../support/audit-records';

const record = (i: number) => numberedRecord(i, 'chain');

/** Raw SQL past the app, as an attacker with database access would write it. */
async function sql(database: TestDatabase, script: string): Promise<void> {
  await database.db.transaction((tx) => tx.exec(script));
}

describe.each(DATABASES)('the audit chain on %s', (_kind, create) => {
  let database: TestDatabase;
  let log: AuditLog;

  beforeEach(async () => {
    database = await create();
    await migrate(database.db);
    log = prismaAuditLog(database.db.prisma);
  });

  afterEach(async () => {
    await database?.dispose();
  });

  it('links every appended record to the one before, from sequence 1 without gaps', async () => {
    await log.append([record(1), record(2), record(3)]);
    await log.append([record(4)]);
    const report = await verifyAuditChain(database.db.prisma);
    expect(report).toMatchObject({ checked: 4, breaks: [] });
    const rows = await database.db.transaction((tx) =>
      tx.query<{ sequence: string; previous_hash: string; hash: string }>(
        'SELECT sequence::text, previous_hash, hash FROM prediction ORDER BY sequence',
      ),
    );
    expect(rows.map((r) => r.sequence)).toEqual(['1', '2', '3', '4']);
    expect(rows[0].previous_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i].previous_hash).toBe(rows[i - 1].hash);
    expect(report.head).toEqual({ sequence: 4, hash: rows[3].hash });
    await expect(readChainHead(database.db.prisma)).resolves.toEqual(report.head);
  });

  it('is not forked by 24 concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => log.append([record(3 * i), record(3 * i + 1), record(3 * i + 2)])),
    );
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 72, breaks: [] });
    const [{ links }] = await database.db.transaction((tx) =>
      tx.query<{ links: string }>('SELECT count(DISTINCT previous_hash)::text AS links FROM prediction'),
    );
    expect(links).toBe('72');
  });

  it('fails only the caller whose record the database refuses when concurrent appends go in one transaction', async () => {
    // A rule only the database knows, so the record passes every check of the app and fails in the coalesced INSERT.
    await sql(
      database,
      `ALTER TABLE prediction ADD CONSTRAINT refuses_under_test CHECK (patient_ref <> 'refused-by-the-database')`,
    );
    const refused = { ...record(99), patientRef: 'refused-by-the-database' };
    const results = await Promise.allSettled([
      log.append([record(1)]),
      log.append([record(2), record(3)]),
      log.append([refused]),
      log.append([record(4)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseFulfilledResult<{ requestId: string }[]>).value.map((r) => r.requestId)).toEqual([
      'chain-request-2',
      'chain-request-3',
    ]);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 4, breaks: [] });
  });

  it.each([
    ['a lone surrogate', 'MRN-\ud800-X'],
    ['a NUL', 'MRN-\u0000-X'],
  ])(
    'refuses a record whose text the database would not hand back as given (%s), before it reaches the chain',
    async (_what, patientRef) => {
      await expect(log.append([{ ...record(1), patientRef }])).rejects.toMatchObject({
        code: 'INVALID_AUDIT_RECORD',
        message: expect.stringContaining('patientRef'),
      });
      await expect(log.append([{ ...record(1), inputs: [{ name: 'age\ud800', value: 1 }] }])).rejects.toMatchObject({
        message: expect.stringContaining('inputs.0.name'),
      });
      await log.append([record(2)]);
      await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 1, breaks: [] });
    },
  );

  it('names every record edited in SQL with the append-only trigger disabled, not only the first', async () => {
    await log.append([record(1), record(2), record(3), record(4), record(5)]);
    await sql(
      database,
      `ALTER TABLE prediction DISABLE TRIGGER prediction_append_only;
       UPDATE prediction SET probability = 0.01 WHERE sequence = 3;
       UPDATE prediction SET patient_ref = 'someone-else' WHERE sequence = 4;
       ALTER TABLE prediction ENABLE TRIGGER prediction_append_only;`,
    );
    const report = await verifyAuditChain(database.db.prisma);
    expect(report.checked).toBe(5);
    expect(report.breaks.map(({ kind, sequence }) => [kind, sequence])).toEqual([
      ['altered', 3],
      ['altered', 4],
    ]);
  });

  it('names the gap a record deleted in SQL leaves', async () => {
    await log.append([record(1), record(2), record(3)]);
    await sql(
      database,
      `ALTER TABLE prediction DISABLE TRIGGER prediction_append_only; DELETE FROM prediction WHERE sequence = 2; ALTER TABLE prediction ENABLE TRIGGER prediction_append_only;`,
    );
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({
      checked: 2,
      breaks: [{ kind: 'missing', sequence: 2, reason: 'sequence 2 is missing (records deleted)' }],
    });
  });

  it('refuses a row inserted in SQL outside the chain (no sequence or hashes), so no record can predate or bypass it', async () => {
    await log.append([record(1)]);
    const insert = (columns: string, values: string) =>
      sql(
        database,
        `INSERT INTO prediction (model_id, model_version, onnx_sha256, inputs, vector, probability, positive, risk_band, base_value, contributions, request_id, latency_ms, patient_ref, requester${columns})
         VALUES ('heart-failure', '1.0.0', '${'b'.repeat(64)}', '[]', '[]', 0.99, true, 'HIGH', 0, '[]', 'forged', 1, 'chain-1', 'key-under-test'${values})`,
      );
    await expect(insert('', '')).rejects.toThrow(/null value in column "sequence"/);
    await expect(insert(', sequence', ', 2')).rejects.toThrow(/null value in column "previous_hash"/);
    // A forger who fills the columns in is caught by the walk: the hash is not that of the content.
    await insert(', sequence, previous_hash, hash', `, 2, '${'0'.repeat(64)}', '${'c'.repeat(64)}'`);
    const report = await verifyAuditChain(database.db.prisma);
    expect(report.breaks.map(({ kind, sequence }) => [kind, sequence])).toEqual([
      ['relinked', 2],
      ['altered', 2],
    ]);
  });
});
