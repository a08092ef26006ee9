/**
 * Opens the audit database: Postgres through @prisma/adapter-pg when DATABASE_URL is set, else embedded PGlite on disk.
 */
import { CodedError } from '@/errors/coded-error';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { loadEnvironment } from '@/config/environment';
import { PrismaClient } from './generated/client';
import { lockDirectory, type DirectoryLock } from './embedded-directory-lock';

/** The database cannot be reached (refused, timed out, closed): the caller may retry later. */
export class DatabaseUnavailableError extends CodedError {
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`the audit database is unavailable: ${message}`, options);
  }
}

/** Another live process (or this one) has the embedded database's directory open; two would corrupt it. */
export class EmbeddedDatabaseInUseError extends DatabaseUnavailableError {
  readonly reason = 'EMBEDDED_DATABASE_IN_USE';
  constructor(
    readonly directory: string,
    readonly holderPid: number,
    readonly lockFile: string,
    readonly holderHost: string = hostname(),
  ) {
    const where = holderHost === hostname() ? `pid ${holderPid}` : `pid ${holderPid} on host ${holderHost}`;
    super(
      holderHost === hostname() && holderPid === process.pid
        ? `the embedded database in ${directory} is already open in this process (pid ${holderPid}); close it before opening it again`
        : `the embedded database in ${directory} is in use by another process (${where}); stop that process, or set DATA_DIR to another directory ` +
            `(if that process is no longer running, delete ${lockFile})`,
    );
  }
}

/**
 * The embedded database's directory cannot be created or written (permissions, read-only file system, a file in the
 * way).
 */
