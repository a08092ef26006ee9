/**
 * The embedded database's directory: one process at a time (PGlite has no lock of its own and two
 * processes corrupt the directory), a lock left by a dead process is taken over, closing releases it,
 * and a directory that cannot be used is refused with an error naming it and what is wrong.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  DatabaseUnavailableError,
  EmbeddedDatabaseInUseError,
  EmbeddedDirectoryUnusableError,
  isDatabaseUnavailable,
  openDatabase,
} from '@/db/database';
import { LOCK_FILE_NAME } from '@/db/embedded-directory-lock';
import { startupErrorResponse } from '@/graphql/startup-error';

const CHILD = join('tests', 'support', 'embedded-database-process.ts');

/** Root ignores file permissions: as root the "unwritable" cases run as an ordinary user (postgres, else nobody). */
function unprivilegedUser(): { uid: number; gid: number; name: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'));
  const user = users.find((u) => u[0] === 'postgres') ?? users.find((u) => u[0] === 'nobody');
  if (!user) throw new Error('running as root with neither a postgres nor a nobody user to test permissions as');
  return { name: user[0], uid: Number(user[2]), gid: Number(user[3]) };
}

function child(mode: 'hold' | 'open', dir: string, user?: { uid: number; gid: number }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', HOME: tmpdir() },
    ...(user ?? {}),
  });
}

/** Starts a process holding `dir` open; resolves once it has. */
async function holder(dir: string): Promise<ChildProcess> {
  const holding = child('hold', dir);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    holding.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('ready')) resolve();
    });
    holding.stderr?.on('data', (chunk) => (output += chunk));
    holding.once('exit', (code) => reject(new Error(`the holder exited (${code}) before opening ${dir}:\n${output}`)));
  });
  return holding;
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null)
    return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** What another process gets when it opens `dir` (as `user` if given). */
async function openElsewhere(
  dir: string,
  user?: { uid: number; gid: number },
): Promise<{ ok: boolean; name?: string; reason?: string; message?: string }> {
  const opening = child('open', dir, user);
  let stdout = '';
  let stderr = '';
  opening.stdout?.on('data', (chunk) => (stdout += chunk));
  opening.stderr?.on('data', (chunk) => (stderr += chunk));
  const { code } = await exited(opening);
  if (code !== 0) throw new Error(`the opening process failed (${code}):\n${stdout}\n${stderr}`);
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

let base: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'crc-embedded-dir-'));
  // Readable by the unprivileged user of the permission tests.
  await chmod(base, 0o755);
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(base, { recursive: true, force: true });
});

