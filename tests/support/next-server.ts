/**
 * Builds the Next.js app when its sources changed and runs the process's own server (`npm start`'s second step,
 * src/server/start-command.ts: Next.js with GraphQL on node:http) on a free port with a given environment, for HTTP
 * tests.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lock } from 'proper-lockfile';

const NEXT = join('node_modules', 'next', 'dist', 'bin', 'next');
const execFileAsync = promisify(execFile);
/** What `npm start` runs after the build. */
export const START_COMMAND = join('src', 'server', 'start-command.ts');
/** Written into .next after a successful build: the fingerprint of the sources it was built from. */
const FINGERPRINT_FILE = join('.next', 'crc-source-fingerprint');
/** What `next build` reads: the app's sources and the settings and packages it compiles them with. */
const BUILD_INPUTS = ['src', 'public', 'next.config.js', 'tsconfig.json', 'package-lock.json', '.swcrc'];

/** Every file under `path` (or `path` itself when it is a file), in a fixed order. */
function* files(path: string): Generator<string> {
  if (!statSync(path).isDirectory()) return yield path;
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) yield* files(join(path, entry.name));
}

/** SHA-256 over every build input's path and bytes. */
export function sourceFingerprint(): string {
  const hash = createHash('sha256');
  for (const input of BUILD_INPUTS.filter((path) => existsSync(path)))
    for (const path of files(input)) hash.update(path).update('\0').update(readFileSync(path)).update('\0');
  return hash.digest('hex');
}

/**
 * Held by the one process building: jest runs two test files at once (jest.config.js), and two `next build`s writing
 * one .next would break both. Beside .next, not in it: a build empties .next first.
 */
const BUILD_LOCK = '.next-build.lock';

/**
 * `next build`, unless .next already holds a build of exactly these sources. Every suite that serves the app calls
 * this, and jest gives each test file fresh modules, so a flag in memory would rebuild once per file; the
 * fingerprint on disk makes it once per change of the code, and the suites still test the code as it is. A suite
 * that finds another building waits for it, then finds its build current.
 */
export async function buildApp(): Promise<void> {
  const fingerprint = sourceFingerprint();
  const built = () =>
    existsSync(join('.next', 'BUILD_ID')) &&
    existsSync(FINGERPRINT_FILE) &&
    readFileSync(FINGERPRINT_FILE, 'utf8') === fingerprint;
  if (built()) return;
  // A lock whose holder died is taken over once it has not been refreshed for `stale` ms.
  const release = await lock('.', {
    lockfilePath: BUILD_LOCK,
    stale: 30_000,
    retries: { retries: 600, minTimeout: 1_000, maxTimeout: 1_000 },
  });
  try {
    if (built()) return;
    // Asynchronously: the lock is kept fresh by timers, which a blocked event loop would not run.
    await execFileAsync(process.execPath, [NEXT, 'build'], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`next build failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    writeFileSync(FINGERPRINT_FILE, fingerprint);
  } finally {
    await release();
  }
}

/** A port on 127.0.0.1 nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface RunningApp {
  url: string;
  /**
   * The process started: with one server process, the one that serves the requests (for reading its memory in /proc);
   * with --workers, the primary, whose children serve.
   */
  pid: number;
  /** Everything the server has printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM; resolves with the exit code once the process has ended. */
  stop(): Promise<number | null>;
}

/**
 * Starts the server as `npm start` does, with `env` added (and `args` after the port and hostname), and waits until
 * /api/health answers (with any status) and, with --workers, until the primary says every worker is ready.
 */
export async function startApp(env: Record<string, string>, args: string[] = []): Promise<RunningApp> {
  const port = await freePort();
  // Node itself, not npm or tsx's CLI, so that `pid` is the process serving the requests (the primary, with --workers).
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', START_COMMAND, '--port', String(port), '--hostname', '127.0.0.1', ...args],
    {
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await fetch(`${url}/api/health`);
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  // The first worker answers /api/health before the others have started (src/server/cluster.ts).
  if (args.includes('--workers'))
    while (!/^serving \S+ from \d+ processes/m.test(output)) {
      if (Date.now() > deadline + 60_000 || child.exitCode !== null)
        throw new Error(`the server's processes did not all start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  return {
    url,
    pid: child.pid!,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
}