export class EmbeddedDirectoryUnusableError extends DatabaseUnavailableError {
  readonly reason = 'EMBEDDED_DIRECTORY_UNUSABLE';
  constructor(
    readonly directory: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the embedded database directory ${directory} ${problem}; fix it or set DATA_DIR to another directory`,
      options,
    );
  }
}

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
   * Runs `work` in one transaction on the database's own connection, committed when it resolves and rolled back when
   * it throws. For the two writers Prisma's raw queries do not serve well: the migration runner (migration files are
   * multi-statement scripts) and the audit log's appends (src/audit/audit-log.ts: Prisma would serialise every
   * parameter to JSON and back). Everything else goes through Prisma.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query; DatabaseUnavailableError otherwise (for health checks). */
  ping(): Promise<void>;
  /**
   * Calls `onPayload` with every NOTIFY payload sent on `channel` (a lowercase SQL identifier) from now on; resolves
   * once LISTEN is in effect, and to a function that stops listening. NOTIFY is delivered at commit, so a payload
   * names committed data. On Postgres a dedicated connection (outside the pool, which would hand it to queries)
   * listens; when it drops it is reopened with backoff and LISTEN is issued again, and `onState` says so. Postgres
   * does not queue notifications for a listener that is away: payloads sent while it reconnects are lost.
   */
  listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions): Promise<() => Promise<void>>;
  /** Stops every listener, disconnects Prisma and ends the pool or closes PGlite; PGlite left open keeps the process alive. */
  close(): Promise<void>;
}

/** `listening` once LISTEN is in effect; `reconnecting` after the connection dropped (with why); `closed` when stopped. */
export type ListenerState = 'listening' | 'reconnecting' | 'closed';

export interface ListenOptions {
  onState?: (state: ListenerState, error?: unknown) => void;
  /** First delay before reconnecting; doubled after each failed attempt up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
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
const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|3D000|28)/;
// Prisma's codes for "cannot reach / authenticate / find the database" and connection-pool timeouts.
const UNAVAILABLE_PRISMA = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1008', 'P1011', 'P1017', 'P2024']);
// Driver-adapter error kinds carried in Prisma errors' meta or cause.
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'SocketTimeout',
  'ConnectionClosed',
  'TlsConnectionError',
]);
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|PGlite is closed|Cannot use a pool after calling end|Client has encountered a connection error/i;

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Whether `error` (from pg, PGlite, Prisma or a driver adapter, possibly wrapped) means the database cannot be reached.
 */
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
  return new DatabaseUnavailableError(
    error instanceof Error ? (error.message.split('\n').filter(Boolean).pop() ?? error.name) : String(error),
    { cause: error },
  );
}

/** Runs a query, reporting an unreachable database as DatabaseUnavailableError (the stores' one wrapper). */
export async function withDatabaseErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asDatabaseError(error);
  }
}

// Channels are interpolated into LISTEN (it takes no parameters): only plain lowercase identifiers are accepted.
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

function checkChannel(channel: string): void {
  if (!CHANNEL.test(channel))
    throw new Error(`channel ${JSON.stringify(channel)}: must be a lowercase SQL identifier ([a-z_][a-z0-9_]*)`);
}

/** The set of open listeners a database closes with itself. */
function listenerSet() {
  const open = new Set<() => Promise<void>>();
  return {
    track(stop: () => Promise<void>): () => Promise<void> {
      const once = onceOnly(async () => {
        open.delete(once);
        await stop();
      });
      open.add(once);
      return once;
    },
    async closeAll(): Promise<void> {
      await Promise.allSettled([...open].map((stop) => stop()));
    },
  };
}

/** A LISTEN on its own pg.Client, reopened with backoff whenever the connection drops. */
async function listenPostgres(
  connection: pg.ClientConfig,
  channel: string,
  onPayload: (payload: string) => void,
  options: ListenOptions,
): Promise<() => Promise<void>> {
  const baseDelay = options.reconnectDelayMs ?? 250;
  const maxDelay = options.maxReconnectDelayMs ?? 10_000;
  const report = (state: ListenerState, error?: unknown) => {
    try {
      options.onState?.(state, error);
    } catch {
      // A reporting callback must not break the reconnect loop.
    }
  };
  let current: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const client = new pg.Client(connection);
    client.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    // Without an 'error' listener a dropped connection would end the process.
    client.on('error', (error) => lost(client, error));
    client.on('end', () => lost(client));
    try {
      await client.connect();
      // The only statement this connection runs, so pg_stat_activity shows it as the listener.
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await client.end().catch(() => undefined);
      return;
    }
    current = client;
  }

  function lost(client: pg.Client, error?: unknown): void {
    if (client !== current || closed) return;
    current = null;
    client.end().catch(() => undefined);
    report('reconnecting', error ?? new Error('the listening connection ended'));
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    // Jitter spreads the reconnects of many processes after a Postgres restart.
    const delay = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt += 1;
    timer = setTimeout(() => {
      timer = undefined;
      connect().then(
        () => {
          if (closed) return;
          attempt = 0;
          report('listening');
        },
        (error: unknown) => {
          if (closed) return;
          report('reconnecting', error);
          scheduleReconnect();
        },
      );
    }, delay);
  }

  try {
    await connect();
  } catch (error) {
    throw asDatabaseError(error);
  }
  report('listening');
  return async () => {
    closed = true;
    clearTimeout(timer);
    const client = current;
    current = null;
    await client?.end().catch(() => undefined);
    report('closed');
  };
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
  const listeners = listenerSet();
  return {
    prisma,
    kind: 'postgres',
    async listen(channel, onPayload, options = {}) {
      checkChannel(channel);
      const connection = {
        connectionString: databaseUrl,
        connectionTimeoutMillis: connectionTimeoutMs,
        keepAlive: true,
      };
      return listeners.track(await listenPostgres(connection, channel, onPayload, options));
    },
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
      await listeners.closeAll();
      await prisma.$disconnect();
      await pool.end();
    }),
  };
}

/** What a file-system error on the data directory means, for a person. */
function directoryProblem(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const uid = process.getuid?.();
  const who = uid === undefined ? 'this process' : `this process (uid ${uid})`;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `is not writable by ${who} (${code})`;
    case 'EROFS':
      return 'is on a read-only file system (EROFS)';
    case 'ENOTDIR':
    case 'EEXIST':
      return `is not a directory, or lies under a file (${code})`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `has no space left (${code})`;
    default:
      return undefined;
  }
}

/**
 * Creates `dataDir` if needed and takes its lock, turning every refusal into an error naming the directory and the
 * problem.
 */
async function claimDirectory(dataDir: string): Promise<DirectoryLock> {
  const directory = resolve(dataDir);
  let attempt;
  try {
    await mkdir(directory, { recursive: true });
    attempt = await lockDirectory(directory);
  } catch (error) {
    const problem = directoryProblem(error);
    if (problem) throw new EmbeddedDirectoryUnusableError(directory, problem, { cause: error });
    throw error;
  }
  if ('heldBy' in attempt)
    throw new EmbeddedDatabaseInUseError(directory, attempt.heldBy.pid, attempt.heldBy.lockFile, attempt.heldBy.host);
  return attempt.lock;
}

async function openPglite(dataDir: string): Promise<Database> {
  const lock = dataDir.includes('://') ? undefined : await claimDirectory(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir);
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const listeners = listenerSet();
  return {
    prisma,
    kind: 'pglite',
    async listen(channel, onPayload, options = {}) {
      checkChannel(channel);
      // PGlite is this process's own database: its connection cannot drop, so there is nothing to reconnect.
      let unlisten: () => Promise<void>;
      try {
        unlisten = await pglite.listen(channel, onPayload);
      } catch (error) {
        throw asDatabaseError(error);
      }
      options.onState?.('listening');
      return listeners.track(async () => {
        // Closing PGlite ends its listeners with it.
        if (!pglite.closed) await unlisten().catch(() => undefined);
        options.onState?.('closed');
      });
    },
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
      try {
        await listeners.closeAll();
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        await lock?.release();
      }
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
    if (error instanceof DatabaseUnavailableError) throw error;
    throw new DatabaseUnavailableError(
      `the embedded database in ${options.dataDir ?? DEFAULT_DATA_DIR} cannot be opened: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function fromEnvironment(): DatabaseOptions {
  const environment = loadEnvironment();
  return { databaseUrl: environment.DATABASE_URL, dataDir: environment.DATA_DIR };
}
