/**
 * `npm start` (after `next build`): `node --import tsx src/server/start-command.ts [--port <n>] [--hostname <h>]
 * [--workers <n>]` serves the built app on the process's own server (http-server.ts), on PORT or 3000 like
 * `next start`, in one process or, with --workers or SERVER_PROCESSES above 1, in several sharing the port
 * (cluster.ts), and shuts down gracefully on SIGTERM or SIGINT.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { loadEnvironment, MAX_SERVER_PROCESSES, type Environment } from '@/config/environment';
import { CodedError } from '@/errors/coded-error';
import { processMetrics } from '@/telemetry/metrics';
import { announceReady, EmbeddedDatabaseOneProcessError, startCluster } from './cluster';

const USAGE =
  'usage: npm start -- [--port <0-65535; default PORT, else 3000>] [--hostname <address; default every one>] ' +
  `[--workers <1-${MAX_SERVER_PROCESSES}; default SERVER_PROCESSES, else 1>]`;

/** A command line the server cannot start with; the usage goes with the message. */
export class StartUsageError extends CodedError {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

/**
 * The built app runs only as a production server: under any other NODE_ENV Next.js and React would load their
 * development code beside a production build. `npm start` sets it; `npm run dev` is the development server.
 */
export class NotProductionError extends CodedError {
  readonly code = 'NOT_PRODUCTION';
  constructor(nodeEnv: string) {
    super(
      `NODE_ENV is ${nodeEnv}: this server serves the production build, so run it with NODE_ENV=production (npm start does), or use npm run dev`,
    );
  }
}

export interface StartOptions {
  port: number;
  /** Absent: every interface. */
  hostname?: string;
  /** Server processes sharing the port (cluster.ts); 1 serves in this process. */
  workers: number;
}

/**
 * The options from the command line, the port falling back on the environment's PORT (3000 when unset) and the
 * processes on SERVER_PROCESSES (1 when unset).
 */
export function parseStartArgs(
  args: string[],
  environment: Pick<Environment, 'PORT' | 'SERVER_PROCESSES'>,
): StartOptions {
  let values: { port?: string; hostname?: string; workers?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string', short: 'p' },
        hostname: { type: 'string', short: 'H' },
        workers: { type: 'string', short: 'w' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new StartUsageError((error as Error).message);
  }
  const given = values.port;
  if (given !== undefined && (!/^\d{1,5}$/.test(given) || Number(given) > 65535))
    throw new StartUsageError(`--port must be a whole number from 0 to 65535; got ${given}`);
  const port = given === undefined ? environment.PORT : Number(given);
  if (values.hostname !== undefined && values.hostname.trim() === '')
    throw new StartUsageError('--hostname must not be empty');
  const workers = values.workers;
  if (workers !== undefined && (!/^\d{1,2}$/.test(workers) || +workers < 1 || +workers > MAX_SERVER_PROCESSES))
    throw new StartUsageError(`--workers must be a whole number from 1 to ${MAX_SERVER_PROCESSES}; got ${workers}`);
  return {
    port,
    ...(values.hostname === undefined ? {} : { hostname: values.hostname }),
    workers: workers === undefined ? environment.SERVER_PROCESSES : Number(workers),
  };
}

/** Stops on SIGTERM or SIGINT with `stop`, exiting 143 or 130 (1 if stopping failed). */
function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  // A second signal while stopping (a supervisor's repeat, Ctrl-C twice) is left to the first; SIGKILL ends it at once.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    stop(signal).then(
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
      (error: unknown) => {
        console.error(`stopping failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function main(): Promise<void> {
  const environment = loadEnvironment();
  if (environment.NODE_ENV !== 'production') throw new NotProductionError(environment.NODE_ENV);
  const options = parseStartArgs(process.argv.slice(2), environment);
  const where = (port: number) => `http://${options.hostname ?? 'localhost'}:${port}`;
  if (options.workers > 1 && cluster.isPrimary) {
    if (!environment.DATABASE_URL) throw new EmbeddedDatabaseOneProcessError(options.workers);
    // The primary loads no app code: it only supervises (cluster.ts). Signals are taken from the start on: a stop
    // during the start ends the workers already started too.
    const running = startCluster({
      workers: options.workers,
      env: { SERVER_PROCESSES: String(options.workers) },
      log: (line) => console.log(line),
    });
    stopOnSignals((signal) => running.stop(signal));
    let port: number;
    try {
      port = await running.ready;
    } catch (error) {
      if (running.stopping) return; // the signal's own exit follows
      throw error;
    }
    console.log(`serving ${where(port)} from ${options.workers} processes (GraphQL at /api/graphql)`);
    return;
  }
  // The primary gathers a worker's metrics from the moment it runs, not from its services' start.
  if (cluster.isWorker) processMetrics();
  // Loaded here, not at the top: a cluster's primary never needs Next.js or the services.
  const { startHttpServer } = await import('./http-server');
  const { startServices } = await import('./startup');
  const server = await startHttpServer(options);
  stopOnSignals(() => server.close());
  // Next.js starts them (src/instrumentation.ts) without holding the start for them; the ready line waits.
  await startServices();
  if (cluster.isWorker) announceReady();
  else console.log(`serving ${where(server.port)} (GraphQL at /api/graphql)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof StartUsageError ? 2 : 1);
  });
}
