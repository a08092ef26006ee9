import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@/db/database';
import { migrate } from '@/db/migrations';
import { bearer, createKey, firstAdminKeyIn } from '../../support/api-keys';
import { buildApp, startApp, type RunningApp } from '../../support/next-server';
import { readmeBlocks } from '../../support/readme';
import { HEART_FAILURE_ROW } from '../../support/requests';
import { createPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

interface GraphQLReply {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions: { code: string; fields?: { name: string; message: string }[] } }[];
  };
}

/** The key every request of a suite sends unless told otherwise (set in its beforeAll). */
let key = '';

async function graphql(
  app: RunningApp,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = bearer(key),
): Promise<GraphQLReply & { headers: Headers }> {
  const response = await fetch(`${app.url}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * The first-start banner is printed while the server comes up; its output may trail /api/health's answer by a moment.
 */
async function firstAdminKeyOf(app: RunningApp): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!/crc_\w/.test(app.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return firstAdminKeyIn(app.output());
}

const PREDICT = `mutation Predict($input: PredictInput!) {
  predict(input: $input) { id probability positive riskBand baseValue contributions { name value contribution } patientRef }
}`;
const COUNT = `query { predictions { totalCount } }`;
const HEART = HEART_FAILURE_ROW;

/** Runs `file` with `args` and CRC_KEY set, as a reader would run the README's example; resolves with its output. */
function runExample(
  file: string,
  args: string[],
  crcKey: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      file,
      args,
      { env: { ...process.env, NODE_OPTIONS: '', CRC_KEY: crcKey }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The README's example of `language` that posts to /api/graphql, pointed at `url` instead of http://localhost:3000. */
function readmeExample(language: 'sh' | 'ts', url: string): string {
  const found = readmeBlocks(language).filter((block) => block.includes('http://localhost:3000/api/graphql'));
  expect(found).toHaveLength(1);
  return found[0].replaceAll('http://localhost:3000', url);
}

/** A fresh Postgres database for one run, migrated as `npm run db:migrate` would. */
async function freshPostgres(): Promise<PostgresTestDatabase> {
  const fresh = await createPostgresDatabase('crc_http');
  const db = await openDatabase({ databaseUrl: fresh.url });
  await migrate(db);
  await db.close();
  return fresh;
}

beforeAll(() => buildApp(), 300_000);

describe.each([
  ['the embedded database (PGlite)', 'pglite'],
  ['Postgres (DATABASE_URL)', 'postgres'],
])('the API over HTTP on %s', (_label, kind) => {
  let app: RunningApp;
  let postgres: Awaited<ReturnType<typeof freshPostgres>> | undefined;
  let auditorKey: string;

  beforeAll(async () => {
    if (kind === 'postgres') {
      postgres = await freshPostgres();
      key = (await createKey({ databaseUrl: postgres.url }, 'clinician')).key;
      auditorKey = (await createKey({ databaseUrl: postgres.url }, 'auditor')).key;
      app = await startApp({ DATABASE_URL: postgres.url });
    } else {
      // The quick start: an empty embedded database, whose first start makes and prints an admin key.
      app = await startApp({ DATA_DIR: join(mkdtempSync(join(tmpdir(), 'crc-http-')), 'pglite') });
      key = await firstAdminKeyOf(app);
      const made = await graphql(app, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', {
        input: { name: 'audit office', role: 'auditor' },
      });
      auditorKey = (made.body.data!.createApiKey as { key: string }).key;
    }
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await postgres?.drop();
  });

  it('reports health 200 with the models loaded and the database answering', async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      models: { ok: true, loaded: ['diabetes', 'heart-failure', 'icu-mortality', 'sepsis'] },
      database: { ok: true, kind },
    });
  });

  it('predicts, explains in log-odds and stores the record, readable by id', async () => {
    const reply = await graphql(app, PREDICT, {
      input: { modelId: 'heart-failure', features: HEART, patientRef: 'MRN-7' },
    });
    expect(reply.status).toBe(200);
    const prediction = reply.body.data!.predict as {
      id: string;
      probability: number;
      baseValue: number;
      contributions: { contribution: number }[];
    };
    const margin = prediction.baseValue + prediction.contributions.reduce((s, c) => s + c.contribution, 0);
    expect(margin).toBeCloseTo(Math.log(prediction.probability / (1 - prediction.probability)), 5);
    const read = await graphql(app, 'query($id: ID!) { prediction(id: $id) { id patientRef model { id } } }', {
      id: prediction.id,
    });
    expect(read.body.data!.prediction).toEqual({
      id: prediction.id,
      patientRef: 'MRN-7',
      model: { id: 'heart-failure' },
    });
  });

  it('counts requests by outcome and stored predictions by model and band at /api/metrics', async () => {
    const scrape = () => fetch(`${app.url}/api/metrics`, { headers: bearer(auditorKey) });
    const metric = async (line: RegExp) => Number(line.exec(await (await scrape()).text())?.[1] ?? 0);
    const predictions = /crc_predictions_total\{model="heart-failure",risk_band="HIGH"\} (\d+)/;
    const ok = /crc_graphql_requests_total\{operation="Predict",outcome="OK"\} (\d+)/;
    const bad = /crc_graphql_requests_total\{operation="Predict",outcome="BAD_USER_INPUT"\} (\d+)/;
    const before = { predictions: await metric(predictions), ok: await metric(ok), bad: await metric(bad) };
    // Age 95, ejection fraction 15: HIGH whatever the creatinine.
    await graphql(app, PREDICT, {
      input: {
        modelId: 'heart-failure',
        features: [
          { name: 'age', value: 95 },
          { name: 'ejection_fraction', value: 15 },
          { name: 'serum_creatinine', value: 3 },
        ],
      },
    });
    await graphql(app, PREDICT, { input: { modelId: 'heart-failure', features: [{ name: 'age', value: 500 }] } });
    const response = await scrape();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(
      /crc_graphql_request_duration_seconds_bucket\{le="0.1",operation="Predict",outcome="OK"\} \d+/,
    );
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    await expect(metric(predictions)).resolves.toBe(before.predictions + 1);
    await expect(metric(ok)).resolves.toBe(before.ok + 1);
    await expect(metric(bad)).resolves.toBe(before.bad + 1);
  });

  it('answers bad input with BAD_USER_INPUT naming each field and its range, and stores nothing', async () => {
    const before = (await graphql(app, COUNT)).body.data!.predictions as { totalCount: number };
    const reply = await graphql(app, PREDICT, {
      input: {
        modelId: 'heart-failure',
        features: [...HEART.slice(0, 2), { name: 'serum_creatinine', value: 40 }, { name: 'time', value: 30 }],
      },
    });
    expect(reply.body.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [
        { name: 'serum_creatinine', message: '40 is outside the allowed range 0.2 to 15 mg/dL' },
        { name: 'time', message: expect.stringMatching(/^unknown feature; allowed: /) },
      ],
    });
    const after = (await graphql(app, COUNT)).body.data!.predictions as { totalCount: number };
    expect(after.totalCount).toBe(before.totalCount);
  });

  it('names an unknown model', async () => {
    const reply = await graphql(app, PREDICT, { input: { modelId: 'nope', features: HEART } });
    expect(reply.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ name: 'modelId' }] });
  });

  it('refuses broken JSON (400), another content type (415) and an oversized body (413), each with a code', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${app.url}/api/graphql`, { method: 'POST', headers: { 'content-type': type }, body });
    const broken = await post('{"query": ');
    expect(broken.status).toBe(400);
    expect((await broken.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    const text = await post('{ models { id } }', 'text/plain');
    expect(text.status).toBe(415);
    expect((await text.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const huge = await post(
      JSON.stringify({ query: '{ models { id } }', variables: { pad: 'x'.repeat(5 * 1024 * 1024) } }),
    );
    expect(huge.status).toBe(413);
    expect((await huge.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves /api/metrics to auditor and admin keys only', async () => {
    const anonymous = await fetch(`${app.url}/api/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toMatch(/^UNAUTHENTICATED: /);
    expect((await fetch(`${app.url}/api/metrics`, { headers: bearer(`crc_${'C'.repeat(43)}`) })).status).toBe(401);
    if (kind === 'postgres') {
      // There the suite's own key is a clinician's: metrics count every key's predictions.
      const clinician = await fetch(`${app.url}/api/metrics`, { headers: bearer(key) });
      expect(clinician.status).toBe(403);
      expect(await clinician.text()).toMatch(/^FORBIDDEN: the clinician role may not/);
    }
  });

  it('refuses predict without a key: 401, a Bearer challenge, UNAUTHENTICATED, nothing stored', async () => {
    const before = (await graphql(app, COUNT)).body.data!.predictions as { totalCount: number };
    const reply = await graphql(app, PREDICT, { input: { modelId: 'heart-failure', features: HEART } }, {});
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(reply.body.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(reply.body.errors?.[0].message).toMatch(/Authorization: Bearer <key>/);
    expect(((await graphql(app, COUNT)).body.data!.predictions as { totalCount: number }).totalCount).toBe(
      before.totalCount,
    );
  });

  it('serves model metadata without a key, and refuses a forged key even there', async () => {
    const open = await graphql(app, '{ models { id } }', {}, {});
    expect(open.status).toBe(200);
    expect(open.body.data!.models).toHaveLength(4);
    const forged = await graphql(app, '{ models { id } }', {}, bearer(`crc_${'A'.repeat(43)}`));
    expect(forged.status).toBe(401);
    expect(forged.body.errors?.[0]).toMatchObject({
      message: 'Unauthenticated: the API key is not valid: unknown or revoked',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(forged.body.data).toBeUndefined();
  });

  it('refuses predict to an auditor key with 403 FORBIDDEN, and lets it read the records', async () => {
    const reply = await graphql(
      app,
      PREDICT,
      { input: { modelId: 'heart-failure', features: HEART } },
      bearer(auditorKey),
    );
    expect(reply.status).toBe(403);
    expect(reply.body.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const read = await graphql(app, COUNT, {}, bearer(auditorKey));
    expect(read.status).toBe(200);
    expect((read.body.data!.predictions as { totalCount: number }).totalCount).toBeGreaterThan(0);
  });

  it("answers the README's curl example (run by bash with CRC_KEY set) with a stored, explained prediction", async () => {
    const block = readmeExample('sh', app.url);
    const lines = block.split('\n');
    expect(lines[0]).toMatch(/^export CRC_KEY=/);
    const { code, stdout, stderr } = await runExample('bash', ['-c', lines.slice(1).join('\n')], key);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as GraphQLReply['body'];
    expect(body.errors).toBeUndefined();
    const predict = body.data!.predict as { id: string; riskBand: string; contributions: { name: string }[] };
    expect(predict.riskBand).toMatch(/^(LOW|MODERATE|HIGH)$/);
    expect(predict.contributions.map((c) => c.name).sort()).toEqual(['age', 'ejection_fraction', 'serum_creatinine']);
    const read = await graphql(app, 'query($id: ID!) { prediction(id: $id) { patientRef } }', { id: predict.id });
    expect(read.body.data!.prediction).toEqual({ patientRef: 'MRN-7' });
  });

  it("answers the README's fetch example (run by tsx with CRC_KEY set) with a page of records", async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'crc-readme-')), 'example.mts');
    writeFileSync(file, `${readmeExample('ts', app.url)}\nconsole.log(JSON.stringify({ data, errors }));\n`);
    const { code, stdout, stderr } = await runExample(process.execPath, ['--import', 'tsx', file], key);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { data, errors } = JSON.parse(stdout) as GraphQLReply['body'];
    expect(errors).toBeUndefined();
    expect(data!.predictions).toMatchObject({
      totalCount: expect.any(Number),
      pageInfo: { hasNextPage: expect.any(Boolean) },
      edges: expect.any(Array),
    });
  });

  it('keeps introspection on', async () => {
    const reply = await graphql(app, '{ __schema { queryType { name } } }');
    expect(reply.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('serves the site icon at /favicon.ico, which browsers ask for whatever a page links (a 404 before)', async () => {
    const reply = await fetch(`${app.url}/favicon.ico`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('image/x-icon');
    // An ICO file: reserved 0, type 1 (icon), at least one image.
    const header = new DataView(await reply.arrayBuffer());
    expect([header.getUint16(0, true), header.getUint16(2, true), header.getUint16(4, true) > 0]).toEqual([0, 1, true]);
  });
});

describe('the API over HTTP with the database unreachable', () => {
  let app: RunningApp;
  beforeAll(async () => {
    // Port 1 on loopback refuses at once: a database server that is down.
    app = await startApp({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none' });
  }, 120_000);
  afterAll(() => app?.stop());

  it('reports health 503 saying the database, not the models, is the problem', async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.status).toBe('unavailable');
    expect(body.models.ok).toBe(true);
    expect(body.database.ok).toBe(false);
  });

  it('answers predict with SERVICE_UNAVAILABLE (503) within 2 seconds: the key cannot even be checked', async () => {
    const started = Date.now();
    const reply = await graphql(
      app,
      PREDICT,
      { input: { modelId: 'heart-failure', features: HEART } },
      bearer(`crc_${'B'.repeat(43)}`),
    );
    expect(reply.status).toBe(503);
    expect(reply.body.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('a second server on the same embedded directory', () => {
  let first: RunningApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'crc-http-twice-')), 'pglite');
    first = await startApp({ DATA_DIR: dataDir });
  }, 120_000);
  afterAll(() => first?.stop());

  it('stops at start with an error naming the directory and the process holding it, and the first one keeps serving', async () => {
    await expect(startApp({ DATA_DIR: dataDir })).rejects.toThrow(
      new RegExp(
        `\\[EMBEDDED_DATABASE_IN_USE\\].*the embedded database in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another process \\(pid \\d+\\)`,
      ),
    );
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
  });
});
