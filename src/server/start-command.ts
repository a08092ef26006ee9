/**
 * `npm start` (after `next build`): `node --import tsx src/server/start-command.ts [--port <n>] [--hostname <h>]` serves
 * the built app on the process's own server (http-server.ts), on PORT or 3000 like `next start`, and shuts down
 * gracefully on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { loadEnvironment, type Environment } from '@/config/environment';
import { CodedError } from '@/errors/coded-error';
import { startHttpServer } from './http-server';

const USAGE =
  'usage: npm start -- [--port <0-65535; default PORT, else 3000>] [--hostname <address; default every one>]';

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
}

/** The options from the command line, the port falling back on the environment's PORT (3000 when unset). */
export function parseStartArgs(args: string[], environment: Pick<Environment, 'PORT'>): StartOptions {
  let values: { port?: string; hostname?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
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
  return { port, ...(values.hostname === undefined ? {} : { hostname: values.hostname }) };
}

async function main(): Promise<void> {
  const environment = loadEnvironment();
  if (environment.NODE_ENV !== 'production') throw new NotProductionError(environment.NODE_ENV);
  const options = parseStartArgs(process.argv.slice(2), environment);
  const server = await startHttpServer(options);
  console.log(`serving http://${options.hostname ?? 'localhost'}:${server.port} (GraphQL at /api/graphql)`);
  let stopping = false;
  // A second signal while stopping (a supervisor's repeat, Ctrl-C twice) is left to the first; SIGKILL ends it at once.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    server.close().then(
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

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof StartUsageError ? 2 : 1);
  });
}
