/**
 * The process's own server (src/server/http-server.ts, as `npm start` runs it): GraphQL and its subscriptions are
 * answered on node:http with the same keys, limits, refusals, logs and metrics as through Next.js's routes, every other
 * path by Next.js, and SIGTERM stops it gracefully, its subscriptions' streams included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { prismaSessionStore, SESSION_COOKIE } from '@/access/sessions';
import { openDatabase } from '@/db/database';
import { encodeEvent, LIVE_EVENTS_CHANNEL, type LiveEvent } from '@/monitoring/live-events';
import { MAX_BODY_BYTES } from '@/graphql/request-body';
import { bearer, createKey } from '../../support/api-keys';
import { buildApp, startApp, type RunningApp } from '../../support/next-server';
import { HEART_FAILURE_ROW } from '../../support/requests';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

const PREDICT = `mutation Predict($input: PredictInput!) { predict(input: $input) { id riskBand } }`;
const WARD_UPDATED = readFileSync(join('graphql', 'operations', 'WardUpdated.graphql'), 'utf8');

let database: PostgresTestDatabase;
let app: RunningApp;
let clinician: string;
let auditor: string;
/** A dashboard session of the clinician's key, as signing in starts one. */
let session: string;

beforeAll(async () => {
  await buildApp();
  database = await createMigratedPostgresDatabase('crc_server');
  let clinicianId: string;
  ({ key: clinician, id: clinicianId } = await createKey({ databaseUrl: database.url }, 'clinician'));
  const db = await openDatabase({ databaseUrl: database.url });
  ({ token: session } = await prismaSessionStore(db.prisma).start(clinicianId));
  await db.close();
  auditor = (await createKey({ databaseUrl: database.url }, 'auditor')).key;
  app = await startApp({ DATABASE_URL: database.url });
}, 300_000);

afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

async function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

const codeOf = async (response: Response) =>
  ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code;

