/** The audit chain in real databases: every append extends it, concurrent writers never fork it, and a row edited or removed in SQL is named by `verifyAuditChain`. */
import { createHash } from 'node:crypto';
import { prismaAuditLog, verifyAuditChain, type AuditLog, type NewAuditRecord } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

function record(i: number): NewAuditRecord {
  return {
    modelId: 'heart-failure',
    modelVersion: '1.0.0',
    onnxSha256: createHash('sha256').update('model').digest('hex'),
    inputs: [{ name: 'age', value: 40 + i }],
    vector: [40 + i],
    probability: 0.1 + (i % 80) / 100,
    positive: i % 2 === 0,
    riskBand: 'MODERATE',
    baseValue: -1.2,
    contributions: [{ name: 'age', value: 40 + i, contribution: 0.01 * i }],
    patientRef: `chain-${i}`,
    requestId: `chain-request-${i}`,
    latencyMs: 0.5,
    requester: 'key-under-test',
  };
}

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
    expect(report).toMatchObject({ checked: 4, unchained: 0, firstBroken: null });
    const rows = await database.db.transaction((tx) => tx.query<{ sequence: string; previous_hash: string; hash: string }>('SELECT sequence::text, previous_hash, hash FROM prediction ORDER BY sequence'));
    expect(rows.map((r) => r.sequence)).toEqual(['1', '2', '3', '4']);
    expect(rows[0].previous_hash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i++) expect(rows[i].previous_hash).toBe(rows[i - 1].hash);
    expect(report.head).toBe(rows[3].hash);
  });

  it('is not forked by 24 concurrent appends', async () => {
    await Promise.all(Array.from({ length: 24 }, (_, i) => log.append([record(3 * i), record(3 * i + 1), record(3 * i + 2)])));
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 72, firstBroken: null });
    const [{ links }] = await database.db.transaction((tx) => tx.query<{ links: string }>('SELECT count(DISTINCT previous_hash)::text AS links FROM prediction'));
    expect(links).toBe('72');
  });

  it("fails only the caller whose record the database refuses when concurrent appends go in one transaction", async () => {
    const refused = { ...record(99), patientRef: 'bad\u0000ref' };
    const results = await Promise.allSettled([log.append([record(1)]), log.append([record(2), record(3)]), log.append([refused]), log.append([record(4)])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseFulfilledResult<{ requestId: string }[]>).value.map((r) => r.requestId)).toEqual(['chain-request-2', 'chain-request-3']);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 4, firstBroken: null });
  });

  it('names the first record edited in SQL with the append-only trigger disabled', async () => {
    await log.append([record(1), record(2), record(3), record(4), record(5)]);
    await sql(
      database,
      `ALTER TABLE prediction DISABLE TRIGGER prediction_append_only;
       UPDATE prediction SET probability = 0.01 WHERE sequence = 3;
       UPDATE prediction SET patient_ref = 'someone-else' WHERE sequence = 4;
       ALTER TABLE prediction ENABLE TRIGGER prediction_append_only;`,
    );
    const report = await verifyAuditChain(database.db.prisma);
    expect(report.checked).toBe(2);
    expect(report.firstBroken).toMatchObject({ sequence: 3, reason: 'its content does not match its hash (the record was changed)' });
  });

  it('names the gap a record deleted in SQL leaves', async () => {
    await log.append([record(1), record(2), record(3)]);
    await sql(database, `ALTER TABLE prediction DISABLE TRIGGER prediction_append_only; DELETE FROM prediction WHERE sequence = 2; ALTER TABLE prediction ENABLE TRIGGER prediction_append_only;`);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 1, firstBroken: { sequence: 3, reason: 'sequence 2 is missing' } });
  });

  it('counts records from before the chain apart and still checks the chain', async () => {
    // A record as the first migration stored it: no sequence, no hashes.
    await sql(
      database,
      `INSERT INTO prediction (model_id, model_version, onnx_sha256, inputs, vector, probability, positive, risk_band, base_value, contributions, request_id, latency_ms)
       VALUES ('diabetes', '1', '${'b'.repeat(64)}', '[]', '[]', 0.5, true, 'HIGH', 0, '[]', 'legacy', 1)`,
    );
    await log.append([record(1), record(2)]);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 2, unchained: 1, firstBroken: null });
  });
});
