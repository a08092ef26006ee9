/**
 * `npm run replay -- --patients 40 --speed 600 --via graphql|fhir|nats|direct`: plays PhysioNet 2019 set A stays into
 * the Console hour by hour, admitted now, so the monitor can be watched at work without a hospital.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvironment } from '@/config/environment';
import { CodedError } from '@/errors/coded-error';
import { modelCardSchema } from '@/inference/model-card';
import { readPhysioNet2019Stays } from '@/ingest/physionet2019-stays';
import { replayPlan, runIdOf, type ReplayPlan } from '@/ingest/replay-plan';
import { replay, type ReplaySummary } from '@/ingest/replay';
import {
  TRANSPORTS,
  directTransport,
  fhirTransport,
  graphqlTransport,
  natsTransport,
  type ReplayTransport,
  type TransportName,
} from '@/ingest/replay-transports';
import { MONITORED_MODELS, MonitorVocabulary, type MonitoredModel } from '@/monitoring/vocabulary';
import type { ModelCard } from '@/inference/model-card';

const USAGE = `usage: npm run replay -- [--patients N] [--skip K] [--speed S|max] [--via ${TRANSPORTS.join('|')}]
                         [--url http://localhost:3000] [--key <API key>] [--nats nats://127.0.0.1:4222]
                         [--data data/physionet2019/setA.csv.gz] [--concurrency 8]
  --patients   stays to play (default 40), from the start of the file after --skip (alias --offset)
  --speed      stay hours per wall hour (default 600: an hour every 6 s); 0 or max = as fast as possible
  --via        graphql (default), fhir, nats (JetStream; the worker stores them) or direct (in-process, no server)
  --key        a bearer API key for graphql and fhir (default: env CRC_API_KEY)`;

/** A command line the replay cannot run; the usage goes with the message. */
export class ReplayUsageError extends CodedError {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

export interface ReplayCommandOptions {
  patients: number;
  skip: number;
  speed: number;
  via: TransportName;
  url: string;
  key: string | undefined;
  nats: string;
  data: string;
  concurrency: number;
}

function wholeNumber(option: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min)
    throw new ReplayUsageError(`--${option} must be a whole number from ${min}; got "${text}"`);
  return value;
}

/** The options of a command line, checked; settings from the environment fill what is not given. */
export function parseReplayArgs(
  args: string[],
  environment: { CRC_API_KEY?: string; NATS_URL?: string } = loadEnvironment(),
): ReplayCommandOptions {
  let values: Record<string, string | undefined>;
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: Object.fromEntries(
        ['patients', 'skip', 'offset', 'speed', 'via', 'url', 'key', 'nats', 'data', 'concurrency'].map((name) => [
          name,
          { type: 'string' as const },
        ]),
      ),
    });
    values = parsed.values as Record<string, string | undefined>;
  } catch (error) {
    // An unknown option, one without its value, or a positional argument.
    throw new ReplayUsageError((error as Error).message);
  }
  if (values.skip !== undefined && values.offset !== undefined)
    throw new ReplayUsageError('--skip and --offset are the same option: give one');
  const via = values.via ?? 'graphql';
  if (!(TRANSPORTS as readonly string[]).includes(via))
    throw new ReplayUsageError(`--via must be one of ${TRANSPORTS.join(', ')}; got "${via}"`);
  let speed = 600;
  if (values.speed !== undefined) {
    const text = values.speed.trim();
    speed = text === 'max' ? 0 : Number(text);
    if (text === '' || !Number.isFinite(speed) || speed < 0)
      throw new ReplayUsageError(
        `--speed must be a number of stay hours per wall hour, 0 or more, or max; got "${values.speed}"`,
      );
  }
  const url = values.url ?? 'http://localhost:3000';
  if (!/^https?:\/\/[^/\s]+/.test(url))
    throw new ReplayUsageError(`--url must be the Console's http:// or https:// base URL; got "${url}"`);
  const key = values.key ?? environment.CRC_API_KEY;
  if ((via === 'graphql' || via === 'fhir') && !key)
    throw new ReplayUsageError(
      `--via ${via} needs an API key: --key <key> or CRC_API_KEY (npm run keys -- create --role <role> --name replay)`,
    );
  const nats = values.nats ?? environment.NATS_URL ?? 'nats://127.0.0.1:4222';
  if (!/^(nats|tls|wss?):\/\/\S+$/.test(nats))
    throw new ReplayUsageError(`--nats must be a nats://, tls:// or ws(s):// URL; got "${nats}"`);
  return {
    patients: wholeNumber('patients', values.patients, 40, 1),
    skip: wholeNumber(values.offset !== undefined ? 'offset' : 'skip', values.skip ?? values.offset, 0, 0),
    speed,
    via: via as TransportName,
    url,
    key,
    nats,
    data: values.data ?? 'data/physionet2019/setA.csv.gz',
    concurrency: wholeNumber('concurrency', values.concurrency, 8, 1),
  };
}