describe('GraphQL on the process’s own server', () => {
  it('predicts over POST with a clinician key, and logs the request with the id the caller sent', async () => {
    const response = await post(
      JSON.stringify({
        query: PREDICT,
        variables: { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } },
      }),
      {
        ...bearer(clinician),
        'x-request-id': 'server-test-predict-1',
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    // A prediction is patient data: no cache on the way may keep it.
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { data } = (await response.json()) as { data: { predict: { id: string; riskBand: string } } };
    expect(data.predict.riskBand).toMatch(/^(LOW|MODERATE|HIGH)$/);
    const deadline = Date.now() + 5_000;
    while (!app.output().includes('server-test-predict-1') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const line = app
      .output()
      .split('\n')
      .find((l) => l.includes('server-test-predict-1') && l.includes('graphql request'));
    expect(JSON.parse(line!)).toMatchObject({
      operation: 'Predict',
      model: 'heart-failure',
      outcome: 'OK',
      status: 200,
    });
  });

  it('answers GET with a query (given the preflight header Apollo asks of GETs), and refuses a GET mutation', async () => {
    const get = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/api/graphql?query=${encodeURIComponent(query)}`, { headers });
    const read = await get('{ models { id } }', { 'apollo-require-preflight': 'true' });
    expect(read.status).toBe(200);
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(((await read.json()) as { data: { models: unknown[] } }).data.models).toHaveLength(4);
    // Apollo's CSRF prevention: a GET a browser could send from another site, without the header, runs nothing.
    const simple = await get('{ models { id } }');
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/Cross-Site Request Forgery/);
    const mutation = await get(`mutation { predict(input: { modelId: "heart-failure", features: [] }) { id } }`, {
      'apollo-require-preflight': 'true',
    });
    expect(mutation.status).toBe(405);
  });

  it('refuses predict without a key (401 UNAUTHENTICATED, a Bearer challenge) and with an unknown key', async () => {
    const body = JSON.stringify({
      query: PREDICT,
      variables: { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } },
    });
    const missing = await post(body);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await codeOf(missing)).toBe('UNAUTHENTICATED');
    const unknown = await post(body, bearer(`crc_${'Q'.repeat(43)}`));
    expect(unknown.status).toBe(401);
    expect(await codeOf(unknown)).toBe('UNAUTHENTICATED');
  });

  it('refuses an oversized body with 413 PAYLOAD_TOO_LARGE, whether its length is declared or only streamed', async () => {
    const huge = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(MAX_BODY_BYTES) } });
    const declared = await post(huge);
    expect(declared.status).toBe(413);
    expect(await codeOf(declared)).toBe('PAYLOAD_TOO_LARGE');
    // Chunked, no content-length: refused once the bytes read pass the limit.
    const bytes = new TextEncoder().encode(huge);
    const streamed = await fetch(`${app.url}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await codeOf(streamed)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses another content type (415) and broken JSON (400), each with a code', async () => {
    const text = await post('{ __typename }', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await codeOf(text)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const broken = await post('{"query": ');
    expect(broken.status).toBe(400);
    expect(await codeOf(broken)).toBe('BAD_REQUEST');
  });

  it('enforces the operation limits (a batch of operations, too many aliases)', async () => {
    const batch = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(batch.status).toBe(400);
    const aliases = await post(
      JSON.stringify({ query: `{ ${Array.from({ length: 20 }, (_, i) => `m${i}: models { id }`).join(' ')} }` }),
    );
    expect(aliases.status).toBe(400);
    expect(await codeOf(aliases)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('counts its requests in the metrics Next.js serves at /api/metrics (one registry per process)', async () => {
    const scrape = async () =>
      (await (await fetch(`${app.url}/api/metrics`, { headers: bearer(auditor) })).text()).match(
        /crc_graphql_requests_total\{operation="ServerMetricsProbe",outcome="OK"\} (\d+)/,
      )?.[1];
    expect(await scrape()).toBeUndefined();
    expect((await post(JSON.stringify({ query: 'query ServerMetricsProbe { __typename }' }))).status).toBe(200);
    expect(await scrape()).toBe('1');
  });
});

describe('GraphQL subscriptions on the process’s own server', () => {
  /** Subscribes to wardUpdated of `unit` with `headers`, commits a ward event until it arrives, returns its data. */
  async function firstWardEvent(unit: string, headers: Record<string, string>): Promise<unknown> {
    const params = new URLSearchParams({ query: WARD_UPDATED, variables: JSON.stringify({ unit }) });
    const aborted = new AbortController();
    const response = await fetch(`${app.url}/api/graphql/stream?${params}`, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: aborted.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const event: LiveEvent = { type: 'ward', unit, stayRef: 'stay-9', hour: 3, reason: 'assessed' };
    // The NOTIFY is sent until the event arrives: the subscription's LISTEN may start a moment after the stream opens.
    let text = '';
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const notify = setInterval(
      // One may still be in flight when the client ends below: its failure is of no interest.
      () =>
        void client.query('SELECT pg_notify($1, $2)', [LIVE_EVENTS_CHANNEL, encodeEvent(event)]).catch(() => undefined),
      250,
    );
    try {
      const deadline = Date.now() + 10_000;
      while (!/event: next\ndata: .*\n/.test(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } finally {
      clearInterval(notify);
      aborted.abort();
      await client.end();
    }
    const data = /event: next\ndata: (.*)\n/.exec(text);
    if (!data) throw new Error(`no next event in: ${text}`);
    return JSON.parse(data[1]);
  }

  it('streams a committed ward event to a subscriber signed in with its key', async () => {
    await expect(firstWardEvent('server-icu', bearer(clinician))).resolves.toEqual({
      data: { wardUpdated: { unit: 'server-icu', stayRef: 'stay-9', hour: 3, reason: 'assessed' } },
    });
  });

  it('streams to the dashboard session cookie alone, as the ward board’s EventSource sends it', async () => {
    await expect(firstWardEvent('server-hdu', { cookie: `${SESSION_COOKIE}=${session}` })).resolves.toEqual({
      data: { wardUpdated: { unit: 'server-hdu', stayRef: 'stay-9', hour: 3, reason: 'assessed' } },
    });
  });

  it('refuses a subscription without a key', async () => {
    const params = new URLSearchParams({ query: WARD_UPDATED, variables: JSON.stringify({ unit: 'icu' }) });
    const response = await fetch(`${app.url}/api/graphql/stream?${params}`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(await response.text()).toMatch(/"code":"UNAUTHENTICATED"/);
  });
});

describe('everything else, through Next.js', () => {
  it('renders a dashboard page', async () => {
    const response = await fetch(`${app.url}/sign-in`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/<form[\s>]/);
  });

  it('answers an unknown path with Next’s 404 page', async () => {
    const response = await fetch(`${app.url}/no/such/page`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers other methods on /api/graphql as the route does (405)', async () => {
    const response = await fetch(`${app.url}/api/graphql`, { method: 'PUT' });
    expect(response.status).toBe(405);
  });

  it('serves /api/health', async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: { ok: true, kind: 'postgres' } });
  });
});

describe('shutdown', () => {
  it('on SIGTERM ends open subscription streams, stops listening and exits', async () => {
    const second = await startApp({ DATABASE_URL: database.url });
    const params = new URLSearchParams({ query: WARD_UPDATED, variables: JSON.stringify({ unit: 'icu' }) });
    const response = await fetch(`${second.url}/api/graphql/stream?${params}`, {
      headers: { accept: 'text/event-stream', ...bearer(clinician) },
    });
    expect(response.status).toBe(200);
    const streamEnded = response.text().then(
      () => 'ended',
      () => 'dropped',
    );
    const started = Date.now();
    await second.stop();
    // Well inside the grace for requests in hand: the stream is ended, not waited for.
    expect(Date.now() - started).toBeLessThan(8_000);
    await expect(streamEnded).resolves.toBe('ended');
    expect(() => process.kill(second.pid, 0)).toThrow();
    await expect(fetch(`${second.url}/api/health`)).rejects.toThrow();
    expect(second.output()).toMatch(/SIGTERM: stopping/);
  }, 120_000);
});
