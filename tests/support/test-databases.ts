/** Throwaway databases on the machine's Postgres (127.0.0.1:5432, user postgres, trust auth), one per test file. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/database';
import { migrate } from '../../src/db/migrations';

export const TEST_POSTGRES = 'postgresql://postgres@127.0.0.1:5432';

async function admin(server: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${server}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface PostgresTestDatabase {
  name: string;
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** A new, empty database named `<prefix>_<random>` on `server` (by default the machine's Postgres). */
export async function createPostgresDatabase(prefix: string, server = TEST_POSTGRES): Promise<PostgresTestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin(server, `CREATE DATABASE ${name}`);
  return { name, url: `${server}/${name}`, drop: () => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** As createPostgresDatabase, with the project's migrations applied. */
export async function createMigratedPostgresDatabase(
  prefix: string,
  server = TEST_POSTGRES,
): Promise<PostgresTestDatabase> {
  const database = await createPostgresDatabase(prefix, server);
  const db = await openDatabase({ databaseUrl: database.url });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return database;
}

/** An open, unmigrated database of either kind, for tests that run on both. */
export interface TestDatabase {
  db: Database;
  dispose(): Promise<void>;
}

async function postgresDatabase(): Promise<TestDatabase> {
  const fresh = await createPostgresDatabase('crc_test');
  const db = await openDatabase({ databaseUrl: fresh.url });
  return {
    db,
    async dispose() {
      try {
        await db.close();
      } finally {
        await fresh.drop();
      }
    },
  };
}

async function pgliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'crc-pglite-'));
  const db = await openDatabase({ dataDir: join(dir, 'pglite') });
  return {
    db,
    async dispose() {
      try {
        await db.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The machine's Postgres (a throwaway database each) and embedded PGlite (a temporary directory each). */
export const DATABASES: [DatabaseKind, () => Promise<TestDatabase>][] = [
  ['postgres', postgresDatabase],
  ['pglite', pgliteDatabase],
];
