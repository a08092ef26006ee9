/**
 * `npm run studio [-- --port N --browser none]`: Prisma Studio on the audit records (table `prediction`).
 *
 * With DATABASE_URL, Studio connects to that Postgres. Without it the records live in the embedded
 * PGlite database (DATA_DIR, default .data/pglite), which Studio cannot open as a directory: this
 * command opens it and serves it on 127.0.0.1 (a free port, for this session only) over the Postgres
 * wire protocol, handing each client message to PGlite's `execProtocolRaw`, and points Studio there.
 * PGlite is one session, so clients are served one at a time (Studio is told to use one connection).
 * The app must not use the same PGlite directory meanwhile: stop `npm run dev`/`start` first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { childEnvironment, loadEnvironment } from '@/config/environment';

const CONFIG = join('prisma', 'prisma.config.ts');
const PRISMA = join('node_modules', '.bin', 'prisma');

// Startup-phase request codes (no type byte): SSLRequest, GSSENCRequest, CancelRequest.
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/** Runs Prisma Studio with `url` as DATABASE_URL; resolves with its exit code. */
function runStudio(url: string, args: string[]): Promise<number> {
  const inherited = childEnvironment();
  const child = spawn(PRISMA, ['studio', '--config', CONFIG, ...args], {
    stdio: 'inherit',
    env: {
      ...inherited,
      DATABASE_URL: url,
      // DESIGN.md: the CLI tries to download a schema engine unless this names an existing file.
      PRISMA_SCHEMA_ENGINE_BINARY: inherited.PRISMA_SCHEMA_ENGINE_BINARY ?? 'package.json',
      // No update check or telemetry: the workplace is offline.
      CHECKPOINT_DISABLE: '1',
    },
  });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 0 : 1)));
  });
}

/** Serves one client at a time: each gets the PGlite session until it disconnects. */
function servePglite(pglite: PGlite): Server {
  let turn: Promise<void> = Promise.resolve();
  return createServer((socket) => {
    socket.pause();
    const previous = turn;
    turn = previous.then(() => serveClient(pglite, socket));
  });
}

function serveClient(pglite: PGlite, socket: Socket): Promise<void> {
  return new Promise((done) => {
    let buffer = Buffer.alloc(0);
    let started = false;
    let work: Promise<void> = Promise.resolve();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      // A client gone mid-transaction must not leave it open for the next one.
      work
        .then(() => pglite.exec('ROLLBACK'))
        .catch(() => undefined)
        .finally(done);
    };
    const send = (data: Uint8Array) => {
      if (!socket.destroyed && data.length > 0) socket.write(data);
    };
    const handle = async (message: Buffer, startup: boolean) => {
      if (startup) {
        const code = message.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) return send(Buffer.from('N'));
        if (code === CANCEL_REQUEST) return void socket.end();
        started = true;
      } else if (message[0] === 0x58 /* Terminate */) {
        return void socket.end();
      }
      send(await pglite.execProtocolRaw(message));
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const header = started ? 1 : 0;
        if (buffer.length < header + 4) break;
        const length = header + buffer.readInt32BE(header);
        if (buffer.length < length) break;
        const message = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        const startup = !started;
        if (startup && message.readInt32BE(4) === 196608) started = true;
        work = work.then(() => handle(message, startup)).catch(() => void socket.destroy());
      }
    });
    socket.on('close', finish);
    socket.on('error', () => socket.destroy());
    socket.resume();
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!existsSync(PRISMA)) throw new Error(`${PRISMA} is missing: run npm install`);
  const environment = loadEnvironment();
  if (environment.DATABASE_URL) {
    process.exitCode = await runStudio(environment.DATABASE_URL, args);
    return;
  }
  const dataDir = environment.DATA_DIR;
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new Error(
      `no embedded database in ${dataDir}: run \`npm run db:migrate\` first, or set DATABASE_URL to a Postgres`,
    );
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir);
  } catch (error) {
    throw new Error(
      `cannot open the embedded database in ${dataDir} (is the app running on it? stop it first): ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    const { rows } = await pglite.query<{ table: string | null }>(
      `SELECT to_regclass('public.prediction')::text AS "table"`,
    );
    if (!rows[0]?.table)
      process.stderr.write(
        `the embedded database in ${dataDir} has no prediction table yet: run \`npm run db:migrate\`\n`,
      );
    const server = servePglite(pglite);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`serving the embedded database ${dataDir} on 127.0.0.1:${port} for this Studio session\n`);
    try {
      // max=1: postgres.js (Studio's driver) opens one connection, the one PGlite session.
      process.exitCode = await runStudio(
        `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable&max=1`,
        args,
      );
    } finally {
      server.close();
      server.unref();
    }
  } finally {
    await pglite.close();
  }
}

main()
  .then(() => process.exit())
  .catch((error: unknown) => {
    process.stderr.write(`studio failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
