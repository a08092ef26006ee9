/**
 * `npm run db:migrate` as the README runs it: on a fresh Postgres database (DATABASE_URL) and on a fresh embedded
 * directory (DATA_DIR), then again with nothing to do.
 */
import { readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { npmRun } from '../../support/npm-script';
import { createPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

const MIGRATIONS = readdirSync(join('prisma', 'migrations'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('npm run db:migrate on Postgres (DATABASE_URL)', () => {
  let database: PostgresTestDatabase;
  beforeAll(async () => {
    database = await createPostgresDatabase('crc_migrate_cmd');
  });
  afterAll(() => database?.drop());

  it('applies every migration, recorded in _prisma_migrations, and then has nothing to do', async () => {
    const first = await npmRun('db:migrate', [], { DATABASE_URL: database.url });
    expect(first.stderr).not.toContain('db:migrate failed');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `applied to Postgres (DATABASE_URL):\n${MIGRATIONS.map((name) => `  ${name}\n`).join('')}`,
    );
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(rows.map((row) => row.migration_name)).toEqual(MIGRATIONS);
      await expect(client.query(`SELECT to_regclass('public.prediction')::text AS t`)).resolves.toMatchObject({
        rows: [{ t: 'prediction' }],
      });
    } finally {
      await client.end();
    }
    const again = await npmRun('db:migrate', [], { DATABASE_URL: database.url });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('Postgres (DATABASE_URL) is up to date: no migration to apply\n');
  });

  it('names the cause and exits 1 when the database cannot be reached', async () => {
    const run = await npmRun('db:migrate', [], { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^db:migrate failed/m);
  });
});

describe('npm run db:migrate on the embedded database (DATA_DIR)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crc-migrate-cmd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and migrates the directory, and then has nothing to do', async () => {
    const settings = { DATA_DIR: join(dir, 'pglite') };
    const first = await npmRun('db:migrate', [], settings);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `applied to the embedded PGlite database:\n${MIGRATIONS.map((name) => `  ${name}\n`).join('')}`,
    );
    const again = await npmRun('db:migrate', [], settings);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('the embedded PGlite database is up to date: no migration to apply\n');
  });
});
