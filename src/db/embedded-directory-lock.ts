/**
 * One process at a time per embedded database directory: PGlite has no lock of its own, and two
 * processes opening one directory corrupt it. The lock is a file naming its holder (pid, host and a
 * random token), created whole and atomically (written aside, then hard-linked into place, which fails
 * if the name exists). A lock whose process has died on this host is taken over; closing the database
 * removes it.
 */
import { CodedError } from '@/errors/coded-error';
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readFile, realpath, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { processWide } from '@/config/process-wide';

/** The lock file's name inside the data directory (beside Postgres's own files, which ignore it). */
export const LOCK_FILE_NAME = 'clinical-risk-console.pid';

export interface DirectoryLock {
  lockFile: string;
  /** Removes the lock file if it is still this lock's; safe to call more than once. */
  release(): Promise<void>;
}

export interface LockHolder {
  pid: number;
  /** The host the holder runs on: another host's process cannot be checked from here, so it counts as alive. */
  host: string;
  lockFile: string;
}

/** Either the lock, or who holds it (`pid` is this process's own when it already has the directory open). */
export type LockAttempt = { lock: DirectoryLock } | { heldBy: LockHolder };

/** A stale lock kept coming back: some other process keeps taking the directory over at the same time. */
export class LockContentionError extends CodedError {
  readonly code = 'EMBEDDED_LOCK_CONTENTION';
  constructor(readonly lockFile: string) {
    super(`could not take over the stale lock ${lockFile}: another process keeps contending for it`);
  }
}

// Lock files this process holds, shared by every Next.js chunk: a lock naming this process is ours
// only if it is in here; otherwise an earlier process that had the same pid (a container's pid 1) left it.
const heldHere = processWide('embedded-directory-locks', () => new Set<string>());

const ATTEMPTS = 50;
const RETRY_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null
    ? ((error as { code?: unknown }).code as string | undefined)
    : undefined;
}

/** Whether a process with this pid exists here (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

/** "pid\nhost\ntoken\n", this process's. */
function holderContent(): string {
  return `${process.pid}\n${hostname()}\n${randomBytes(8).toString('hex')}\n`;
}

function parseHolder(content: string): { pid: number; host: string } | undefined {
  const [pid, host] = content.split('\n');
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 && host ? { pid: n, host } : undefined;
}

/** Whether the holder a lock file names is gone: dead on this host, or an earlier life of this process's pid. */
function isStale(holder: { pid: number; host: string }, lockFile: string): boolean {
  if (holder.host !== hostname()) return false;
  return holder.pid === process.pid ? !heldHere.has(lockFile) : !isAlive(holder.pid);
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Creates `file` holding `content`, all at once; false when the name is taken. */
async function createWhole(file: string, content: string): Promise<boolean> {
  const aside = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(aside, content, { mode: 0o644 });
  try {
    await link(aside, file);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** Removes `file` if it still holds `content` (a lock or guard whose holder is gone). */
async function removeIfUnchanged(file: string, content: string): Promise<void> {
  if ((await readIfExists(file)) === content) await unlink(file).catch(() => undefined);
}

/**
 * Removes a stale lock file if it still holds `staleContent`. Two processes finding the same stale lock
 * must not both remove it (the second would remove the first's new lock), so removal runs under a guard
 * file, created whole like the lock; a guard whose own holder died is cleared the same way.
 */
async function removeStale(lockFile: string, staleContent: string): Promise<void> {
  const guard = `${lockFile}.takeover`;
  const mine = holderContent();
  if (!(await createWhole(guard, mine))) {
    const other = await readIfExists(guard);
    const holder = other === undefined ? undefined : parseHolder(other);
    if (other !== undefined && (!holder || isStale(holder, guard))) await removeIfUnchanged(guard, other);
    return;
  }
  try {
    await removeIfUnchanged(lockFile, staleContent);
  } finally {
    await removeIfUnchanged(guard, mine);
  }
}

function lockOf(lockFile: string, content: string): DirectoryLock {
  let released = false;
  // A process that ends through process.exit leaves no lock behind; one killed by a signal leaves it to
  // be taken over as stale by the next opener.
  const onExit = () => {
    try {
      // Synchronous: nothing asynchronous runs in an exit handler.
      if (readFileSync(lockFile, 'utf8') === content) unlinkSync(lockFile);
    } catch {
      // Already gone, or the directory went away: nothing to release.
    }
  };
  process.once('exit', onExit);
  heldHere.add(lockFile);
  return {
    lockFile,
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      heldHere.delete(lockFile);
      await removeIfUnchanged(lockFile, content);
    },
  };
}

/**
 * Takes the lock of `directory` (which must exist), or names the process holding it.
 * File-system errors (EACCES, EROFS, ENOTDIR...) are thrown as they are.
 */
export async function lockDirectory(directory: string): Promise<LockAttempt> {
  // One name per directory however it is spelled, so this process recognises its own lock.
  const lockFile = join(await realpath(directory), LOCK_FILE_NAME);
  const content = holderContent();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createWhole(lockFile, content)) return { lock: lockOf(lockFile, content) };
    const existing = await readIfExists(lockFile);
    if (existing === undefined) continue; // released meanwhile: try again at once
    const holder = parseHolder(existing);
    // A lock is never seen half written (createWhole), so one that does not parse is debris.
    if (holder && !isStale(holder, lockFile)) return { heldBy: { ...holder, lockFile } };
    await removeStale(lockFile, existing);
    await sleep(RETRY_MS * Math.random());
  }
  throw new LockContentionError(lockFile);
}
