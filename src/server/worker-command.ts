/**
 * `npm run worker -- [--name <name>] [--concurrency <n>]`: the JetStream way in as its own process. It stores the
 * observation messages of the stream CRC_OBSERVATIONS through the monitor, sharing the durable consumer with every
 * other worker, and stops gracefully on SIGTERM or SIGINT (finishing the messages in hand).
 */
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadEnvironment } from '@/config/environment';
import { CodedError } from '@/errors/coded-error';
import { DatabaseUnavailableError } from '@/db/database';
import { OBSERVATION_STREAM, type StreamNames } from '@/ingest/observation-stream';
import { mapBundle } from '@/ingest/fhir-bundle';
import { runWorker, type ObservationSink } from '@/ingest/observation-worker';
import { UnreadableMessageError } from '@/ingest/stream-message';
import type { IngestBatch } from '@/monitoring/monitor-input';
import { processMetrics } from '@/telemetry/metrics';
import { services, shutdownServices, type Services } from './service-container';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

const USAGE = `usage: npm run worker -- [--name <worker name>] [--concurrency <messages in hand at once, 1-256>]
  [--ack-wait <seconds a message may be in hand before it is redelivered, 1-600; default 30>]
  [--stream <name>] [--subject-prefix <prefix>] [--consumer <durable name>]   (defaults: ${OBSERVATION_STREAM.stream}, ${OBSERVATION_STREAM.subjectPrefix}, ${OBSERVATION_STREAM.consumer}; tests use their own)`;

/** A command line the worker cannot run with; the usage goes with the message. */
export class WorkerUsageError extends CodedError {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

export interface WorkerCommandOptions {
  name: string;
  concurrency: number;
  names: StreamNames;
  /** Set on the durable consumer (shared by every worker on it); absent: the stream's default. */
  ackWaitMs?: number;
}

export function parseWorkerArgs(args: string[]): WorkerCommandOptions {
  let values: {
    name?: string;
    concurrency?: string;
    stream?: string;
    'subject-prefix'?: string;
    consumer?: string;
    'ack-wait'?: string;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        name: { type: 'string' },
        concurrency: { type: 'string' },
        stream: { type: 'string' },
        'subject-prefix': { type: 'string' },
        consumer: { type: 'string' },
        'ack-wait': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new WorkerUsageError((error as Error).message);
  }
  const concurrency = values.concurrency === undefined ? 4 : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new WorkerUsageError(`--concurrency must be a whole number from 1 to 256; got ${values.concurrency}`);
  }
  const name = values.name ?? `${hostname()}-${process.pid}`;
  if (name.trim() === '') throw new WorkerUsageError('--name must not be empty');
  const names: StreamNames = {
    stream: values.stream ?? OBSERVATION_STREAM.stream,
    subjectPrefix: values['subject-prefix'] ?? OBSERVATION_STREAM.subjectPrefix,
    consumer: values.consumer ?? OBSERVATION_STREAM.consumer,
  };
  for (const [flag, value, pattern] of [
    ['--stream', names.stream, /^[A-Za-z0-9_-]+$/],
    ['--subject-prefix', names.subjectPrefix, /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/],
    ['--consumer', names.consumer, /^[A-Za-z0-9_-]+$/],
  ] as const) {
    if (!pattern.test(value))
      throw new WorkerUsageError(
        `${flag} must be letters, digits, _ and -${flag === '--subject-prefix' ? ' in dot-separated tokens' : ''}; got "${value}"`,
      );
  }
  const ackWait = values['ack-wait'] === undefined ? undefined : Number(values['ack-wait']);
  if (ackWait !== undefined && (!Number.isInteger(ackWait) || ackWait < 1 || ackWait > 600))
    throw new WorkerUsageError(`--ack-wait must be a whole number of seconds from 1 to 600; got ${values['ack-wait']}`);
  return { name, concurrency, names, ...(ackWait === undefined ? {} : { ackWaitMs: ackWait * 1000 }) };
}

/** The monitor the worker stores through. */
function monitorOf(built: Services): ObservationSink {
  return { ingest: (batch) => built.monitor.ingest(batch), ping: () => built.database.ping() };
}

/** A FHIR Bundle on the stream is read as /api/fhir reads it; its problems name the Bundle's elements. */
function bundleReader(built: Services, requester: string) {
  return (bundle: unknown): IngestBatch => {
    const mapping = mapBundle(bundle, built.monitor.vocabulary, requester);
    if (!mapping.ok)
      throw new UnreadableMessageError(mapping.problems.map((p) => ({ name: p.expression, message: p.message })));
    return { ...mapping.mapped.batch, source: 'nats' };
  };
}

/** Builds the services, waiting while the database is unavailable (a worker may start before it). */
async function servicesWhenAvailable(signal: AbortSignal, log: pino.Logger): Promise<Services | null> {
  for (let delayMs = 500; !signal.aborted; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      return await services();
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      log.warn({ err: error, retryInMs: delayMs }, 'database unavailable at start; waiting');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return null;
}

async function main(): Promise<void> {
  const options = parseWorkerArgs(process.argv.slice(2));
  const environment = loadEnvironment();
  const log = pino({ name: 'worker' });
  const servers = environment.NATS_URL ?? DEFAULT_NATS_URL;
  if (!environment.NATS_URL) console.log(`NATS_URL is not set: using ${DEFAULT_NATS_URL}`);

  const controller = new AbortController();
  // `on`, not `once`: a signal sent to the process group reaches this process twice (directly and relayed by tsx),
  // and the second must not kill it mid-stop with Node's default handler. SIGKILL is the way to end it at once.
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    log.info({ signal }, 'stopping: finishing the messages in hand');
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const built = await servicesWhenAvailable(controller.signal, log);
  if (!built) return;
  try {
    const worker = await runWorker({
      servers,
      monitor: monitorOf(built),
      fromBundle: bundleReader(built, options.name),
      name: options.name,
      concurrency: options.concurrency,
      names: options.names,
      ...(options.ackWaitMs ? { ackWaitMs: options.ackWaitMs } : {}),
      logger: log,
      signal: controller.signal,
      metrics: processMetrics(),
    });
    // Tests and supervisors wait for this line.
    console.log(`worker ${options.name} consuming ${options.names.stream} on ${servers}`);
    const counters = await worker.stopped;
    console.log(`worker ${options.name} stopped: ${JSON.stringify(counters)}`);
  } finally {
    await shutdownServices();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`worker: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof WorkerUsageError ? 2 : 1;
  });
}
