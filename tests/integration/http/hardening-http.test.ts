/**
 * Hostile requests over HTTP against the app's server (`npm start`): oversized documents and row counts are coded 400s without logged stack
 * traces, filters Postgres cannot match are named, not 500s, and the audit checkpoint is signed for auditors only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { prismaSessionStore, SESSION_COOKIE } from '@/access/sessions';
import { checkpointSignatureHolds, type AuditCheckpoint } from '@/audit/audit-checkpoint';
import { createSigningKey } from '@/audit/signing-key';
import { openDatabase, type DatabaseOptions } from '@/db/database';
import { MAX_BATCH_ROWS } from '@/prediction/prediction-service';
import { bearer, createKey } from '../../support/api-keys';
import { buildApp, startApp, type RunningApp } from '../../support/next-server';
import { HEART_FAILURE_ROW } from '../../support/requests';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

interface Reply {
  status: number;
  ms: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions: { code: string; fields?: { name: string; message: string }[] } }[];
  };
}

/** What the server printed while `during` ran. */
async function printedDuring<T>(app: RunningApp, during: () => Promise<T>): Promise<{ result: T; printed: string }> {
  const before = app.output().length;
  const result = await during();
  // Log lines may trail the response by a moment.
  await new Promise((r) => setTimeout(r, 200));
  return { result, printed: app.output().slice(before) };
}

/**
 * A key and a dashboard session for it, made in the database before the server starts (an embedded one allows one
 * process at a time).
 */
async function keyAndSession(where: DatabaseOptions): Promise<{ key: string; cookie: string }> {
  const { key, id } = await createKey(where, 'admin');
  const db = await openDatabase(where);
  try {
    const { token } = await prismaSessionStore(db.prisma).start(id);
    return { key, cookie: `${SESSION_COOKIE}=${token}` };
  } finally {
    await db.close();
  }
}

