/** Throwaway databases on the machine's Postgres (127.0.0.1:5432, user postgres, trust auth), one per test file. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_POSTGRES = 'postgresql://postgres@127.0.0.1:5432';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${TEST_POSTGRES}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface PostgresTestDatabase {
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** A new, empty database named `<prefix>_<random>`. */
export async function createPostgresDatabase(prefix: string): Promise<PostgresTestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  return { url: `${TEST_POSTGRES}/${name}`, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
