/**
 * The migration that closes the chain (20261203120000_audit_chain_complete): records stored before the
 * chain existed are chained after its head, in creation order, with the very hash the TypeScript chain
 * computes (its SQL canonical JSON is checked here against audit-chain.ts on awkward doubles and text),
 * and afterwards no record can stand outside the chain.
 */
import { readdirSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { prismaAuditLog, verifyAuditChain } from '@/audit/audit-log';
import { type NewAuditRecord } from '@/audit/audit-record';
import { DEFAULT_MIGRATIONS_DIR, migrate } from '@/db/migrations';
import { openDatabase } from '@/db/database';
import { createPostgresDatabase, DATABASES, type TestDatabase } from '../../support/test-databases';

const CLOSING_MIGRATION = '20261203120000_audit_chain_complete';
/** The migrations after the closing one, which the same migrate() applies with it. */
const LATER_MIGRATIONS = readdirSync(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name > CLOSING_MIGRATION)
  .map((entry) => entry.name)
  .sort();

/** A migrations directory holding every migration before the one under test. */
async function migrationsBefore(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crc-migrations-'));
  for (const entry of await readdir(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name < name)
      await cp(join(DEFAULT_MIGRATIONS_DIR, entry.name), join(dir, entry.name), { recursive: true });
  }
  return dir;
}

// Doubles whose text JavaScript and Postgres lay out differently: exponent forms at both ends, the
// boundaries 1e-7/1e-6 and 1e15/1e21, subnormals, -0, and many drawn at random (fixed seed).
const AWKWARD = [
  0,
  -0,
  1,
  -1,
  0.1,
  1 / 3,
  1e-7,
  1.5e-7,
  1e-6,
  0.000123,
  1e-5,
  123456789012345.6,
  1e15,
  1.5e15,
  1e20,
  1e21,
  1.2345e21,
  -2.5e-300,
  5e-324,
  Number.MAX_VALUE,
  2 ** 53 + 2,
];
const DRAWN = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 120, seed: 20261203 });
const TEXTS = [
  'MRN "quoted"',
  'back\\slash',
  'é ü 中文',
  'emoji 😀',
  'line\u2028separator',
  '</script>',
  'tab\there',
  'bell\u0007',
];

interface LegacyRow {
  createdAt: string;
  inputs: { name: string; value: number | null }[];
  vector: (number | null)[];
  probability: number;
  baseValue: number;
  contributions: { name: string; value: number | null; contribution: number }[];
  patientRef: string | null;
  latencyMs: number;
  requester: string | null;
}

function legacyRows(): LegacyRow[] {
  const numbers = [...AWKWARD, ...DRAWN];
  const rows: LegacyRow[] = [];
  for (let i = 0; i < 12; i++) {
    const slice = numbers.slice(i * 12, i * 12 + 12);
    rows.push({
      // Inserted after the chained records but dated before them (as records from before the chain
      // are), on two days: creation order decides, not insertion order.
      createdAt: new Date(Date.UTC(2026, 10, i < 2 ? 1 : 30, 12, 0, i, 7 * i)).toISOString(),
      inputs: slice.map((value, j) => ({ name: `feature_${j}`, value: j === 3 ? null : value })),
      vector: slice.map((value, j) => (j === 5 ? null : value)),
      probability: Math.abs(slice[0]) <= 1 ? Math.abs(slice[0]) : 1 / Math.abs(slice[0]),
      baseValue: slice[1],
      contributions: slice.map((value, j) => ({
        name: TEXTS[j % TEXTS.length],
        value: j === 2 ? null : value,
        contribution: slice[(j + 1) % slice.length],
      })),
      patientRef: i === 4 ? null : TEXTS[i % TEXTS.length],
      latencyMs: Math.abs(slice[2]),
      requester: i % 3 === 0 ? null : 'legacy-key',
    });
  }
  return rows;
}

