/**
 * A Postgres outage under load: the test's own cluster is stopped for 10 s while clients keep
 * predicting over HTTP. During the outage every request is answered within 2 s with
 * SERVICE_UNAVAILABLE; the app recovers by itself within 5 s of the database's return; every
 * prediction acknowledged with an id is in the database afterwards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { verifyAuditChain } from '@/audit/audit-log';
import { openDatabase } from '@/db/database';
import { buildApp, startApp, type RunningApp } from '../../support/next-server';
import { createKey } from '../../support/api-keys';
import { startOwnPostgres, type OwnPostgres } from '../../support/own-postgres';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

const OUTAGE_MS = 10_000;
const LOAD_BEFORE_MS = 2_000;
const LOAD_AFTER_MS = 2_000;
const CONCURRENCY = 8;
/** The budget for any answer while the database is down. */
const OUTAGE_ANSWER_MS = 2_000;
/** The budget from the database accepting connections again to a stored prediction. */
const RECOVERY_MS = 5_000;
/** A request not answered in this long counts as hung (and fails the test). */
const HANG_MS = 15_000;

/** The documented client operation, as clients send it. */
const PREDICT = readFileSync(join('graphql', 'operations', 'Predict.graphql'), 'utf8');
const INPUT = {
  modelId: 'heart-failure',
  features: [
    { name: 'age', value: 70 },
    { name: 'ejection_fraction', value: 25 },
    { name: 'serum_creatinine', value: 1.8 },
  ],
  patientRef: 'MRN-1',
};

/** A clinician's API key, made in the database before the app starts. */
let apiKey: string | undefined;

/** Extra headers every request carries: the credentials the API asks for. */
function authHeaders(): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

interface Outcome {
  startedAt: number;
  endedAt: number;
  status: number | 'hung' | 'network-error';
  /** extensions.code of each error in the body; empty for a success. */
  codes: string[];
  /** data.predict.id of a 200 answer. */
  id?: string;
}

