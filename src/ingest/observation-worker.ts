/**
 * The JetStream worker: pulls observation messages from the shared durable consumer and hands each to the monitor,
 * acknowledging a message only once the monitor has stored it.
 *
 * What happens to a message:
 * - stored (ingest resolved, its transaction committed) → acked;
 * - unreadable, or refused by the monitor (InvalidInputError) → published to the dead-letter subject with its reason,
 *   then acked: it can never succeed, and retrying it would hold up the stay's later messages;
 * - a stay not admitted yet (UnknownStayError: its admission may be on another worker) → nak'd with a growing delay,
 *   dead-lettered once delivered `maxDeliveries` times;
 * - the database is unavailable → nak'd with a delay and consuming pauses, backing off, until the database answers:
 *   never acked, never lost;
 * - anything else → nak'd with a growing delay (it may succeed later), dead-lettered once delivered `maxDeliveries`
 *   times.
 * Redelivery is safe because the monitor stores an observation once per (source, source id) and ignores an admission
 * it already holds; observations without an `id` get one from the message's stream, sequence and stored time
 * (`messageKey`, stream-message.ts).
 *
 * Ordering. Within one worker, messages of one stay are handed to the monitor in stream order (a promise chain per
 * stayRef); different stays run concurrently, at most `concurrency` messages at a time. When a stay's message is
 * retried, the stay's messages already in this worker are retried behind it rather than overtaking it. Not
 * guaranteed: order across workers (two workers sharing the consumer may hold messages of one stay at once), nor the
 * order in which JetStream redelivers retried messages. Producers that need an admission before its observations
 * send them in one message (`admitStay` with `recordObservations`), which is stored in one transaction.
 *
 * Longer than ~400 lines because acking, retrying, pausing, ordering and stopping share the state of the messages in
 * hand and are only right together.
 */
import { jetstream, jetstreamManager, type Consumer, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino, { type Logger } from 'pino';
import { CodedError } from '@/errors/coded-error';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import { DatabaseUnavailableError } from '@/db/database';
import { UnknownStayError } from '@/monitoring/monitor-service';
import type { IngestBatch, IngestResult } from '@/monitoring/monitor-input';
import type { Metrics } from '@/telemetry/metrics';
import {
  ACK_WAIT_MS,
  OBSERVATION_STREAM,
  ensureStream,
  rejectedHeaders,
  rejectedSubject,
  type StreamNames,
} from './observation-stream';
import { parseStreamMessage, stayRefsOf, UnreadableMessageError, type ParseContext } from './stream-message';

/** What the worker needs of the monitor (MonitorService in production, a fake in tests). */
export interface ObservationSink {
  ingest(batch: IngestBatch): Promise<IngestResult>;
  /** Resolves when the database answers; lets a paused worker probe without risking a message. */
  ping?(): Promise<void>;
}

export interface WorkerOptions {
  /** An open connection (the caller closes it), or `servers` to connect to (the worker drains it on stop). */
  nc?: NatsConnection;
  servers?: string | string[];
  monitor: ObservationSink;
  /** The worker's name: the requester of what it stores, and in its logs. */
  name: string;
  logger?: Logger;
  /** Aborting stops the worker gracefully (as `stop()`). */
  signal?: AbortSignal;
  /** Messages in hand at once (default 4). */
  concurrency?: number;
  names?: StreamNames;
  ackWaitMs?: number;
  /** Deliveries after which a message that keeps failing unexpectedly is dead-lettered (default 10). */
  maxDeliveries?: number;
  /** Pause after the database is found unavailable, doubling up to `maxMs` (default 500 ms to 5 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** How long a stop waits for messages in hand before nak-ing them for another worker (default 20 s). */
  stopTimeoutMs?: number;
  /** How long one pull waits for messages (default 1 s): also how long a stop may wait for the pull to end. */
  pullExpiresMs?: number;
  /** Reads a FHIR Bundle message (the command reads it as /api/fhir does); without it a Bundle is refused. */
  fromBundle?: ParseContext['fromBundle'];
  metrics?: Metrics;
}

/** What a worker has done since it started. */
export interface WorkerCounters {
  /** Messages stored and acked. */
  processed: number;
  /** Observations in those messages that were already stored. */
  duplicates: number;
  /** Messages dead-lettered. */
  rejected: number;
  /** Nak's: messages handed back for a later try. */
  retried: number;
  /** Dead letters met on the consumer (it delivers the dead-letter subject too) and acked. */
  skipped: number;
}

export interface ObservationWorker {
  readonly name: string;
  /** The server the worker is connected to. */
  readonly server: string;
  readonly counters: Readonly<WorkerCounters>;
  /** Stops pulling, finishes (or after stopTimeoutMs hands back) the messages in hand, drains its own connection. */
  stop(): Promise<WorkerCounters>;
  /** Resolves once stopped, by `stop()` or the signal. */
  readonly stopped: Promise<WorkerCounters>;
}

/** Dead letter body: what was refused, why, and the message as sent. */
export interface RejectedMessage {
  reason: string;
  code: string;
  fields?: FieldError[];
  subject: string;
  streamSequence: number;
  receivedAt: string;
  message: string;
}

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 5_000 };
const UNEXPECTED_RETRY_MAX_MS = 30_000;
const COUNTER_LOG_INTERVAL_MS = 60_000;

