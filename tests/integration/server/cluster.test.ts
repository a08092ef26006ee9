/**
 * `npm start -- --workers 2` (src/server/cluster.ts): two server processes share the port and the load, /api/metrics
 * reports what both counted, a worker that dies is replaced, SIGTERM ends them all, and the embedded database refuses
 * a second process.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { bearer, createKey } from '../../support/api-keys';
import { buildApp, startApp, type RunningApp } from '../../support/next-server';
import { HEART_FAILURE_ROW } from '../../support/requests';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

const PREDICT = `mutation Predict($input: PredictInput!) { predict(input: $input) { id riskBand } }`;
const REQUESTS = 400;

let database: PostgresTestDatabase;
let app: RunningApp;
let clinician: string;
let admin: string;

/** The primary's children that run the start command: the server processes (not, say, esbuild's service under tsx). */
function workerPids(primary: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(primary), '-f', 'start-command'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number)
      .sort();
  } catch {
    return [];
  }
}

/** CPU seconds a process has used (utime + stime from /proc/<pid>/stat; 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function until<T>(what: string, get: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (children now: ${workerPids(app.pid).join(', ') || 'none'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * /api/health's status on a connection of its own: a kept-alive one could lead to a process killed since, which a
 * client would see reset and retry.
 */
function healthOnNewConnection(): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${app.url}/api/health`, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** One series' value from a Prometheus text exposition. */
function seriesValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no ${series} in the metrics`);
  return Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  await buildApp();
  database = await createMigratedPostgresDatabase('crc_cluster');
  clinician = (await createKey({ databaseUrl: database.url }, 'clinician', 'cluster')).key;
  admin = (await createKey({ databaseUrl: database.url }, 'admin', 'cluster metrics')).key;
  app = await startApp({ DATABASE_URL: database.url }, ['--workers', '2']);
}, 300_000);

afterAll(async () => {
  await app?.stop();
  await database?.drop();
});

describe('two server processes on one port', () => {
  it('share the load, and /api/metrics counts the requests of both', async () => {
    const pids = await until('two server processes', () => {
      const found = workerPids(app.pid);
      return found.length === 2 ? found : undefined;
    });
    const before = pids.map(cpuSeconds);
    const result = await autocannon({
      url: `${app.url}/api/graphql`,
      connections: 16,
      amount: REQUESTS,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(clinician) },
      body: JSON.stringify({
        query: PREDICT,
        variables: { input: { modelId: 'heart-failure', patientRef: 'cluster', features: HEART_FAILURE_ROW } },
      }),
    });
    expect(result['2xx']).toBe(REQUESTS);
    // Connections are dealt round-robin: each process did a share of the work, not one all of it.
    const used = pids.map((pid, i) => cpuSeconds(pid) - before[i]);
    expect(Math.min(...used)).toBeGreaterThan(0.25 * Math.max(...used));

    const metrics = await (await fetch(`${app.url}/api/metrics`, { headers: bearer(admin) })).text();
    expect(seriesValue(metrics, 'crc_graphql_requests_total{operation="Predict",outcome="OK"}')).toBe(REQUESTS);
    const predictions = metrics
      .split('\n')
      .filter((l) => l.startsWith('crc_predictions_total{model="heart-failure"'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    expect(predictions).toBe(REQUESTS);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM prediction`);
    await client.end();
    expect(Number(rows[0].n)).toBe(REQUESTS);
  }, 120_000);

  it('replaces a server process that dies, answering meanwhile from the other', async () => {
    const [victim, survivor] = workerPids(app.pid);
    process.kill(victim, 'SIGKILL');
    // Every new connection is answered meanwhile: the primary deals none to a process it saw end.
    await until('the primary to see the process end', () =>
      /server process \d \(pid \d+\) ended/.test(app.output()) ? true : undefined,
    );
    for (let i = 0; i < 10; i++) expect(await healthOnNewConnection()).toBe(200);
    const replaced = await until('a replacement process', () => {
      const found = workerPids(app.pid);
      return found.length === 2 && !found.includes(victim) ? found : undefined;
    });
    expect(replaced).toContain(survivor);
    await until('the replacement to listen', () => (/server process \d is back/.test(app.output()) ? true : undefined));
    for (let i = 0; i < 10; i++) expect(await healthOnNewConnection()).toBe(200);
  }, 120_000);

  it('ends every server process on SIGTERM, then exits 143', async () => {
    const pids = workerPids(app.pid);
    expect(pids).toHaveLength(2);
    const code = await app.stop();
    expect(code).toBe(143);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }, 60_000);
});

describe('a server process that cannot start', () => {
  it('fails the start, as one process would, and the primary exits 1 naming it', async () => {
    const missingKey = join(tmpdir(), 'crc-cluster-no-such-key.pem');
    await expect(
      startApp({ DATABASE_URL: database.url, AUDIT_SIGNING_KEY_FILE: missingKey }, ['--workers', '2']),
    ).rejects.toThrow(/server process 1 ended before it was ready \(exit code 1\)/);
  }, 60_000);
});

describe('the embedded database', () => {
  it('refuses a second server process, naming the setting to change', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crc-cluster-'));
    try {
      await expect(startApp({ DATABASE_URL: '', DATA_DIR: dataDir }, ['--workers', '2'])).rejects.toThrow(
        /2 server processes need DATABASE_URL \(a Postgres server\): the embedded database \(DATA_DIR\) is opened by one process only/,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