async function predict(app: RunningApp): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`${app.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders() },
      body: JSON.stringify({ query: PREDICT, variables: { input: INPUT } }),
      signal: AbortSignal.timeout(HANG_MS),
    });
    const text = await response.text();
    let body: { data?: { predict?: { id?: string } } | null; errors?: { extensions?: { code?: string } }[] } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page, say): no codes, which the assertions report.
    }
    return {
      startedAt,
      endedAt: Date.now(),
      status: response.status,
      codes: (body.errors ?? []).map((e) => e.extensions?.code ?? '(no code)'),
      id: response.status === 200 ? body.data?.predict?.id : undefined,
    };
  } catch (error) {
    const hung = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { startedAt, endedAt: Date.now(), status: hung ? 'hung' : 'network-error', codes: [] };
  }
}

async function health(
  app: RunningApp,
): Promise<{ status: number; body: { status: string; database: { ok: boolean; error?: string } }; ms: number }> {
  const startedAt = Date.now();
  const response = await fetch(`${app.url}/api/health`, {
    headers: authHeaders(),
    signal: AbortSignal.timeout(HANG_MS),
  });
  return { status: response.status, body: await response.json(), ms: Date.now() - startedAt };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: OwnPostgres;
let database: PostgresTestDatabase;
let app: RunningApp;

beforeAll(async () => {
  await buildApp();
  server = await startOwnPostgres();
  database = await createMigratedPostgresDatabase('crc_outage', server.url);
  apiKey = (await createKey({ databaseUrl: database.url }, 'clinician')).key;
  app = await startApp({ DATABASE_URL: database.url });
}, 300_000);

afterAll(async () => {
  await app?.stop();
  await server?.destroy();
});

it('answers SERVICE_UNAVAILABLE within 2 s while Postgres is down, recovers by itself within 5 s, and loses no acknowledged prediction', async () => {
  // Warm up (first request loads the models and opens the pool), so the load measures steady state.
  expect((await predict(app)).status).toBe(200);

  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: CONCURRENCY }, async () => {
    while (running) outcomes.push(await predict(app));
  });

  await sleep(LOAD_BEFORE_MS);
  const outageStartedAt = Date.now();
  await server.stop();
  const stoppedAt = Date.now();
  await sleep(OUTAGE_MS / 2);
  const healthDuring = await health(app);
  await sleep(OUTAGE_MS - (Date.now() - stoppedAt));
  await server.start();
  // pg_ctl start -w returns once the server accepts connections.
  const backAt = Date.now();

  // Load goes on until a prediction is stored after the return, then a little longer.
  const recoveryDeadline = backAt + RECOVERY_MS + HANG_MS;
  while (!outcomes.some((o) => o.startedAt >= backAt && o.id) && Date.now() < recoveryDeadline) await sleep(20);
  await sleep(LOAD_AFTER_MS);
  running = false;
  await Promise.all(loops);
  const healthAfter = await health(app);

  const before = outcomes.filter((o) => o.startedAt < outageStartedAt);
  const during = outcomes.filter((o) => o.startedAt >= outageStartedAt && o.startedAt < backAt);
  const after = outcomes.filter((o) => o.startedAt >= backAt);
  const failed = outcomes.filter((o) => o.status !== 200 || o.codes.length > 0);
  const firstStoredAfter = after.filter((o) => o.id).sort((a, b) => a.endedAt - b.endedAt)[0];
  const recoveryMs = firstStoredAfter ? firstStoredAfter.endedAt - backAt : Infinity;
  const maxDuringMs = Math.max(...during.map((o) => o.endedAt - o.startedAt));
  const acknowledged = outcomes.flatMap((o) => (o.id ? [o.id] : []));

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let stored: Set<string>;
  try {
    const rows = await client.query<{ id: string }>(
      'SELECT id::text AS id FROM prediction WHERE id = ANY($1::uuid[])',
      [acknowledged],
    );
    stored = new Set(rows.rows.map((r) => r.id));
  } finally {
    await client.end();
  }
  const missing = acknowledged.filter((id) => !stored.has(id));

  const codes = new Map<string, number>();
  for (const o of failed) {
    const key = `${o.status} ${o.codes.join(',') || '(no code)'}`;
    codes.set(key, (codes.get(key) ?? 0) + 1);
  }
  console.log(
    `database outage: requests before=${before.length} during=${during.length} after=${after.length}; ` +
      `outage ${backAt - stoppedAt} ms (stop took ${stoppedAt - outageStartedAt} ms); ` +
      `max latency during outage ${maxDuringMs} ms; failures ${JSON.stringify(Object.fromEntries(codes))}; ` +
      `recovery ${recoveryMs} ms after the database accepted connections; ` +
      `acknowledged ${acknowledged.length}, missing ${missing.length}; ` +
      `health during ${healthDuring.status} (${healthDuring.ms} ms), after ${healthAfter.status}`,
  );

  // Load really ran on both sides of the outage and during it.
  expect(before.filter((o) => o.id).length).toBeGreaterThan(0);
  expect(during.length).toBeGreaterThan(0);
  // (a) Fast, coded answers while the database is down; nothing hangs, nothing else goes wrong.
  expect(during.filter((o) => o.endedAt - o.startedAt > OUTAGE_ANSWER_MS)).toEqual([]);
  expect(outcomes.filter((o) => typeof o.status !== 'number')).toEqual([]);
  expect(
    failed.filter((o) => o.status !== 503 || o.codes.length === 0 || o.codes.some((c) => c !== 'SERVICE_UNAVAILABLE')),
  ).toEqual([]);
  expect(during.filter((o) => o.status === 503).length).toBeGreaterThan(0);
  // (b) Recovery without restarting the app.
  expect(recoveryMs).toBeLessThanOrEqual(RECOVERY_MS);
  // (c) Every acknowledged prediction was stored.
  expect(missing).toEqual([]);
  // (d) Health follows the database.
  expect(healthDuring.status).toBe(503);
  expect(healthDuring.body).toMatchObject({ status: 'unavailable', database: { ok: false } });
  expect(healthDuring.ms).toBeLessThanOrEqual(OUTAGE_ANSWER_MS);
  expect(healthAfter.status).toBe(200);
  expect(healthAfter.body).toMatchObject({ status: 'ok', database: { ok: true, kind: 'postgres' } });

  // The chain did not fork or break across the outage (transactions cut by it rolled back whole).
  const db = await openDatabase({ databaseUrl: database.url });
  try {
    const report = await verifyAuditChain(db.prisma);
    expect(report.breaks).toEqual([]);
    expect(report.checked).toBeGreaterThanOrEqual(acknowledged.length);
  } finally {
    await db.close();
  }
}, 120_000);
