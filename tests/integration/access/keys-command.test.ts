/**
 * The README's `npm run keys` lines as typed, in a child process on a migrated Postgres database: create prints the key
 * once, list never shows a secret, revoke ends it.
 */
import { npmRun } from '../../support/npm-script';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

describe('npm run keys on Postgres (DATABASE_URL)', () => {
  let database: PostgresTestDatabase;
  beforeAll(async () => {
    database = await createMigratedPostgresDatabase('crc_keys_cmd');
  });
  afterAll(() => database?.drop());

  it('creates, lists and revokes a key as the README shows', async () => {
    const settings = { DATABASE_URL: database.url };
    const created = await npmRun('keys', ['create', '--role', 'clinician', '--name', 'Ward 7'], settings);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const key = /crc_[A-Za-z0-9_-]{43}/.exec(created.stdout)?.[0];
    const id = /created clinician key (\S+) for "Ward 7"/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    expect(id).toBeDefined();

    const listed = await npmRun('keys', ['list'], settings);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain(`${key!.slice(0, 12)}…`);
    expect(listed.stdout).not.toContain(key);

    const revoked = await npmRun('keys', ['revoke', id!], settings);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked: /);
  });

  it('exits 2 with the usage on a command it does not know', async () => {
    const run = await npmRun('keys', ['rotate'], { DATABASE_URL: database.url });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage:');
  });
});
