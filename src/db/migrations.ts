/**
 * Applies prisma/migrations/<name>/migration.sql in order, recorded in _prisma_migrations exactly as `prisma migrate
 * deploy` records them.
 */
import { CodedError } from '@/errors/coded-error';
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, SqlTransaction } from './database';

/** A migration cannot be read or its SQL fails; nothing of it was applied. */
export class MigrationError extends CodedError {
  readonly code = 'MIGRATION_FAILED';
  constructor(
    readonly migrationName: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(migrationName ? `migration ${migrationName}: ${message}` : message, options);
  }
}

/** An applied migration's file was edited afterwards: the database no longer matches the files. */
export class MigrationChecksumError extends CodedError {
  readonly code = 'MIGRATION_CHECKSUM_MISMATCH';
  constructor(
    readonly migrationName: string,
    readonly recorded: string,
    readonly actual: string,
  ) {
    super(
      `migration ${migrationName} was changed after it was applied (recorded checksum ${recorded}, file ${actual}); ` +
        'restore the file and put the change in a new migration',
    );
  }
}

/** `_prisma_migrations` holds a started but unfinished migration (Prisma's P3009): someone must resolve it first. */
export class FailedMigrationError extends CodedError {
  readonly code = 'MIGRATION_PREVIOUSLY_FAILED';
  constructor(readonly migrationName: string) {
    super(
      `migration ${migrationName} started earlier and did not finish; inspect the database, then mark it with ` +
        '`prisma migrate resolve --rolled-back` or `--applied`',
    );
  }
}

export interface MigrationFile {
  /** The directory name, e.g. 20261123170000_init: Prisma orders and records migrations by it. */
  name: string;
  sql: string;
  /** sha256 of the file's bytes in hex, as Prisma records it. */
  checksum: string;
}

export interface MigrationResult {
  /** Names applied by this run, in order; empty when the database was up to date. */
  applied: string[];
}

/** The DDL of Prisma's schema engine for its bookkeeping table on Postgres, so both runners share the table. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// The advisory lock key Prisma's schema engine takes while migrating, so this runner, other app
// instances and `prisma migrate deploy` never apply the same migration twice at once.
const PRISMA_ADVISORY_LOCK = 72707369;

export const DEFAULT_MIGRATIONS_DIR = join('prisma', 'migrations');

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Whether the file still is what was applied. Like Prisma, a file whose line endings were converted
 * (git's autocrlf on Windows) still matches.
 */
export function checksumMatches(file: MigrationFile, recorded: string): boolean {
  if (file.checksum === recorded) return true;
  const lf = file.sql.replace(/\r\n/g, '\n');
  return sha256(lf) === recorded || sha256(lf.replace(/\n/g, '\r\n')) === recorded;
}

/** The migrations in `dir`, ordered by directory name as Prisma orders them. */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  let entries;
  try {
    // Read at run time from the project (or the directory given), not traced into a build output:
    // left to trace, the bundler could not scope `dir` and would take in the whole project.
    entries = await readdir(/*turbopackIgnore: true*/ dir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(null, `the migrations directory ${dir} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      let sql: string;
      try {
        sql = await readFile(/*turbopackIgnore: true*/ join(dir, name, 'migration.sql'), 'utf8');
      } catch (error) {
        throw new MigrationError(
          name,
          `${join(dir, name, 'migration.sql')} cannot be read: ${(error as Error).message}`,
          { cause: error },
        );
      }
      return { name, sql, checksum: sha256(sql) };
    }),
  );
}

interface MigrationRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/** Checks recorded migrations against the files; returns the names already applied. */
async function appliedMigrations(tx: SqlTransaction, files: MigrationFile[]): Promise<Set<string>> {
  // Rolled-back rows do not count, as in Prisma: such a migration is applied again.
  const rows = await tx.query<MigrationRow>(
    'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at',
  );
  const byName = new Map(files.map((f) => [f.name, f]));
  const applied = new Set<string>();
  for (const row of rows) {
    if (row.finished_at === null) throw new FailedMigrationError(row.migration_name);
    const file = byName.get(row.migration_name);
    // A recorded migration without a file (applied from another branch) is left alone, as deploy does.
    if (file && !checksumMatches(file, row.checksum))
      throw new MigrationChecksumError(file.name, row.checksum, file.checksum);
    applied.add(row.migration_name);
  }
  return applied;
}

async function lock(tx: SqlTransaction): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [PRISMA_ADVISORY_LOCK]);
}

/**
 * Applies every migration in `migrationsDir` not yet recorded, oldest first, each in its own
 * transaction together with its `_prisma_migrations` row, so a failing migration leaves no trace.
 * Refuses to apply anything while a recorded migration's file has changed or a migration is failed.
 */
export async function migrate(
  db: Pick<Database, 'transaction'>,
  options: { migrationsDir?: string } = {},
): Promise<MigrationResult> {
  const files = await readMigrations(options.migrationsDir);
  const pending = await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(MIGRATIONS_TABLE_DDL);
    const applied = await appliedMigrations(tx, files);
    return files.filter((f) => !applied.has(f.name));
  });
  const result: MigrationResult = { applied: [] };
  for (const file of pending) {
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it since the first look.
      if ((await appliedMigrations(tx, files)).has(file.name)) return false;
      const id = randomUUID();
      // The same steps as Prisma: a row when the migration starts, finished_at and the step count after it.
      await tx.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
        [id, file.checksum, file.name],
      );
      try {
        await tx.exec(file.sql);
      } catch (error) {
        throw new MigrationError(file.name, (error as Error).message, { cause: error });
      }
      await tx.query(
        'UPDATE "_prisma_migrations" SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1 WHERE id = $1',
        [id],
      );
      return true;
    });
    if (ran) result.applied.push(file.name);
  }
  return result;
}
