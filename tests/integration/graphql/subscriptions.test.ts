/**
 * Live events end to end: two app processes on one Postgres database each deliver every committed NOTIFY to their
 * own SSE subscribers. The processes are node children serving the real route module
 * (src/app/api/graphql/stream/route.ts) behind node:http through tsx (tests/support/sse-route-server.ts): two
 * `next start` after a `next build` would cost well over 30 s on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type Client, type ExecutionResult } from 'graphql-sse';
import pg from 'pg';
import { prismaSessionStore, SESSION_COOKIE } from '@/access/sessions';
import { openDatabase } from '@/db/database';
import { encodeEvent, LIVE_EVENTS_CHANNEL, type LiveEvent } from '@/monitoring/live-events';
import { bearer, createKey } from '../../support/api-keys';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

interface AppProcess {
  url: string;
  stop(): Promise<void>;
}

async function startApp(databaseUrl: string): Promise<AppProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'tests/support/sse-route-server.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`the app exited (${code}):\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/api/graphql/stream`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// The documented operations, as a client would send them.
const WARD_UPDATED = readFileSync(join('graphql', 'operations', 'WardUpdated.graphql'), 'utf8');
const ALERT_RAISED = readFileSync(join('graphql', 'operations', 'AlertRaised.graphql'), 'utf8');

/** A subscription's results as they come, and a promise that it is connected. */
function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: ExecutionResult[] = [];
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const iterator = client.iterate({ query, variables }, { connected: () => connected() });
  const done = (async () => {
    for await (const result of iterator) results.push(result as ExecutionResult);
  })();
  return {
    results,
    ready,
    done,
    async until(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count) {
        if (Date.now() > deadline) throw new Error(`${results.length} of ${count} results: ${JSON.stringify(results)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => iterator.return?.(),
  };
}

describe('GraphQL subscriptions over SSE, two app processes on one Postgres', () => {
  let database: PostgresTestDatabase;
  let apps: AppProcess[] = [];
  let key: string;
  let session: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    database = await createMigratedPostgresDatabase('crc_sse');
    let id: string;
    ({ key, id } = await createKey({ databaseUrl: database.url }, 'clinician'));
    // A dashboard session of that key, as signing in starts one: the ward board's browser holds only its cookie.
    const db = await openDatabase({ databaseUrl: database.url });
    ({ token: session } = await prismaSessionStore(db.prisma).start(id));
    await db.close();
    apps = await Promise.all([startApp(database.url), startApp(database.url)]);
  });

  afterAll(async () => {
    for (const client of clients) client.dispose();
    await Promise.all(apps.map((app) => app.stop()));
    await database?.drop();
  });

  function clientOf(app: AppProcess, headers: Record<string, string> = bearer(key)): Client {
    const client = createClient({ url: app.url, headers, fetchFn: fetch, retryAttempts: 0 });
    clients.push(client);
    return client;
  }

  /** NOTIFYs from a third connection, in one committed transaction, as the monitor does. */
  async function commitEvents(events: LiveEvent[]): Promise<void> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      for (const event of events)
        await client.query('SELECT pg_notify($1, $2)', [LIVE_EVENTS_CHANNEL, encodeEvent(event)]);
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  }

  it('delivers every committed ward event of the unit to subscribers on both processes', async () => {
    const subscriptions = apps.map((app) => subscribe(clientOf(app), WARD_UPDATED, { unit: 'icu' }));
    await Promise.all(subscriptions.map((s) => s.ready));
    const events: LiveEvent[] = [
      { type: 'ward', unit: 'icu', stayRef: 'stay-1', hour: null, reason: 'admitted' },
      { type: 'ward', unit: 'hdu', stayRef: 'stay-2', hour: 1, reason: 'observations' },
      { type: 'ward', unit: 'icu', stayRef: 'stay-1', hour: 2, reason: 'assessed' },
    ];
    await commitEvents(events);
    const expected = [events[0], events[2]].map(({ unit, stayRef, hour, reason }) => ({
      data: { wardUpdated: { unit, stayRef, hour, reason } },
    }));
    for (const s of subscriptions) {
      await s.until(2);
      expect(s.results).toEqual(expected);
      await s.stop();
    }
  });

  it('delivers open alerts only to alertRaised', async () => {
    const s = subscribe(clientOf(apps[1]), ALERT_RAISED);
    await s.ready;
    const alert = {
      type: 'alert',
      unit: 'icu',
      stayRef: 'stay-1',
      alertId: 'alert-1',
      kind: 'sepsis',
      hour: 7,
      reason: 'sepsis risk 0.41 ≥ 0.3',
    } as const;
    await commitEvents([
      { ...alert, state: 'acknowledged' },
      { ...alert, state: 'open', alertId: 'alert-2' },
    ]);
    await s.until(1);
    await new Promise((r) => setTimeout(r, 200));
    const { unit, stayRef, kind, hour, reason } = alert;
    expect(s.results).toEqual([
      { data: { alertRaised: { unit, stayRef, alertId: 'alert-2', kind, state: 'open', hour, reason } } },
    ]);
    await s.stop();
  });

  it('refuses a subscription without a key (UNAUTHENTICATED) or with an unknown key', async () => {
    for (const headers of [{}, bearer('crc_' + 'x'.repeat(43))]) {
      const s = subscribe(clientOf(apps[0], headers), WARD_UPDATED);
      await s.done;
      expect(s.results).toHaveLength(1);
      expect(s.results[0].data ?? null).toBeNull();
      expect(s.results[0].errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  /** The ward board's EventSource: GET with the operation in the address, the session cookie, no Authorization. */
  async function eventSource(app: AppProcess, cookie: string) {
    const params = new URLSearchParams({ query: WARD_UPDATED, variables: JSON.stringify({ unit: 'ward-7' }) });
    const aborted = new AbortController();
    const response = await fetch(`${app.url}?${params}`, {
      headers: { accept: 'text/event-stream', cookie },
      signal: aborted.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    return {
      response,
      /** The data of the first `next` event (waiting for it), parsed. */
      async firstNext(): Promise<unknown> {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const match = /event: next\ndata: (.*)\n/.exec(text);
          if (match) return JSON.parse(match[1]);
          if (Date.now() > deadline) throw new Error(`no next event in: ${text}`);
          const { value, done } = await reader.read();
          if (done) throw new Error(`the stream ended: ${text}`);
          text += new TextDecoder().decode(value);
        }
      },
      close: () => aborted.abort(),
    };
  }

  it("delivers to a browser's EventSource signed in with the dashboard session cookie, and refuses an unknown one", async () => {
    const browser = await eventSource(apps[1], `theme=dark; ${SESSION_COOKIE}=${session}`);
    expect(browser.response.status).toBe(200);
    expect(browser.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    // The response is open once the subscription is: an event committed now reaches it.
    await new Promise((r) => setTimeout(r, 200));
    await commitEvents([{ type: 'ward', unit: 'ward-7', stayRef: 'stay-9', hour: 3, reason: 'assessed' }]);
    expect(await browser.firstNext()).toEqual({
      data: { wardUpdated: { unit: 'ward-7', stayRef: 'stay-9', hour: 3, reason: 'assessed' } },
    });
    browser.close();

    const stranger = await eventSource(apps[1], `${SESSION_COOKIE}=${'y'.repeat(43)}`);
    expect(await stranger.firstNext()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    stranger.close();
  });

  it('refuses queries: they belong at /api/graphql', async () => {
    const response = await fetch(apps[0].url, {
      method: 'POST',
      headers: { ...bearer(key), accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ models { id } }' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });
});