const fragmentChain = (n: number) =>
  `{ models { ...F0 } } ${Array.from({ length: n }, (_, i) => `fragment F${i} on RiskModel { ${i + 1 < n ? `...F${i + 1}` : 'id'} }`).join(' ')}`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `m${i}: models { id }`).join(' ')} }`;
const nesting = (levels: number) => `{ ${'models { '.repeat(levels)}id ${'} '.repeat(levels)}}`;
// A stack trace or Apollo's report of an unexpected error: what each of these requests used to print.
const TRACE = /RangeError|Maximum call stack|Unexpected error processing request|\n\s+at \S+ \(/;

beforeAll(() => buildApp(), 300_000);

describe.each([
  ['the embedded database (PGlite)', 'pglite'],
  ['Postgres (DATABASE_URL)', 'postgres'],
])('hostile requests over HTTP on %s', (_label, kind) => {
  let app: RunningApp;
  let postgres: PostgresTestDatabase | undefined;
  let key = '';
  let cookie = '';
  /** The public key checkpoints must verify with: made for Postgres, printed at first start by the embedded default. */
  let signer: () => KeyObject;

  beforeAll(async () => {
    if (kind === 'postgres') {
      postgres = await createMigratedPostgresDatabase('crc_hardening');
      ({ key, cookie } = await keyAndSession({ databaseUrl: postgres.url }));
      const keyFile = join(mkdtempSync(join(tmpdir(), 'crc-signing-')), 'audit-signing-key.pem');
      const signingKey = await createSigningKey(keyFile);
      signer = () => signingKey.publicKey;
      app = await startApp({ DATABASE_URL: postgres.url, AUDIT_SIGNING_KEY_FILE: keyFile });
    } else {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'crc-hardening-')), 'pglite');
      ({ key, cookie } = await keyAndSession({ dataDir }));
      app = await startApp({ DATA_DIR: dataDir });
      signer = () =>
        createPublicKey(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/.exec(app.output())![0]);
    }
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await postgres?.drop();
  });

  async function graphql(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = bearer(key),
  ): Promise<Reply> {
    const started = performance.now();
    const response = await fetch(`${app.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.json(), ms: Math.round(performance.now() - started) };
  }

  const stored = async () =>
    ((await graphql('{ predictions { totalCount } }')).body.data!.predictions as { totalCount: number }).totalCount;

  it.each([
    ['a chain of 3,000 fragments', fragmentChain(3000), 'GRAPHQL_PARSE_FAILED', /more tha[nt] 1000 tokens/],
    ['2,000 aliases', aliases(2000), 'GRAPHQL_PARSE_FAILED', /more tha[nt] 1000 tokens/],
    ['5,000 levels of nesting', nesting(5000), 'GRAPHQL_PARSE_FAILED', /more tha[nt] 1000 tokens/],
    // The deepest nesting within the token limit (3 tokens a level) parses, and is refused on depth (and on cost and
    // field names).
    ['300 levels of nesting', nesting(300), 'GRAPHQL_VALIDATION_FAILED', /^The operation nests fields 301 levels deep/],
  ])('answers %s, without a key, with a coded 400 and no logged stack trace', async (what, query, code, message) => {
    const { result: reply, printed } = await printedDuring(app, () => graphql(query, {}, {}));
    expect(reply.status).toBe(400);
    expect(reply.body.errors!.every((e) => e.extensions.code === code)).toBe(true);
    expect(reply.body.errors!.map((e) => e.message)).toContainEqual(expect.stringMatching(message));
    expect(printed).not.toMatch(TRACE);
    console.log(`${kind}: ${what} → ${reply.status} ${code} in ${reply.ms} ms (${query.length} bytes)`);
  });

  it(`refuses 1,200 aliased predicts, and batches over ${MAX_BATCH_ROWS} rows in all, storing nothing`, async () => {
    const before = await stored();
    const one = { modelId: 'heart-failure', features: HEART_FAILURE_ROW };
    const predicts = Array.from({ length: 1200 }, (_, i) => `p${i}: predict(input: $one) { id }`).join(' ');
    const aliased = await graphql(`mutation Many($one: PredictInput!) { ${predicts} }`, { one });
    expect(aliased.status).toBe(400);
    expect(aliased.body.errors![0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const batch = {
      modelId: 'heart-failure',
      rows: Array.from({ length: 600 }, () => ({ features: HEART_FAILURE_ROW })),
    };
    const twoBatches = await graphql(
      'mutation Two($batch: PredictBatchInput!) { a: predictBatch(input: $batch) { id } b: predictBatch(input: $batch) { id } }',
      { batch },
    );
    expect(twoBatches.status).toBe(400);
    expect(twoBatches.body.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          new RegExp(`^The operation would score 1200 rows .*the limit is ${MAX_BATCH_ROWS} rows per request`),
        ),
        extensions: expect.objectContaining({
          code: 'GRAPHQL_VALIDATION_FAILED',
          limit: 'rows',
          max: MAX_BATCH_ROWS,
          found: 1200,
        }),
      }),
    ]);
    expect(await stored()).toBe(before);
  });

  it('answers a NUL in a GraphQL filter with BAD_USER_INPUT naming the field, not INTERNAL_SERVER_ERROR', async () => {
    const reply = await graphql('query($filter: PredictionFilter) { predictions(filter: $filter) { totalCount } }', {
      filter: { patientRef: 'a\u0000b' },
    });
    expect(reply.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: 'BAD_USER_INPUT',
          fields: [{ name: 'patientRef', message: 'must not contain control characters' }],
        }),
      }),
    ]);
  });

  it('shows a NUL patientRef on /predictions as an error next to the filter (a 500 before)', async () => {
    const response = await fetch(`${app.url}/predictions?patientRef=%00`, { headers: { cookie }, redirect: 'manual' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/id="filter-patientRef-error"[^>]*>must not contain control characters</);
  });

  it('refuses a NUL patientRef on the CSV export with a 400 and a message (a dropped connection before)', async () => {
    const response = await fetch(`${app.url}/predictions/export.csv?patientRef=%00`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('Cannot export: patientRef: must not contain control characters\n');
  });

  it('hands an admin the signed audit checkpoint at GET /api/audit/checkpoint, and refuses clinicians and callers without a key', async () => {
    expect(
      (
        await graphql(
          'mutation ($f: [FeatureValueInput!]!) { predict(input: { modelId: "heart-failure", features: $f }) { id } }',
          { f: HEART_FAILURE_ROW },
        )
      ).status,
    ).toBe(200);
    const response = await fetch(`${app.url}/api/audit/checkpoint`, { headers: bearer(key) });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const checkpoint = (await response.json()) as AuditCheckpoint;
    expect(checkpoint.sequence).toBeGreaterThan(0);
    expect(checkpointSignatureHolds(checkpoint, signer())).toBe(true);
    // The GraphQL field hands out the same head.
    const viaGraphql = (await graphql('{ auditCheckpoint { sequence hash keyId } }')).body.data!.auditCheckpoint;
    expect(viaGraphql).toEqual({ sequence: checkpoint.sequence, hash: checkpoint.hash, keyId: checkpoint.keyId });

    const clinician = (await createKeyThroughApi('clinician')) as string;
    const forbidden = await fetch(`${app.url}/api/audit/checkpoint`, { headers: bearer(clinician) });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const anonymous = await fetch(`${app.url}/api/audit/checkpoint`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  async function createKeyThroughApi(role: string): Promise<unknown> {
    const reply = await graphql(
      `mutation { createApiKey(input: { name: "${role} for the checkpoint test", role: ${role} }) { key } }`,
    );
    return (reply.body.data!.createApiKey as { key: string }).key;
  }
});