function chainedRecord(i: number): NewAuditRecord {
  return {
    modelId: 'diabetes',
    modelVersion: '1.0.0',
    onnxSha256: 'd'.repeat(64),
    inputs: [{ name: 'glucose', value: 100 + i }],
    vector: [100 + i],
    probability: 0.25,
    positive: false,
    riskBand: 'LOW',
    baseValue: -0.5,
    contributions: [{ name: 'glucose', value: 100 + i, contribution: 0.125 }],
    patientRef: `chained-${i}`,
    requestId: `chained-${i}`,
    latencyMs: 2,
    requester: 'current-key',
  };
}

describe.each(DATABASES)('closing the audit chain on %s', (_kind, create) => {
  let database: TestDatabase;
  let earlier: string;

  beforeAll(async () => {
    earlier = await migrationsBefore(CLOSING_MIGRATION);
  });

  afterAll(async () => {
    await rm(earlier, { recursive: true, force: true });
  });

  beforeEach(async () => {
    database = await create();
  });

  afterEach(async () => {
    await database?.dispose();
  });

  it('chains every record stored before the chain, after its head in creation order, with the hash audit-chain.ts computes', async () => {
    await migrate(database.db, { migrationsDir: earlier });
    const log = prismaAuditLog(database.db.prisma);
    const chained = await log.append([chainedRecord(1), chainedRecord(2)]);
    const rows = legacyRows();
    await database.db.transaction(async (tx) => {
      for (const [i, row] of rows.entries()) {
        await tx.query(
          `INSERT INTO prediction (model_id, model_version, onnx_sha256, inputs, vector, probability, positive, risk_band, base_value,
                                   contributions, patient_ref, request_id, latency_ms, requester, created_at)
           VALUES ('heart-failure', '0.9.0', $1, $2::jsonb, $3::jsonb, $4, $5, 'MODERATE', $6, $7::jsonb, $8, $9, $10, $11, $12::timestamptz)`,
          [
            'e'.repeat(64),
            JSON.stringify(row.inputs),
            JSON.stringify(row.vector),
            row.probability,
            i % 2 === 0,
            row.baseValue,
            JSON.stringify(row.contributions),
            row.patientRef,
            `legacy-${i}`,
            row.latencyMs,
            row.requester,
            row.createdAt,
          ],
        );
      }
    });
    const before = await database.db.transaction((tx) =>
      tx.query<{ id: string; hash: string }>(
        'SELECT id::text, hash FROM prediction WHERE sequence IS NOT NULL ORDER BY sequence',
      ),
    );

    await expect(migrate(database.db)).resolves.toEqual({ applied: [CLOSING_MIGRATION, ...LATER_MIGRATIONS] });

    const report = await verifyAuditChain(database.db.prisma);
    expect(report.breaks).toEqual([]);
    expect(report.checked).toBe(2 + rows.length);
    const after = await database.db.transaction((tx) =>
      tx.query<{ id: string; hash: string; request_id: string }>(
        'SELECT id::text, hash, request_id FROM prediction ORDER BY sequence',
      ),
    );
    // The existing links are untouched; the legacy records follow them in creation order.
    expect(after.slice(0, 2)).toEqual(before.map((b, i) => ({ ...b, request_id: chained[i].requestId })));
    const byCreation = rows
      .map((row, i) => ({ at: row.createdAt, requestId: `legacy-${i}` }))
      .sort((a, b) => a.at.localeCompare(b.at));
    expect(after.slice(2).map((r) => r.request_id)).toEqual(byCreation.map((r) => r.requestId));
    // The helper functions do not outlive the migration.
    const [{ functions }] = await database.db.transaction((tx) =>
      tx.query<{ functions: string }>("SELECT count(*)::text AS functions FROM pg_proc WHERE proname LIKE 'audit\\_%'"),
    );
    expect(functions).toBe('0');
    // Appends go on from the new head.
    await log.append([chainedRecord(3)]);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ checked: 3 + rows.length, breaks: [] });
  });

  it('writes 20,000 doubles in SQL exactly as JSON.stringify does (the function the migration hashes with)', async () => {
    const migration = await readFile(join(DEFAULT_MIGRATIONS_DIR, CLOSING_MIGRATION, 'migration.sql'), 'utf8');
    const definition = migration.slice(
      migration.indexOf('CREATE FUNCTION "audit_js_number"'),
      migration.indexOf('-- canonicalJson of audit-chain.ts'),
    );
    const doubles = [
      ...AWKWARD,
      -Number.MAX_VALUE,
      Number.MIN_VALUE * 2,
      2.2250738585072014e-308,
      ...fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 10_000, seed: 1 }),
      ...fc.sample(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { numRuns: 5_000, seed: 2 }),
      // float32 images, as the vector holds them, across magnitudes.
      ...fc.sample(fc.float({ noNaN: true, noDefaultInfinity: true }), { numRuns: 5_000, seed: 3 }),
    ];
    const written = await database.db.transaction(async (tx) => {
      await tx.exec(definition.replace('"audit_js_number"', 'pg_temp.audit_js_number'));
      return tx.query<{ text: string }>(
        'SELECT pg_temp.audit_js_number(x) AS text FROM unnest($1::float8[]) WITH ORDINALITY AS u(x, i) ORDER BY i',
        [doubles.map(String)],
      );
    });
    const mismatches = doubles.map((x, i) => [JSON.stringify(x), written[i].text]).filter(([js, sql]) => js !== sql);
    expect(mismatches).toEqual([]);
  });

  it('refuses a record outside the chain that is newer than the chain, naming it, and stores no change', async () => {
    await migrate(database.db, { migrationsDir: earlier });
    await prismaAuditLog(database.db.prisma).append([chainedRecord(1)]);
    const [{ id }] = await database.db.transaction((tx) =>
      tx.query<{ id: string }>(
        `INSERT INTO prediction (model_id, model_version, onnx_sha256, inputs, vector, probability, positive, risk_band, base_value, contributions, request_id, latency_ms)
         VALUES ('diabetes', '1', $1, '[]', '[]', 0.9, true, 'HIGH', 0, '[]', 'forged-after-the-chain', 1) RETURNING id::text`,
        ['f'.repeat(64)],
      ),
    );
    await expect(migrate(database.db)).rejects.toThrow(
      new RegExp(`1 audit records without a place in the chain were stored after the chain began \\(${id}\\)`),
    );
    const [{ unchained }] = await database.db.transaction((tx) =>
      tx.query<{ unchained: string }>('SELECT count(*)::text AS unchained FROM prediction WHERE sequence IS NULL'),
    );
    expect(unchained).toBe('1');
  });

  it('closes an empty table too, and the chain then starts at sequence 1', async () => {
    await migrate(database.db, { migrationsDir: earlier });
    await migrate(database.db);
    await prismaAuditLog(database.db.prisma).append([chainedRecord(1)]);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({
      checked: 1,
      head: { sequence: 1 },
      breaks: [],
    });
  });
});

