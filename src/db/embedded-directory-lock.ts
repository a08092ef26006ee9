/**
 * One process at a time per embedded database directory: PGlite has no lock of its own, and two
 * processes opening one directory corrupt it. The lock is a pid file created with O_EXCL; a lock
 * whose process has died is taken over, and closing the database (or the process exiting) removes it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { open, readFile, realpath, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { processWide } from '../config/process-wide';

/** The lock file's name inside the data directory (beside Postgres's own files, which ignore it). */
export const LOCK_FILE_NAME = 'clinical-risk-console.pid';

export interface DirectoryLock {
  lockFile: string;
  /** Removes the lock file if it is still this lock's; safe to call more than once. */
  release(): Promise<void>;
}

/** Either the lock, or who holds it (`pid` is this process's own when it already has the directory open). */
export type LockAttempt = { lock: DirectoryLock } | { heldBy: { pid: number; lockFile: string } };

// Lock files this process holds, shared by every Next.js chunk: a pid file naming this process is
// ours only if it is in here; otherwise an earlier process that had the same pid (a container's pid 1) left it.
const heldHere = processWide('embedded-directory-locks', () => new Set<string>());

/** A lock file being written by its creator is not yet readable; one older than this never will be. */
const UNFINISHED_LOCK_MS = 2000;
const RETRY_MS = 50;
/** How long a stale lock's take-over may stay half done (the taker died) before another taker ignores it. */
const STALE_TAKEOVER_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? ((error as { code?: unknown }).code as string | undefined) : undefined;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoOf(error) === 'EPERM';
  }
}

function parsePid(content: string): number | undefined {
  const pid = Number(content.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes a stale lock file if it still holds `staleContent`. Two processes finding the same stale lock
 * must not both remove it (the second would remove the first's new lock), so the removal itself runs
 * under a second O_EXCL file held for a few milliseconds.
 */
async function removeStale(lockFile: string, staleContent: string): Promise<void> {
  const guard = `${lockFile}.takeover`;
  let handle;
  try {
    handle = await open(guard, 'wx');
  } catch (error) {
    if (errnoOf(error) !== 'EEXIST') throw error;
    // Another process is taking over; a guard left by a taker that died is ignored after a while.
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > STALE_TAKEOVER_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    if ((await readIfExists(lockFile)) === staleContent) await unlink(lockFile);
  } finally {
    await handle.close();
    await unlink(guard).catch(() => undefined);
  }
}

function lockOf(lockFile: string, content: string): DirectoryLock {
  let released = false;
  // A process that exits without closing the database (Ctrl-C, process.exit) still leaves no lock behind.
  const onExit = () => {
    try {
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
      if ((await readIfExists(lockFile)) === content) await unlink(lockFile).catch(() => undefined);
    },
  };
}

/**
 * Takes the lock of `directory` (which must exist), or names the live process holding it.
 * File-system errors (EACCES, EROFS, ENOTDIR...) are thrown as they are.
 */
export async function lockDirectory(directory: string): Promise<LockAttempt> {
  // One name per directory however it is spelled, so this process recognises its own lock.
  const lockFile = join(await realpath(directory), LOCK_FILE_NAME);
  // The token makes each lock's content unique, so a release or take-over never removes another lock.
  const content = `${process.pid}\n${randomBytes(8).toString('hex')}\n`;
  const deadline = Date.now() + UNFINISHED_LOCK_MS + STALE_TAKEOVER_MS;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx', 0o644);
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return { lock: lockOf(lockFile, content) };
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
    }
    const existing = await readIfExists(lockFile);
    if (existing === undefined) continue; // released meanwhile: try again at once
    const pid = parsePid(existing);
    if (pid === undefined) {
      // Being written right now, or left empty by a process that died between creating and writing it.
      const age = await stat(lockFile).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age < UNFINISHED_LOCK_MS) {
        await sleep(RETRY_MS);
        continue;
      }
    } else if (pid === process.pid ? heldHere.has(lockFile) : isAlive(pid)) {
      return { heldBy: { pid, lockFile } };
    }
    await removeStale(lockFile, existing);
    if (Date.now() > deadline) throw new Error(`could not take over the stale lock ${lockFile}`);
    await sleep(RETRY_MS * Math.random());
  }
}