describe('the embedded database directory', () => {
  it('is refused while another process has it open, naming the directory and that process', async () => {
    const dir = join(base, 'pglite');
    const other = await holder(dir);
    children.push(other);

    const error = await openDatabase({ dataDir: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmbeddedDatabaseInUseError);
    const inUse = error as EmbeddedDatabaseInUseError;
    expect(inUse).toMatchObject({
      reason: 'EMBEDDED_DATABASE_IN_USE',
      code: 'SERVICE_UNAVAILABLE',
      directory: dir,
      holderPid: other.pid,
    });
    expect(inUse.message).toBe(
      `the audit database is unavailable: the embedded database in ${dir} is in use by another process (pid ${other.pid}); ` +
        `stop that process, or set DATA_DIR to another directory (if that process is no longer running, delete ${join(dir, LOCK_FILE_NAME)})`,
    );
    // The server answers requests meanwhile with a retryable, coded 503; the details are for the operator: /api/health
    // (below) and the start-up log.
    expect(isDatabaseUnavailable(inUse)).toBe(true);
    const response = startupErrorResponse(inUse, pino({ level: 'silent' }));
    expect(response.status).toBe(503);
    expect((await response.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    const previous = process.env.DATA_DIR;
    process.env.DATA_DIR = dir;
    try {
      const { healthReport } = await import('@/server/health');
      expect(await healthReport()).toMatchObject({
        status: 'unavailable',
        database: { ok: false, error: inUse.message },
      });
    } finally {
      if (previous === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = previous;
    }

    // Once the other process has closed it, it opens here.
    other.kill('SIGTERM');
    expect(await exited(other)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
    const db = await openDatabase({ dataDir: dir });
    await db.ping();
    await db.close();
  });

  it('is taken over from a process that died holding it', async () => {
    const dir = join(base, 'pglite');
    const other = await holder(dir);
    children.push(other);
    other.kill('SIGKILL');
    await exited(other);
    expect(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).toMatch(new RegExp(`^${other.pid}\n`));

    const db = await openDatabase({ dataDir: dir });
    try {
      await db.ping();
      expect(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).toMatch(new RegExp(`^${process.pid}\n`));
    } finally {
      await db.close();
    }
  });

  it('is taken over from an earlier process that had this process id (a container restarted as pid 1)', async () => {
    const dir = join(base, 'pglite');
    await mkdir(dir);
    await writeFile(join(dir, LOCK_FILE_NAME), `${process.pid}\n${hostname()}\nleft-by-an-earlier-life\n`);
    const db = await openDatabase({ dataDir: dir });
    await db.close();
  });

  it('is refused while a process on another host holds it: a shared volume cannot be checked from here', async () => {
    const dir = join(base, 'pglite');
    await mkdir(dir);
    await writeFile(join(dir, LOCK_FILE_NAME), `4242\nward-server-2\nfrom-another-host\n`);
    const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddedDatabaseInUseError);
    expect((error as Error).message).toContain('is in use by another process (pid 4242 on host ward-server-2)');
  });

  it('takes over a lock file that names no holder (debris), and a takeover guard left by a dead process', async () => {
    const dir = join(base, 'pglite');
    await mkdir(dir);
    await writeFile(join(dir, LOCK_FILE_NAME), 'garbage');
    // A pid that cannot be alive: above Linux's pid_max.
    await writeFile(join(dir, `${LOCK_FILE_NAME}.takeover`), `4194305\n${hostname()}\ndead-taker\n`);
    const db = await openDatabase({ dataDir: dir });
    expect(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).toMatch(new RegExp(`^${process.pid}\n${hostname()}\n`));
    expect(existsSync(join(dir, `${LOCK_FILE_NAME}.takeover`))).toBe(false);
    await db.close();
  });

  it('lets exactly one of several processes take over the same stale lock', async () => {
    const dir = join(base, 'pglite');
    await mkdir(dir);
    await writeFile(join(dir, LOCK_FILE_NAME), `4194305\n${hostname()}\nstale\n`);
    const results = await Promise.all([openElsewhere(dir), openElsewhere(dir), openElsewhere(dir)]);
    // Each opener closes at once, so later ones may open too; none may fail but by finding the lock held.
    for (const r of results) if (!r.ok) expect(r.reason).toBe('EMBEDDED_DATABASE_IN_USE');
    expect(results.some((r) => r.ok)).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it('is released by close, for this process and for others', async () => {
    const dir = join(base, 'pglite');
    const db = await openDatabase({ dataDir: dir });
    expect(await readFile(join(dir, LOCK_FILE_NAME), 'utf8')).toMatch(new RegExp(`^${process.pid}\n`));
    // A second open in the same process would corrupt it just the same.
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(
      `the embedded database in ${dir} is already open in this process (pid ${process.pid})`,
    );
    expect(await openElsewhere(dir)).toMatchObject({
      ok: false,
      name: 'EmbeddedDatabaseInUseError',
      reason: 'EMBEDDED_DATABASE_IN_USE',
    });
    await db.close();

    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
    expect(await openElsewhere(dir)).toEqual({ ok: true });
    const again = await openDatabase({ dataDir: join(base, '.', 'pglite') });
    await again.close();
  });

  it('that cannot be created in a read-only parent is refused, naming it', async () => {
    const user = unprivilegedUser();
    const parent = join(base, 'read-only');
    await mkdir(parent, { mode: 0o755 });
    if (user) await chown(parent, user.uid, user.gid);
    await chmod(parent, 0o500);
    const dir = join(parent, 'pglite');

    const result = await openElsewhere(dir, user);
    expect(result).toMatchObject({
      ok: false,
      name: 'EmbeddedDirectoryUnusableError',
      reason: 'EMBEDDED_DIRECTORY_UNUSABLE',
    });
    expect(result.message).toContain(
      `the embedded database directory ${dir} is not writable by this process (uid ${user?.uid ?? process.getuid?.()}) (EACCES)`,
    );
    expect(result.message).toContain('set DATA_DIR to another directory');
  });

  it('that exists but is not writable is refused, naming it', async () => {
    const user = unprivilegedUser();
    const dir = join(base, 'pglite');
    await mkdir(dir, { mode: 0o755 });
    if (user) await chown(dir, user.uid, user.gid);
    await chmod(dir, 0o500);

    const result = await openElsewhere(dir, user);
    expect(result).toMatchObject({ ok: false, name: 'EmbeddedDirectoryUnusableError' });
    expect(result.message).toContain(`the embedded database directory ${dir} is not writable`);
  });

  it('under a regular file is refused as not a directory', async () => {
    await writeFile(join(base, 'a-file'), 'not a directory');
    const dir = join(base, 'a-file', 'pglite');
    const error = await openDatabase({ dataDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddedDirectoryUnusableError);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).not.toBeInstanceOf(EmbeddedDatabaseInUseError);
    expect((error as Error).message).toBe(
      `the audit database is unavailable: the embedded database directory ${dir} is not a directory, or lies under a file (ENOTDIR); fix it or set DATA_DIR to another directory`,
    );
  });
});