it('chains records newer than the chain when an administrator who reviewed them says so (crc.accept_unchained_records=on)', async () => {
  const earlier = await migrationsBefore(CLOSING_MIGRATION);
  const fresh = await createPostgresDatabase('crc_accept');
  try {
    let db = await openDatabase({ databaseUrl: fresh.url });
    await migrate(db, { migrationsDir: earlier });
    await prismaAuditLog(db.prisma).append([chainedRecord(1)]);
    await db.transaction((tx) =>
      tx.exec(`INSERT INTO prediction (model_id, model_version, onnx_sha256, inputs, vector, probability, positive, risk_band, base_value, contributions, request_id, latency_ms)
               VALUES ('diabetes', '1', '${'f'.repeat(64)}', '[]', '[]', 0.9, true, 'HIGH', 0, '[]', 'old-instance-during-deploy', 1)`),
    );
    await expect(migrate(db)).rejects.toThrow(/stored after the chain began/);
    await db.close();
    // The way the refusal's hint names: the setting on the connection string.
    db = await openDatabase({ databaseUrl: `${fresh.url}?options=-c%20crc.accept_unchained_records%3Don` });
    try {
      await expect(migrate(db)).resolves.toEqual({ applied: [CLOSING_MIGRATION, ...LATER_MIGRATIONS] });
      await expect(verifyAuditChain(db.prisma)).resolves.toMatchObject({ checked: 2, breaks: [] });
    } finally {
      await db.close();
    }
  } finally {
    await fresh.drop();
    await rm(earlier, { recursive: true, force: true });
  }
});