/** Connects (unless given a connection), makes sure the stream exists, and starts consuming. */
export async function runWorker(options: WorkerOptions): Promise<ObservationWorker> {
  const ownConnection = !options.nc;
  const nc =
    options.nc ??
    (await connect({
      servers: options.servers ?? 'nats://127.0.0.1:4222',
      name: `crc-worker ${options.name}`,
      // A NATS restart must not end the worker: it reconnects for as long as it runs.
      maxReconnectAttempts: -1,
    }));
  try {
    const names = options.names ?? OBSERVATION_STREAM;
    const ackWaitMs = options.ackWaitMs ?? ACK_WAIT_MS;
    await ensureStream(await jetstreamManager(nc), { names, ackWaitMs });
    const js = jetstream(nc);
    const consumer = await js.consumers.get(names.stream, names.consumer);
    return new Worker(options, nc, ownConnection, js, consumer, names, ackWaitMs).start();
  } catch (error) {
    if (ownConnection) await nc.close().catch(() => undefined);
    throw error;
  }
}

interface InHand {
  msg: JsMsg;
  /** Set when a stop gave up waiting and handed the message back: the late outcome must not ack it. */
  abandoned: boolean;
  /** Settles when the worker is done with the message. */
  done: Promise<void>;
  /** Tells JetStream the message is being worked on (see dispatch). */
  working?: NodeJS.Timeout;
}

