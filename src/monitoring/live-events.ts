/**
 * Live events of the ward: what the monitor NOTIFYs when it commits, parsed once per process and fanned out to
 * subscribers through bounded buffers.
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database, ListenerState } from '@/db/database';
import { CodedError } from '@/errors/coded-error';

/** The Postgres channel the monitor NOTIFYs on, inside the transaction that stores what the event names. */
export const LIVE_EVENTS_CHANNEL = 'crc_monitor';

/** Postgres refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_PAYLOAD_BYTES = 7999;

// Bounds keep every payload far below MAX_PAYLOAD_BYTES: refs and units are identifiers, not documents.
const ref = z.string().min(1).max(200);
const hour = z.number().int().min(0);

export const wardEventSchema = z.object({
  type: z.literal('ward'),
  unit: ref,
  stayRef: ref,
  hour: hour.nullable(),
  reason: z.enum(['admitted', 'observations', 'assessed', 'discharged', 'alert']),
});

export const alertEventSchema = z.object({
  type: z.literal('alert'),
  unit: ref,
  stayRef: ref,
  alertId: ref,
  kind: z.enum(['sepsis', 'news2', 'qsofa']),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  hour,
  reason: z.string().max(1000),
});

export const liveEventSchema = z.discriminatedUnion('type', [wardEventSchema, alertEventSchema]);

/** Something changed on a stay of a ward: the board re-reads that stay. */
export type WardEvent = z.infer<typeof wardEventSchema>;
/** An alert was raised, acknowledged or resolved. */
export type AlertEvent = z.infer<typeof alertEventSchema>;
export type LiveEvent = z.infer<typeof liveEventSchema>;
export type LiveEventType = LiveEvent['type'];
export type WardEventReason = WardEvent['reason'];
export type AlertKind = AlertEvent['kind'];
export type AlertState = AlertEvent['state'];

/** A payload that would not survive NOTIFY, or does not match its schema. */
export class InvalidLiveEventError extends CodedError {
  readonly code = 'INVALID_LIVE_EVENT';
}

/** The NOTIFY payload text for `event` (checked against the schema and the size limit, so a bad event fails here). */
export function encodeEvent(event: LiveEvent): string {
  const parsed = liveEventSchema.safeParse(event);
  if (!parsed.success) throw new InvalidLiveEventError(`live event: ${z.prettifyError(parsed.error)}`);
  const text = JSON.stringify(parsed.data);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES)
    throw new InvalidLiveEventError(`live event: ${bytes} bytes, over NOTIFY's limit of ${MAX_PAYLOAD_BYTES}`);
  return text;
}

/** The event a payload holds, or the reason it holds none. */
export function decodeEvent(payload: string): { event: LiveEvent } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { error: 'not JSON' };
  }
  const parsed = liveEventSchema.safeParse(json);
  return parsed.success ? { event: parsed.data } : { error: z.prettifyError(parsed.error) };
}

/** Which events a subscriber receives: one type, optionally one unit and (alerts) one state. */
export type LiveFilter<T extends LiveEventType = LiveEventType> = {
  type: T;
  unit?: string | null;
} & (T extends 'alert' ? { state?: AlertState | null } : object);

type EventOf<T extends LiveEventType> = Extract<LiveEvent, { type: T }>;

/**
 * A subscriber fell more than its buffer behind (it read slower than events came). Its subscription ends with this
 * error rather than skipping events silently: a ward board that missed an alert must know, reconnect and re-read.
 */
export class SubscriberTooSlowError extends CodedError {
  readonly code = 'SUBSCRIBER_TOO_SLOW';
  constructor(limit: number) {
    super(`live events: the subscriber fell ${limit} events behind; subscribe again and re-read the current state`);
  }
}

/**
 * The listening connection dropped (Postgres restarted): events committed until it was back are lost, so every
 * subscription open then ends with this error; subscribing again is enough (the listener reconnects by itself).
 */
export class LiveEventsInterruptedError extends CodedError {
  readonly code = 'LIVE_EVENTS_INTERRUPTED';
  constructor() {
    super('live events were interrupted (the database connection dropped); subscribe again and re-read the state');
  }
}

export interface LiveEventsOptions {
  /** Events a subscriber may have waiting before it is ended with SubscriberTooSlowError. */
  bufferSize?: number;
  logger?: Logger;
}

export interface LiveEventsStats {
  subscribers: number;
  /** Payloads that did not parse (dropped and logged). */
  malformed: number;
  /** Subscriptions ended because their buffer overflowed. */
  overflowed: number;
  listener: ListenerState | 'idle';
}

const DEFAULT_BUFFER_SIZE = 256;

interface Subscriber {
  accepts(event: LiveEvent): boolean;
  push(event: LiveEvent): void;
  fail(error: Error): void;
}

/**
 * The process's one LISTEN on the live-events channel and its subscribers. The LISTEN starts with the first
 * subscription and stays for the life of the process (one connection, whatever the number of subscribers).
 */
