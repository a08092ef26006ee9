/** Opens the audit database: Postgres through @prisma/adapter-pg when DATABASE_URL is set, else embedded PGlite on disk. */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { loadEnvironment } from '../config/environment';
import { PrismaClient } from './generated/client';
import { brandInstances } from '../config/process-wide';

/** The database cannot be reached (refused, timed out, closed): the caller may retry later. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`the audit database is unavailable: ${message}`, options);
    this.name = 'DatabaseUnavailableError';
  }
}
// Thrown by services one Next.js chunk built and caught in another (process-wide.ts).
brandInstances(DatabaseUnavailableError, 'DatabaseUnavailableError');

/** Raw SQL on one connection inside one transaction; `exec` runs a multi-statement script. */
export interface SqlTransaction {
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  exec(script: string): Promise<void>;
}

export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /**
   * Runs `work` in one transaction, committed when it resolves and rolled back when it throws.
   * Only for the migration runner: migration files are multi-statement scripts, which Prisma's raw
   * queries cannot send. Application data is read and written through src/audit.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query; DatabaseUnavailableError otherwise (for health checks). */
  ping(): Promise<void>;
  /** Disconnects Prisma and ends the pool or closes PGlite; PGlite left open keeps the process alive. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Postgres connection URL; without it the embedded database in `dataDir` is opened. */
  databaseUrl?: string;
  /** PGlite data directory, created when missing; `memory://` keeps it in memory. */
  dataDir?: string;
  /** How long to wait for a Postgres connection before reporting the database unavailable. */
  connectionTimeoutMs?: number;
}

const DEFAULT_DATA_DIR = '.data/pglite';
// A request that waits longer than this for a connection is better answered "unavailable" at once.
const DEFAULT_CONNECTION_TIMEOUT_MS = 2000;

// Node's socket errors and Postgres's SQLSTATE classes that mean "no usable connection", not "bad query".
const UNREACHABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|3D000|28)/;
// Prisma's codes for "cannot reach / authenticate / find the database" and connection-pool timeouts.
const UNAVAILABLE_PRISMA = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1008', 'P1011', 'P1017', 'P2024']);
// Driver-adapter error kinds carried in Prisma errors' meta or cause.
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'DatabaseAccessDenied', 'AuthenticationFailed', 'SocketTimeout', 'ConnectionClosed', 'TlsConnectionError']);
const UNAVAILABLE_MESSAGE = /timeout exceeded when trying to connect|Connection terminated|PGlite is closed|Cannot use a pool after calling end|Client has encountered a connection error/i;

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** Whether `error` (from pg, PGlite, Prisma or a driver adapter, possibly wrapped) means the database cannot be reached. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const code = field(error, 'code');
  if (typeof code === 'string') {
    if (UNREACHABLE_ERRNO.has(code) || UNAVAILABLE_PRISMA.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_SQLSTATE.test(code)) return true;
  }
  const kind = field(field(error, 'cause'), 'kind') ?? field(field(error, 'meta'), 'kind') ?? field(error, 'kind');
  if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
  const message = field(error, 'message');
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  const nested = field(error, 'errors');
  if (Array.isArray(nested) && nested.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  // Raw queries carry the adapter's error in meta.driverAdapterError (Prisma code P2010).
  if (isDatabaseUnavailable(field(field(error, 'meta'), 'driverAdapterError'), depth + 1)) return true;
  return isDatabaseUnavailable(field(error, 'cause'), depth + 1);
}

/** Rethrows connection failures as DatabaseUnavailableError and anything else unchanged. */
export function asDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isDatabaseUnavailable(error)) return error;
  return new DatabaseUnavailableError(error instanceof Error ? error.message.split('\n').filter(Boolean).pop() ?? error.name : String(error), { cause: error });
}

function onceOnly(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}

async function openPostgres(databaseUrl: string, connectionTimeoutMs: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: connectionTimeoutMs });
  // An idle client losing its server emits 'error' on the pool; unhandled, that would end the process.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    kind: 'postgres',
    async transaction(work) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw asDatabaseError(error);
      }
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work({
          async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
            return (await client.query<Row>(sql, params)).rows;
          },
          async exec(script) {
            // Without parameters pg sends the simple query protocol, which accepts several statements.
            await client.query(script);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw asDatabaseError(error);
      } finally {
        client.release(broken);
      }
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
      } catch (error) {
        throw asDatabaseError(error);
      }
    },
    close: onceOnly(async () => {
      await prisma.$disconnect();
      await pool.end();
    }),
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  if (!dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: 'pglite',
    async transaction(work) {
      try {
        return await pglite.transaction((tx) =>
          work({
            async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
              return (await tx.query<Row>(sql, params)).rows;
            },
            async exec(script) {
              await tx.exec(script);
            },
          }),
        );
      } catch (error) {
        throw asDatabaseError(error);
      }
    },
    async ping() {
      try {
        await pglite.query('SELECT 1');
      } catch (error) {
        throw asDatabaseError(error);
      }
    },
    close: onceOnly(async () => {
      await prisma.$disconnect();
      await pglite.close();
    }),
  };
}

/**
 * Opens the database the options (by default the environment: DATABASE_URL, DATA_DIR) name.
 * Nothing is migrated here: run `migrate` from ./migrations before serving.
 */
export async function openDatabase(options: DatabaseOptions = fromEnvironment()): Promise<Database> {
  const timeout = options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
  if (options.databaseUrl) return openPostgres(options.databaseUrl, timeout);
  try {
    return await openPglite(options.dataDir ?? DEFAULT_DATA_DIR);
  } catch (error) {
    throw new DatabaseUnavailableError(`the embedded database in ${options.dataDir ?? DEFAULT_DATA_DIR} cannot be opened: ${(error as Error).message}`, { cause: error });
  }
}

function fromEnvironment(): DatabaseOptions {
  const environment = loadEnvironment();
  return { databaseUrl: environment.DATABASE_URL, dataDir: environment.DATA_DIR };
}
