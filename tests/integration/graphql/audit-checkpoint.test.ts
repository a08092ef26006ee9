/**
 * The audit trail through the API on Postgres and on PGlite: `auditCheckpoint` signs the real chain's
 * head for auditors and admins only, and any Unicode a client sends is either refused naming the field
 * or stored exactly as sent, with the chain still verifying (a lone surrogate once broke it for good).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { checkpointSignatureHolds, type AuditCheckpoint } from '@/audit/audit-checkpoint';
import { prismaAuditLog, verifyAuditChain } from '@/audit/audit-log';
import { readChainHead } from '@/audit/chain-writer';
import { auditCheckpoints } from '@/audit/checkpoints';
import { createSigningKey, type SigningKey } from '@/audit/signing-key';
import { migrate } from '@/db/migrations';
import { textProblem } from '@/errors/input-text';
import { ModelRegistry } from '@/inference/model-registry';
import { operations, startTestServer, type TestServer } from '../../support/graphql-server';
import { HEART_FAILURE_ROW } from '../../support/requests';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const registry = new ModelRegistry('models');
let keyDir: string;
let key: SigningKey;

beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'crc-checkpoint-key-'));
  key = await createSigningKey(join(keyDir, 'audit-signing-key.pem'));
});

afterAll(async () => {
  registry.close();
  await rm(keyDir, { recursive: true, force: true });
});

describe.each(DATABASES)('the audit trail through GraphQL on %s', (_kind, create) => {
  let database: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    database = await create();
    await migrate(database.db);
    server = startTestServer({
      registry,
      audit: prismaAuditLog(database.db.prisma),
      checkpoints: auditCheckpoints(() => readChainHead(database.db.prisma), key),
    });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.dispose();
  });

  const predict = (patientRef: string | null) =>
    server.run(operations.Predict, { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW, patientRef } });

  it('signs the current head for an admin and an auditor, and refuses clinicians and callers without a key', async () => {
    for (let i = 0; i < 3; i++) expect((await predict(`MRN-${i}`)).errors).toBeUndefined();
    const reply = await server.run(operations.AuditCheckpoint);
    expect(reply.errors).toBeUndefined();
    const checkpoint = (reply.data as { auditCheckpoint: AuditCheckpoint }).auditCheckpoint;
    const head = await readChainHead(database.db.prisma);
    expect(checkpoint).toMatchObject({ sequence: head.sequence, hash: head.hash, keyId: key.keyId });
    expect(head.sequence).toBeGreaterThanOrEqual(3);
    expect(checkpointSignatureHolds(checkpoint, key.publicKey)).toBe(true);

    const { key: auditor } = await server.keys.create({ name: 'auditor', role: 'auditor', createdBy: 'test' });
    expect(
      (await server.run(operations.AuditCheckpoint, {}, { authorization: `Bearer ${auditor}` })).errors,
    ).toBeUndefined();
    const { key: clinician } = await server.keys.create({ name: 'clinician', role: 'clinician', createdBy: 'test' });
    const forbidden = await server.run(operations.AuditCheckpoint, {}, { authorization: `Bearer ${clinician}` });
    expect(forbidden).toMatchObject({ status: 403, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(await server.run(operations.AuditCheckpoint, {}, { authorization: null })).toMatchObject({
      status: 401,
      errors: [{ extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('refuses a lone surrogate in patientRef naming the field, stores nothing, and the chain still verifies', async () => {
    const before = await readChainHead(database.db.prisma);
    const reply = await predict('MRN-\ud800-X');
    expect(reply.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ name: 'patientRef', message: expect.stringContaining('well-formed Unicode') }],
    });
    expect(await readChainHead(database.db.prisma)).toEqual(before);
    await expect(verifyAuditChain(database.db.prisma)).resolves.toMatchObject({ breaks: [] });
  });

  it('stores any well-formed Unicode patientRef exactly as sent and refuses the rest, the chain verifying throughout', async () => {
    const refs = fc.sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), { numRuns: 60, seed: 20261203 });
    // Every kind of text at least once: astral, combining marks, noncharacters, lone surrogates of each half.
    refs.push('😀🏥', 'e\u0301', '\uffff\ufffe', '\u2028', 'a\udc00', '\ud83d');
    let stored = 0;
    for (const ref of refs) {
      const reply = await predict(ref);
      const problem = ref.length > 128 ? 'length' : textProblem(ref);
      if (problem) {
        expect(reply.errors?.[0].extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          fields: [{ name: 'patientRef' }],
        });
        continue;
      }
      expect(reply.errors).toBeUndefined();
      const { id } = (reply.data as { predict: { id: string } }).predict;
      const read = await prismaAuditLog(database.db.prisma).get(id);
      expect(read?.patientRef).toBe(ref);
      stored++;
    }
    expect(stored).toBeGreaterThan(20);
    const report = await verifyAuditChain(database.db.prisma);
    expect(report.breaks).toEqual([]);
  });
});

it('answers AUDIT_CHECKPOINTS_OFF (503) on a server without a signing key', async () => {
  const server = startTestServer({ registry, audit: prismaAuditLog({} as never) });
  try {
    const reply = await server.run(operations.AuditCheckpoint);
    expect(reply).toMatchObject({
      status: 503,
      errors: [
        { extensions: { code: 'AUDIT_CHECKPOINTS_OFF' }, message: expect.stringContaining('AUDIT_SIGNING_KEY_FILE') },
      ],
    });
  } finally {
    await server.stop();
  }
});