class Worker implements ObservationWorker {
  readonly counters: WorkerCounters = { processed: 0, duplicates: 0, rejected: 0, retried: 0, skipped: 0 };
  readonly stopped: Promise<WorkerCounters>;
  private resolveStopped!: (counters: WorkerCounters) => void;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly inHand = new Set<InHand>();
  /** Per stayRef: the last message's task, and whether the stay's messages are being handed back (see `hold`). */
  private readonly chains = new Map<string, { tail: Promise<void>; held: boolean }>();
  private slotWaiters: (() => void)[] = [];
  private stopping = false;
  private stopCalled: Promise<WorkerCounters> | null = null;
  private wake: (() => void) | null = null;
  /** Set while the database is unavailable: the current pause. */
  private unavailableDelayMs: number | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: WorkerOptions,
    private readonly nc: NatsConnection,
    private readonly ownConnection: boolean,
    private readonly js: JetStreamClient,
    private readonly consumer: Consumer,
    private readonly names: StreamNames,
    private readonly ackWaitMs: number,
  ) {
    this.log = (options.logger ?? pino({ name: 'observation-worker' })).child({ worker: options.name });
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  get name(): string {
    return this.options.name;
  }

  get server(): string {
    return this.nc.getServer();
  }

  start(): this {
    this.loop = this.pullLoop().catch((error: unknown) => {
      // The loop catches its own errors; reaching here is a bug, and the worker stops rather than spin.
      this.log.error({ err: error }, 'pull loop failed');
      void this.stop();
    });
    const { signal } = this.options;
    if (signal) {
      if (signal.aborted) void this.stop();
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    let logged = JSON.stringify(this.counters);
    const timer = setInterval(() => {
      const now = JSON.stringify(this.counters);
      if (now !== logged) this.log.info({ counters: this.counters }, 'worker counters');
      logged = now;
    }, COUNTER_LOG_INTERVAL_MS);
    timer.unref();
    void this.stopped.then(() => clearInterval(timer));
    return this;
  }

  stop(): Promise<WorkerCounters> {
    this.stopCalled ??= this.shutdown();
    return this.stopCalled;
  }

  private async shutdown(): Promise<WorkerCounters> {
    this.stopping = true;
    this.wake?.();
    for (const waiter of this.slotWaiters.splice(0)) waiter();
    await this.loop;
    const timeoutMs = this.options.stopTimeoutMs ?? 20_000;
    // On a closed connection nothing in hand can be acked any more: JetStream redelivers it after the ack wait.
    const settled =
      !this.nc.isClosed() &&
      (await Promise.race([this.allSettled().then(() => true), sleep(timeoutMs).then(() => false)]));
    if (!settled) {
      // Handed back now rather than after the ack wait, so another worker takes them at once; a late commit of one of
      // them is harmless (it is stored once).
      for (const held of this.inHand) {
        held.abandoned = true;
        clearInterval(held.working);
        safely(() => held.msg.nak());
      }
      this.log.warn({ handedBack: this.inHand.size, timeoutMs }, 'stop: messages still in hand were handed back');
    }
    try {
      if (this.nc.isClosed()) return this.finished();
      if (this.ownConnection) await this.nc.drain();
      else await this.nc.flush();
    } catch (error) {
      this.log.warn({ err: error }, 'stop: connection was already closed');
    }
    return this.finished();
  }

  private finished(): WorkerCounters {
    this.log.info({ counters: this.counters }, 'worker stopped');
    this.resolveStopped(this.counters);
    return this.counters;
  }

  private async allSettled(): Promise<void> {
    while (this.inHand.size > 0) await Promise.all([...this.inHand].map((held) => held.done));
  }

  private async pullLoop(): Promise<void> {
    const expires = this.options.pullExpiresMs ?? 1_000;
    while (!this.stopping) {
      if (this.nc.isClosed()) {
        this.log.error('the NATS connection was closed: stopping');
        void this.stop();
        break;
      }
      if (this.unavailableDelayMs !== null && !(await this.probe())) continue;
      const free = await this.freeSlots();
      if (this.stopping) break;
      // While the database is in doubt one message at a time is the probe: a failure costs one nak, not a batch.
      const max = this.unavailableDelayMs === null ? free : 1;
      try {
        const messages = await this.consumer.fetch({ max_messages: max, expires });
        for await (const msg of messages) this.dispatch(msg);
      } catch (error) {
        if (this.stopping || this.nc.isClosed()) continue;
        this.log.warn({ err: error }, 'pull failed; retrying');
        await this.pause(this.backoff.maxMs);
      }
    }
  }

  /** Waits out the current pause; true when the database answers (or when there is no ping, to probe by a message). */
  private async probe(): Promise<boolean> {
    const delay = this.unavailableDelayMs ?? 0;
    await this.pause(delay);
    if (this.stopping) return true;
    if (!this.options.monitor.ping) return true;
    try {
      await this.options.monitor.ping();
      this.databaseAnswered();
      return true;
    } catch (error) {
      this.unavailableDelayMs = Math.min(delay * 2, this.backoff.maxMs);
      this.log.warn({ err: error, nextProbeMs: this.unavailableDelayMs }, 'database still unavailable');
      return false;
    }
  }

  private databaseUnavailable(error: unknown): void {
    if (this.unavailableDelayMs === null) {
      this.unavailableDelayMs = this.backoff.initialMs;
      this.log.warn({ err: error }, 'database unavailable: pausing, messages are handed back until it answers');
    } else if (!this.options.monitor.ping) {
      // Without a ping the probe is a message: each failed probe doubles the pause.
      this.unavailableDelayMs = Math.min(this.unavailableDelayMs * 2, this.backoff.maxMs);
    }
  }

  private databaseAnswered(): void {
    if (this.unavailableDelayMs === null) return;
    this.unavailableDelayMs = null;
    this.log.info('database answers again: consuming');
  }

  private pause(ms: number): Promise<void> {
    if (this.stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async freeSlots(): Promise<number> {
    while (!this.stopping && this.inHand.size >= this.concurrency) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    return this.concurrency - this.inHand.size;
  }

  private release(held: InHand): void {
    this.inHand.delete(held);
    this.slotWaiters.shift()?.();
  }

  /** Takes a message in hand: reads it, and queues it behind the earlier messages of its stays. */
  private dispatch(msg: JsMsg): void {
    const held: InHand = { msg, abandoned: false, done: Promise.resolve() };
    this.inHand.add(held);
    // The ack wait runs from delivery; a message waiting behind its stay or a slow commit must not be given away.
    held.working = setInterval(() => safely(() => msg.working()), Math.max(500, this.ackWaitMs / 3));
    // The connection keeps a running worker alive; a message stuck in a dead one must not keep the process.
    held.working.unref();
    const finish = () => {
      clearInterval(held.working);
      this.release(held);
    };
    if (msg.subject === rejectedSubject(this.names)) {
      held.done = this.settle(held, 'skipped').finally(finish);
      return;
    }
    let batch: IngestBatch;
    try {
      batch = parseStreamMessage(msg.data, {
        requester: this.options.name,
        messageKey: messageKey(msg),
        fromBundle: this.options.fromBundle,
      });
    } catch (error) {
      held.done = this.deadLetter(held, error).finally(finish);
      return;
    }
    const keys = stayRefsOf(batch);
    const before = Promise.all(keys.map((key) => this.chains.get(key)?.tail));
    const task = before
      .then(() => this.handle(held, batch, keys))
      .catch((error: unknown) => this.log.error({ err: error, seq: msg.seq }, 'message left unsettled: redelivered'))
      .finally(finish);
    held.done = task;
    for (const key of keys) this.chains.set(key, { tail: task, held: this.chains.get(key)?.held ?? false });
    void task.then(() => {
      for (const key of keys) if (this.chains.get(key)?.tail === task) this.chains.delete(key);
    });
  }

  private async handle(held: InHand, batch: IngestBatch, keys: string[]): Promise<void> {
    const { msg } = held;
    if (held.abandoned) return;
    if (keys.some((key) => this.chains.get(key)?.held)) {
      // An earlier message of this stay was handed back: this one follows it rather than overtaking it.
      this.retry(held, this.unavailableDelayMs ?? this.backoff.initialMs);
      return;
    }
    let result: IngestResult;
    try {
      result = await this.options.monitor.ingest(batch);
    } catch (error) {
      if (held.abandoned) return;
      if (error instanceof InvalidInputError) {
        await this.deadLetter(held, error);
      } else if (error instanceof DatabaseUnavailableError) {
        this.databaseUnavailable(error);
        this.hold(keys);
        this.retry(held, this.unavailableDelayMs ?? this.backoff.initialMs);
      } else if (error instanceof UnknownStayError && msg.info.deliveryCount < (this.options.maxDeliveries ?? 10)) {
        // Observations may overtake their admission across workers: wait for it a while before giving up.
        this.log.warn({ seq: msg.seq, deliveryCount: msg.info.deliveryCount }, 'stay not admitted yet; retrying');
        this.hold(keys);
        this.retry(held, Math.min(this.backoff.initialMs * 2 ** (msg.info.deliveryCount - 1), UNEXPECTED_RETRY_MAX_MS));
      } else if (msg.info.deliveryCount >= (this.options.maxDeliveries ?? 10)) {
        await this.deadLetter(held, error);
      } else {
        this.log.error({ err: error, seq: msg.seq, deliveryCount: msg.info.deliveryCount }, 'ingest failed; retrying');
        this.hold(keys);
        const delay = Math.min(this.backoff.initialMs * 2 ** (msg.info.deliveryCount - 1), UNEXPECTED_RETRY_MAX_MS);
        this.retry(held, delay);
      }
      return;
    }
    this.databaseAnswered();
    this.counters.duplicates += result.duplicates;
    this.options.metrics?.streamDuplicates.inc(result.duplicates);
    await this.settle(held, 'processed');
  }

  /** Marks the stays' queued messages to be handed back behind the one just handed back. */
  private hold(keys: string[]): void {
    for (const key of keys) {
      const chain = this.chains.get(key);
      if (chain) chain.held = true;
    }
  }

  private retry(held: InHand, delayMs: number): void {
    if (held.abandoned) return;
    safely(() => held.msg.nak(delayMs));
    this.count('retried');
  }

  /** Acks after the outcome is stored; a lost ack means a redelivery, which the monitor stores once. */
  private async settle(held: InHand, outcome: 'processed' | 'rejected' | 'skipped'): Promise<void> {
    if (held.abandoned) return;
    try {
      if (!(await held.msg.ackAck({ timeout: 5_000 }))) throw new Error('the server did not confirm the ack');
    } catch (error) {
      this.log.warn({ err: error, seq: held.msg.seq }, 'ack not confirmed: the message may be delivered again');
    }
    this.count(outcome);
  }

  private count(outcome: 'processed' | 'rejected' | 'retried' | 'skipped'): void {
    this.counters[outcome] += 1;
    this.options.metrics?.streamMessages.inc({ outcome });
  }

  /** Publishes the message with why it was refused to the dead-letter subject, and acks it once that is stored. */
  private async deadLetter(held: InHand, error: unknown): Promise<void> {
    const { msg } = held;
    const unexpected = !(error instanceof UnreadableMessageError || error instanceof InvalidInputError);
    const letter: RejectedMessage = {
      reason: unexpected
        ? `failed on ${msg.info.deliveryCount} deliveries: ${errorMessage(error)}`
        : errorMessage(error),
      code: error instanceof CodedError ? error.code : 'INTERNAL',
      fields:
        error instanceof UnreadableMessageError ||
        error instanceof InvalidInputError ||
        error instanceof UnknownStayError
          ? error.fields
          : undefined,
      subject: msg.subject,
      streamSequence: msg.seq,
      receivedAt: new Date().toISOString(),
      message: msg.string(),
    };
    try {
      // The msgID makes a second dead letter of the same message (a crash between publish and ack) a duplicate.
      await this.js.publish(rejectedSubject(this.names), JSON.stringify(letter), {
        msgID: `${this.names.stream}/rejected/${msg.seq}`,
        headers: rejectedHeaders(letter.code),
      });
    } catch (publishError) {
      this.log.error({ err: publishError, seq: msg.seq }, 'dead letter not stored; the message will be retried');
      this.retry(held, this.backoff.maxMs);
      return;
    }
    this.log.warn({ seq: msg.seq, subject: msg.subject, code: letter.code, reason: letter.reason }, 'message rejected');
    await this.settle(held, 'rejected');
  }
}

/**
 * A message's key for the source ids of its observations without an id: the same on every redelivery, and unique
 * beyond the stream sequence alone, which starts again at 1 in a recreated stream (or another stream on the same
 * database) and would make new observations look like ones already stored.
 */
export function messageKey(msg: Pick<JsMsg, 'seq' | 'timestampNanos' | 'info'>): string {
  return `${msg.info.stream}:${msg.seq}:${msg.timestampNanos}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Ack-protocol calls on a closed connection throw; the message is then redelivered, which is what we want. */
function safely(call: () => void): void {
  try {
    call();
  } catch {
    // Nothing to do: see above.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