export class LiveEvents {
  private readonly subscribers = new Set<Subscriber>();
  private readonly bufferSize: number;
  private readonly logger: Logger | undefined;
  private listening: Promise<() => Promise<void>> | null = null;
  private closed = false;
  private readonly counts = { malformed: 0, overflowed: 0 };
  private listenerState: ListenerState | 'idle' = 'idle';

  constructor(
    private readonly database: Pick<Database, 'listen'>,
    options: LiveEventsOptions = {},
  ) {
    this.bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    this.logger = options.logger;
  }

  stats(): LiveEventsStats {
    return { subscribers: this.subscribers.size, ...this.counts, listener: this.listenerState };
  }

  /**
   * The events matching `filter` from now on. Resolves once this process is listening, so an event committed after it
   * resolves is delivered; rejects (DatabaseUnavailableError) when the listener cannot start, and a later call tries
   * again. The iterator ends on `return()`, or with SubscriberTooSlowError or LiveEventsInterruptedError.
   */
  async subscribe<T extends LiveEventType>(filter: LiveFilter<T>): Promise<AsyncIterableIterator<EventOf<T>>> {
    if (this.closed) throw new Error('live events are closed');
    await this.startListening();
    return this.iterate(filter);
  }

  /** Stops listening and ends every subscription. */
  async close(): Promise<void> {
    this.closed = true;
    for (const subscriber of [...this.subscribers]) subscriber.fail(new Error('live events are closed'));
    const listening = this.listening;
    this.listening = null;
    const stop = await listening?.catch(() => undefined);
    await stop?.();
  }

  /** Hands one NOTIFY payload to the subscribers whose filter it matches (what the listener calls). */
  deliver(payload: string): void {
    const decoded = decodeEvent(payload);
    if ('error' in decoded) {
      this.counts.malformed += 1;
      this.logger?.warn({ payload: payload.slice(0, 500), problem: decoded.error }, 'malformed live event dropped');
      return;
    }
    for (const subscriber of [...this.subscribers])
      if (subscriber.accepts(decoded.event)) subscriber.push(decoded.event);
  }

  private startListening(): Promise<unknown> {
    this.listening ??= this.database.listen(LIVE_EVENTS_CHANNEL, (payload) => this.deliver(payload), {
      onState: (state, error) => this.onListenerState(state, error),
    });
    // A failed start is forgotten, so the next subscription tries again (the database may be back).
    this.listening.catch(() => {
      this.listening = null;
    });
    return this.listening;
  }

  private onListenerState(state: ListenerState, error?: unknown): void {
    const previous = this.listenerState;
    this.listenerState = state;
    if (state === 'reconnecting' && previous === 'listening') {
      this.logger?.warn({ err: error }, 'live events: the listening connection dropped; reconnecting');
      for (const subscriber of [...this.subscribers]) subscriber.fail(new LiveEventsInterruptedError());
    } else if (state === 'listening' && previous === 'reconnecting') {
      this.logger?.info('live events: listening again');
    }
  }

  private iterate<T extends LiveEventType>(filter: LiveFilter<T>): AsyncIterableIterator<EventOf<T>> {
    const buffer: LiveEvent[] = [];
    let waiting: { resolve: (result: IteratorResult<EventOf<T>>) => void; reject: (error: Error) => void } | null =
      null;
    let failure: Error | null = null;
    let done = false;
    const state = 'state' in filter ? (filter.state ?? null) : null;

    const end = () => {
      done = true;
      buffer.length = 0;
      this.subscribers.delete(subscriber);
    };
    const subscriber: Subscriber = {
      accepts: (event) =>
        event.type === filter.type &&
        (filter.unit == null || event.unit === filter.unit) &&
        (state === null || (event.type === 'alert' && event.state === state)),
      push: (event) => {
        if (waiting) {
          const { resolve } = waiting;
          waiting = null;
          resolve({ value: event as EventOf<T>, done: false });
        } else if (buffer.length < this.bufferSize) {
          buffer.push(event);
        } else {
          this.counts.overflowed += 1;
          this.logger?.warn({ filter, bufferSize: this.bufferSize }, 'live events: a slow subscriber was ended');
          subscriber.fail(new SubscriberTooSlowError(this.bufferSize));
        }
      },
      fail: (error) => {
        if (done) return;
        end();
        if (waiting) {
          const { reject } = waiting;
          waiting = null;
          reject(error);
        } else {
          failure = error;
        }
      },
    };
    this.subscribers.add(subscriber);

    const iterator: AsyncIterableIterator<EventOf<T>> = {
      next: () => {
        const next = buffer.shift();
        if (next) return Promise.resolve({ value: next as EventOf<T>, done: false });
        if (failure) {
          const error = failure;
          failure = null;
          return Promise.reject(error);
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          waiting = { resolve, reject };
        });
      },
      return: () => {
        end();
        failure = null;
        if (waiting) {
          const { resolve } = waiting;
          waiting = null;
          resolve({ value: undefined, done: true });
        }
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
