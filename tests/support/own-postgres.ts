/**
 * A private Postgres cluster (initdb + pg_ctl with the machine's binaries) on a free port, for tests that stop and
 * restart the database.
 */
import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { freePort } from './next-server';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OwnPostgres {
  /** Server URL without a database, e.g. postgresql://postgres@127.0.0.1:PORT (trust auth). */
  url: string;
  port: number;
  /** Fast shutdown: sessions are ended and the port closed at once; resolves when the server is down. */
  stop(): Promise<void>;
  /** Starts the stopped cluster again on the same port; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (immediately) and removes its directory. */
  destroy(): Promise<void>;
}

/** The newest installed major version's bin directory (Debian layout: /usr/lib/postgresql/<major>/bin). */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'pg_ctl'))) : [];
  if (majors.length === 0) throw new Error(`no Postgres binaries under ${root}/*/bin (apt-get install postgresql)`);
  majors.sort((a, b) => Number(b) - Number(a));
  return join(root, majors[0], 'bin');
}

/** initdb refuses to run as root: as root the cluster belongs to the `postgres` OS user. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root and there is no `postgres` user to own the test cluster');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(file: string, args: string[], options: ExecFileOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
}

/**
 * Creates and starts a cluster in a new temporary directory, listening on 127.0.0.1 only (socket in that directory).
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = postgresBinDir();
  const owner = clusterOwner();
  const dir = await mkdtemp(join(tmpdir(), 'crc-own-pg-'));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  // Neither the parent's PG* variables nor its HOME (unreadable to the postgres user) leak into the cluster's tools.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: dir };
  // (Next's types make NODE_ENV required in ProcessEnv; the cluster's tools do not read it.)
  const options: ExecFileOptions = { env: env as NodeJS.ProcessEnv, cwd: dir, ...(owner ?? {}) };
  const pgCtl = join(bin, 'pg_ctl');
  await run(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    options,
  );
  // fsync off: a test cluster need not survive a power cut, and the restart stays fast.
  const serverOptions = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c max_connections=50`;
  let running = false;
  const start = async () => {
    await run(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', serverOptions], options);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await run(pgCtl, ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '30'], options);
    running = false;
  };
  try {
    await start();
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}`,
    port,
    stop: () => stop('fast'),
    start,
    async destroy() {
      try {
        await stop('immediate');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