/** The vocabulary of the shipped cards, read without loading the models (HTTP and stream replays need no ONNX). */
async function vocabularyOfCards(modelsDir: string): Promise<MonitorVocabulary> {
  const cards: Partial<Record<MonitoredModel, ModelCard>> = {};
  for (const id of MONITORED_MODELS) {
    const text = await readFile(join(modelsDir, id, 'card.json'), 'utf8').catch(() => null);
    if (text !== null) cards[id] = modelCardSchema.parse(JSON.parse(text));
  }
  return MonitorVocabulary.fromCards(cards);
}

/** Reads the stays and makes their plans: all before the first send, since every stay is admitted at the start. */
export async function replayPlans(
  options: Pick<ReplayCommandOptions, 'data' | 'patients' | 'skip'>,
  vocabulary: MonitorVocabulary,
  startedAt: Date,
): Promise<ReplayPlan[]> {
  const plans: ReplayPlan[] = [];
  const runId = runIdOf(startedAt);
  for await (const stay of readPhysioNet2019Stays(options.data, { patients: options.patients, skip: options.skip }))
    plans.push(replayPlan(stay, { runId, admittedAt: startedAt, vocabulary }));
  return plans;
}

function onsetLine(plans: readonly ReplayPlan[]): string {
  const septic = plans.filter((p) => p.onsetHour !== null);
  if (septic.length === 0) return 'no stay of this run reaches sepsis onset (by the challenge labels)';
  // Kept for whoever watches the board: the Console itself is never told.
  return `sepsis onset (challenge label + 6 h, not sent): ${septic.map((p) => `${p.stayRef} hour ${p.onsetHour}`).join(', ')}`;
}

async function main(): Promise<ReplaySummary> {
  const options = parseReplayArgs(process.argv.slice(2));
  const environment = loadEnvironment();
  const startedAt = new Date();
  let transport: ReplayTransport;
  let vocabulary: MonitorVocabulary;
  let closeServices: () => Promise<void> = async () => undefined;
  if (options.via === 'direct') {
    // Only here: the other ways in reach a running Console, which owns the database.
    const { services, shutdownServices } = await import('./service-container');
    const built = await services();
    vocabulary = built.monitor.vocabulary;
    transport = directTransport(built.monitor);
    closeServices = shutdownServices;
  } else {
    vocabulary = await vocabularyOfCards(environment.MODELS_DIR);
    transport =
      options.via === 'graphql'
        ? graphqlTransport({ url: options.url, key: options.key as string })
        : options.via === 'fhir'
          ? fhirTransport({ url: options.url, key: options.key as string, vocabulary })
          : await natsTransport({ servers: options.nats });
  }
  try {
    const plans = await replayPlans(options, vocabulary, startedAt);
    const target = options.via === 'nats' ? options.nats : options.via === 'direct' ? 'the database' : options.url;
    process.stdout.write(
      `replaying ${plans.length} stays of ${options.data} via ${options.via} to ${target}, run ${runIdOf(startedAt)}, ` +
        `${options.speed === 0 ? 'as fast as possible' : `${options.speed}× (a stay hour every ${(3600 / options.speed).toFixed(1)} s)`}\n`,
    );
    process.stdout.write(`${onsetLine(plans)}\n`);
    return await replay({
      plans,
      transport,
      speed: options.speed,
      startedAt,
      concurrency: options.concurrency,
      log: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    await transport.close();
    await closeServices();
  }
}

if (require.main === module) {
  main()
    .then((summary) => {
      process.exitCode = summary.failures > 0 ? 1 : 0;
    })
    .catch((error: unknown) => {
      process.stderr.write(
        `${error instanceof CodedError ? error.message : String((error as Error)?.stack ?? error)}\n`,
      );
      process.exitCode = 2;
    });
}
