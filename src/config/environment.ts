/** The process environment, parsed once with zod: the only module that reads process.env. */
import { availableParallelism } from 'node:os';
import { CodedError } from '@/errors/coded-error';
import { z } from 'zod';

/** The environment names a setting that is present but unusable; the process should not start. */
export class EnvironmentError extends CodedError {
  readonly code = 'INVALID_ENVIRONMENT';
  constructor(readonly issues: string[]) {
    super(`invalid environment: ${issues.join('; ')}`);
  }
}

// An empty variable (`DATABASE_URL=` in a shell or .env file) means "not set", not "invalid".
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

const MAX_EXPLAIN_THREADS = 256;
const explainThreads = { error: `must be a whole number of threads from 0 to ${MAX_EXPLAIN_THREADS}` };
export const MAX_SERVER_PROCESSES = 64;
const serverProcesses = { error: `must be a whole number of processes from 1 to ${MAX_SERVER_PROCESSES}` };

const environmentSchema = z
  .object({
    NODE_ENV: z.preprocess(unsetWhenEmpty, z.enum(['development', 'test', 'production']).default('development')),
    /** Postgres to keep audit records in; when absent the embedded PGlite database in DATA_DIR is used. */
    DATABASE_URL: z.preprocess(
      unsetWhenEmpty,
      z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
    ),
    /** Directory of the embedded PGlite database (used only without DATABASE_URL). */
    DATA_DIR: z.preprocess(unsetWhenEmpty, z.string().default('.data/pglite')),
    /**
     * Ed25519 private key (PKCS#8 PEM, readable by its owner only) that signs audit checkpoints; keep it
     * off the database's machine. Without it the embedded default makes one in DATA_DIR on first start,
     * and a Postgres deployment serves no checkpoints.
     */
    AUDIT_SIGNING_KEY_FILE: z.preprocess(unsetWhenEmpty, z.string().optional()),
    /** Directory of the shipped models (models/<id>/card.json and model.onnx). */
    MODELS_DIR: z.preprocess(unsetWhenEmpty, z.string().default('models')),
    /**
     * NATS server with JetStream for the stream way in (`npm run worker`, replay). Without it the Console runs without
     * that way in; the worker command itself falls back to nats://127.0.0.1:4222 and says so.
     */
    NATS_URL: z.preprocess(
      unsetWhenEmpty,
      z.url({ protocol: /^(nats|tls|ws|wss)$/, error: 'must be a nats://, tls://, ws:// or wss:// URL' }).optional(),
    ),
    /**
     * Server processes `npm start` runs on one port (src/server/cluster.ts); `--workers` overrides it. Above 1 it needs
     * DATABASE_URL: the embedded database is opened by one process.
     */
    SERVER_PROCESSES: z.preprocess(
      unsetWhenEmpty,
      z.coerce
        .number(serverProcesses)
        .int(serverProcesses)
        .min(1, serverProcesses)
        .max(MAX_SERVER_PROCESSES, serverProcesses)
        .default(1),
    ),
    /**
     * Worker threads that explain batch rows (TreeSHAP) beside the main thread; by default the cores each server
     * process has to itself (cores ÷ SERVER_PROCESSES). 0 or 1 turns the pool off: one worker thread explains no faster
     * than the main thread, which would wait for it.
     */
    EXPLAIN_POOL_SIZE: z.preprocess(
      unsetWhenEmpty,
      z.coerce
        .number(explainThreads)
        .int(explainThreads)
        .min(0, explainThreads)
        .max(MAX_EXPLAIN_THREADS, explainThreads)
        .optional(),
    ),
    /** The port `npm start` serves on when `--port` is not given (as `next start` reads it). */
    PORT: z.preprocess(
      unsetWhenEmpty,
      z.coerce
        .number({ error: 'must be a port number, 0 to 65535' })
        .int('must be a port number, 0 to 65535')
        .min(0, 'must be a port number, 0 to 65535')
        .max(65535, 'must be a port number, 0 to 65535')
        .default(3000),
    ),
    /** The API key `npm run replay` sends as a bearer token when `--key` is not given. */
    CRC_API_KEY: z.preprocess(unsetWhenEmpty, z.string().optional()),
  })
  .transform((settings) => ({
    ...settings,
    EXPLAIN_POOL_SIZE: settings.EXPLAIN_POOL_SIZE ?? Math.floor(availableParallelism() / settings.SERVER_PROCESSES),
  }));

export type Environment = Readonly<z.infer<typeof environmentSchema>>;

/** Parses `env` (the process environment unless given) into a frozen settings object. */
export function loadEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new EnvironmentError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return Object.freeze(parsed.data);
}

/**
 * The environment a child process (Prisma's CLI) inherits: a copy of this process's, for the caller to
 * add its own settings to. Not validated: it is the child's, not the Console's.
 */
export function childEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
