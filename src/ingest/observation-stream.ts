/** The JetStream stream of observation messages: its names, its idempotent setup, and a publisher for producers. */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
} from '@nats-io/jetstream';
import { headers, nanos } from '@nats-io/transport-node';

/** Where one deployment's stream lives; tests pass their own names so they never meet a running worker. */
export interface StreamNames {
  /** The stream's name. */
  stream: string;
  /** The subjects' first tokens: messages go to `<prefix>.<unit>`, dead letters to `<prefix>.rejected`. */
  subjectPrefix: string;
  /** The durable pull consumer every worker shares. */
  consumer: string;
}

export const OBSERVATION_STREAM: StreamNames = Object.freeze({
  stream: 'CRC_OBSERVATIONS',
  subjectPrefix: 'crc.observations',
  consumer: 'crc-monitor',
});

/** The last token of the dead-letter subject; a unit of that name is published under `_rejected` (unitToken). */
export const REJECTED_TOKEN = 'rejected';

/** How long a worker may hold a message before JetStream gives it to another (workers extend it while they work). */
export const ACK_WAIT_MS = 30_000;

/**
 * How long the stream keeps a message: dead letters must outlive a weekend's outage of whoever reads them, and
 * processed messages are kept as long so a replay from the stream can rebuild a day's observations.
 */
export const STREAM_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/** The wildcard of every message subject (the units' and the dead letters'). */
export function allSubjects(names: StreamNames = OBSERVATION_STREAM): string {
  return `${names.subjectPrefix}.*`;
}

export function rejectedSubject(names: StreamNames = OBSERVATION_STREAM): string {
  return `${names.subjectPrefix}.${REJECTED_TOKEN}`;
}

/**
 * The subject token of a unit. A NATS token cannot hold `.`, `*`, `>` or whitespace, so every character outside
 * `A-Z a-z 0-9 _ -` becomes `_` ("Ward 5.B" → "Ward_5_B"); an empty unit becomes `_`, and the unit `rejected` becomes
 * `_rejected` so no unit's messages land on the dead-letter subject. The token only routes (subscribers can follow one
 * unit): the message itself carries the stay's real unit, so two units sharing a token lose nothing.
 */
export function unitToken(unit: string): string {
  const token = unit.replace(/[^A-Za-z0-9_-]/g, '_');
  if (token === '') return '_';
  return token === REJECTED_TOKEN ? `_${REJECTED_TOKEN}` : token;
}

export function unitSubject(unit: string, names: StreamNames = OBSERVATION_STREAM): string {
  return `${names.subjectPrefix}.${unitToken(unit)}`;
}

export interface EnsureStreamOptions {
  names?: StreamNames;
  /** Ack wait of the durable consumer (tests shorten it to see redelivery quickly). */
  ackWaitMs?: number;
  maxAgeMs?: number;
}

/**
 * Creates the stream and its durable consumer, or brings existing ones to this configuration; safe to run by every
 * worker at every start, and by two at once.
 */
export async function ensureStream(jsm: JetStreamManager, options: EnsureStreamOptions = {}): Promise<void> {
  const names = options.names ?? OBSERVATION_STREAM;
  const streamConfig = {
    name: names.stream,
    subjects: [allSubjects(names)],
    // Limits, not work-queue retention: dead letters sit in the same stream (two streams' subjects cannot overlap),
    // and processed messages stay for replay until max_age.
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(options.maxAgeMs ?? STREAM_MAX_AGE_MS),
    // The window in which a producer's repeated msgID is dropped (publishObservations).
    duplicate_window: nanos(120_000),
  };
  await createOrUpdate(
    () => jsm.streams.info(names.stream),
    () => jsm.streams.add(streamConfig),
    () => jsm.streams.update(names.stream, streamConfig),
  );
  const consumerConfig = {
    durable_name: names.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs ?? ACK_WAIT_MS),
    // Never given up by the server: a worker naks while the database is down for as long as it is down, and
    // dead-letters a message that keeps failing for another reason itself (observation-worker.ts).
    max_deliver: -1,
    max_ack_pending: 1000,
    // One filter (nats-server 2.9 has no multi-filter consumers): the dead-letter subject is delivered too and skipped.
    filter_subject: allSubjects(names),
  };
  await createOrUpdate(
    () => jsm.consumers.info(names.stream, names.consumer),
    () => jsm.consumers.add(names.stream, consumerConfig),
    () => jsm.consumers.update(names.stream, names.consumer, consumerConfig),
  );
}

/** Info, then update or add; an add that lost a race with another worker's add becomes an update. */
async function createOrUpdate(
  info: () => Promise<unknown>,
  add: () => Promise<unknown>,
  update: () => Promise<unknown>,
): Promise<void> {
  const exists = await info().then(
    () => true,
    (error: unknown) => {
      if (isNotFound(error)) return false;
      throw error;
    },
  );
  if (exists) {
    await update();
    return;
  }
  try {
    await add();
  } catch (error) {
    if (!(error instanceof JetStreamApiError)) throw error;
    await update();
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.status === 404;
}

export interface PublishOptions {
  names?: StreamNames;
  /** A producer's id of this message: JetStream drops a repeat within two minutes (the PubAck says `duplicate`). */
  msgID?: string;
}

/**
 * Publishes one message (the JSON of `message`) for `unit` and waits for the stream to store it: a resolved PubAck
 * means the message is kept. For producers: replay, tests, benches.
 */
export async function publishObservations(
  js: JetStreamClient,
  unit: string,
  message: unknown,
  options: PublishOptions = {},
): Promise<PubAck> {
  const body = JSON.stringify(message);
  return js.publish(unitSubject(unit, options.names), body, options.msgID ? { msgID: options.msgID } : undefined);
}

/** Headers of a dead letter, so it can be found without parsing its body. */
export function rejectedHeaders(code: string) {
  const h = headers();
  h.set('Crc-Rejected-Code', code);
  return h;
}
