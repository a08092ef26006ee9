/**
 * `npm run studio` as the README runs it: its flags go to Prisma Studio (`-- --help` lists them), and
 * `-- --port N --browser none` serves Studio on port N, on DATABASE_URL and on the embedded database
 * (served to Studio over a local port), until stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/next-server';
import { npmRun, npmStart, stopGroup } from '../../support/npm-script';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

/** Starts `npm run studio -- --port N --browser none`, waits for Studio to answer on N, then stops it. */
async function startAndStop(
  settings: Record<string, string>,
): Promise<{ status: number; output: string; exitCode: number | null }> {
  const port = await freePort();
  const child = npmStart('studio', ['--port', String(port), '--browser', 'none'], settings);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        await response.arrayBuffer();
        return { status: response.status, output, exitCode: await stopGroup(child) };
      } catch {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`Studio did not come up on ${port}:\n${output}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await stopGroup(child);
  }
}

describe('npm run studio', () => {
  let database: PostgresTestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'crc-studio-'));
  beforeAll(async () => {
    database = await createMigratedPostgresDatabase('crc_studio_cmd');
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes its arguments to Prisma Studio: `-- --help` lists --port and --browser', async () => {
    const run = await npmRun('studio', ['--help'], { DATABASE_URL: database.url });
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/--port/);
    expect(run.stdout + run.stderr).toMatch(/--browser/);
  });

  it('serves Studio on the given port for DATABASE_URL, and stops when told', async () => {
    const { status } = await startAndStop({ DATABASE_URL: database.url });
    expect(status).toBe(200);
  }, 120_000);

  it('serves the embedded database (made by `npm run db:migrate`) to Studio for the session', async () => {
    const settings = { DATA_DIR: join(dir, 'pglite') };
    const missing = await npmRun('studio', ['--browser', 'none'], settings);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('run `npm run db:migrate` first');
    expect((await npmRun('db:migrate', [], settings)).code).toBe(0);
    const { status, output } = await startAndStop(settings);
    expect(status).toBe(200);
    expect(output).toContain(`serving the embedded database ${settings.DATA_DIR} on 127.0.0.1:`);
  }, 180_000);
});
