/**
 * The JetStream worker against the real NATS server on 127.0.0.1:4222, with a fake monitor: a message is acked only
 * once stored, refused messages end on the dead-letter subject with their reason, an unavailable database loses
 * nothing, workers share one durable consumer, and a stopped worker's messages go to the next. Each test has its own
 * stream and subjects, so a running worker never sees them.
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { DatabaseUnavailableError } from '@/db/database';
import { InvalidInputError } from '@/errors/invalid-input';
import { publishObservations, rejectedSubject, unitToken, type StreamNames } from '@/ingest/observation-stream';
import {
  runWorker,
  type ObservationSink,
  type ObservationWorker,
  type RejectedMessage,
} from '@/ingest/observation-worker';
import type { IngestBatch, IngestResult } from '@/monitoring/monitor-input';
import { UnknownStayError } from '@/monitoring/monitor-service';

const SERVERS = 'nats://127.0.0.1:4222';
const silent = pino({ level: 'silent' });

let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const created: string[] = [];
const running: ObservationWorker[] = [];

beforeAll(async () => {
  nc = await connect({ servers: SERVERS });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((w) => w.stop()));
});

afterAll(async () => {
  for (const stream of created) await jsm.streams.delete(stream).catch(() => undefined);
  await nc.close();
});

/** A stream, subjects and consumer of this test's own. */
function testNames(): StreamNames {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const names = { stream: `CRC_TEST_${id}`, subjectPrefix: `crctest.${id}`, consumer: `crc-test-${id}` };
  created.push(names.stream);
  return names;
}

/** A monitor that stores each observation once by source id, as the real one does, and counts what it was sent. */
class FakeMonitor implements ObservationSink {
  readonly stored = new Map<string, { stayRef: string; value: number | null }>();
  readonly calls: IngestBatch[] = [];
  /** Values per stay in the order stored. */
  readonly byStay = new Map<string, number[]>();
  /** Called before storing; throw to fail the batch, await to slow it. */
  before: (batch: IngestBatch) => Promise<void> | void = () => undefined;

  async ingest(batch: IngestBatch): Promise<IngestResult> {
    this.calls.push(batch);
    await this.before(batch);
    let duplicates = 0;
    const stored = (batch.observations ?? []).map((stay) => ({
      stayRef: stay.stayRef,
      observations: stay.observations.map((o) => {
        const key = o.sourceId!;
        if (this.stored.has(key)) {
          duplicates += 1;
          return null;
        }
        this.stored.set(key, { stayRef: stay.stayRef, value: o.value });
        this.byStay.set(stay.stayRef, [...(this.byStay.get(stay.stayRef) ?? []), o.value as number]);
        return { id: key };
      }),
    }));
    return { admitted: [], stored, duplicates, discharged: [], assessed: [], alertsRaised: [] };
  }
}

function observationMessage(stayRef: string, value: number, id?: string) {
  return { recordObservations: { stayRef, observations: [{ name: 'HR', time: '2026-01-01T10:00:00Z', value, id }] } };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function start(
  names: StreamNames,
  monitor: ObservationSink,
  extra: Partial<Parameters<typeof runWorker>[0]> = {},
) {
  const worker = await runWorker({ nc, monitor, name: `test-${running.length}`, logger: silent, names, ...extra });
  running.push(worker);
  return worker;
}

/** Nothing left to deliver and nothing delivered unacked. */
async function consumerSettled(names: StreamNames): Promise<boolean> {
  const info = await jsm.consumers.info(names.stream, names.consumer);
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

async function deadLetters(names: StreamNames): Promise<RejectedMessage[]> {
  const { state } = await jsm.streams.info(names.stream);
  const letters: RejectedMessage[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(names.stream, { seq });
    if (m?.subject === rejectedSubject(names)) letters.push(m.json<RejectedMessage>());
  }
  return letters;
}

describe('observation worker', () => {
  it('stores every message, acks each after it is stored, and keeps one stay’s messages in order', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    // Random delays: a later message of another stay may finish first, never one of the same stay.
    monitor.before = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
    const worker = await start(names, monitor, { concurrency: 4 });
    for (let i = 0; i < 40; i++)
      await publishObservations(js, 'ICU 3', observationMessage(`stay-${i % 5}`, i), { names });

    await waitFor(() => worker.counters.processed === 40);
    await waitFor(() => consumerSettled(names));
    expect(monitor.stored.size).toBe(40);
    for (let s = 0; s < 5; s++) {
      expect(monitor.byStay.get(`stay-${s}`)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => k * 5 + s));
    }
    expect(worker.counters).toEqual({ processed: 40, duplicates: 0, rejected: 0, retried: 0, skipped: 0 });
    // Observations without an id got one from the stream, sequence and stored time: the same on redelivery, new in a
    // recreated stream.
    expect([...monitor.stored.keys()]).toContainEqual(expect.stringMatching(new RegExp(`^${names.stream}:1:\\d+/0$`)));
  });

  it('does not ack a message before the monitor has stored it', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    monitor.before = () => gate;
    const worker = await start(names, monitor);
    await publishObservations(js, 'ward', observationMessage('stay-1', 1, 'obs-1'), { names });
    await waitFor(() => monitor.calls.length === 1);
    const pending = await jsm.consumers.info(names.stream, names.consumer);
    expect(pending.num_ack_pending).toBe(1);
    release();
    await waitFor(() => consumerSettled(names));
    expect(worker.counters.processed).toBe(1);
  });

  it('dead-letters an unreadable message and one the monitor refuses, with reasons, and acks both', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    monitor.before = (batch) => {
      if (batch.observations?.[0].stayRef === 'unknown-stay')
        throw new InvalidInputError([{ name: 'observations[0].stayRef', message: 'no stay unknown-stay is admitted' }]);
    };
    const worker = await start(names, monitor);
    await publishObservations(
      js,
      'ward',
      { recordObservations: { stayRef: 'a', observations: [{ name: 'HR' }] } },
      { names },
    );
    const refused = await publishObservations(js, 'ward', observationMessage('unknown-stay', 5), { names });
    await publishObservations(js, 'ward', observationMessage('good-stay', 6), { names });
    await js.publish(`${names.subjectPrefix}.ward`, 'not json');

    await waitFor(() => worker.counters.rejected === 3 && worker.counters.processed === 1);
    // The worker meets its own dead letters on the consumer and skips them.
    await waitFor(() => worker.counters.skipped === 3);
    await waitFor(() => consumerSettled(names));
    const letters = await deadLetters(names);
    expect(letters).toHaveLength(3);
    // Dead letters share the stream, so the originals' sequences depend on timing: find each by its body.
    const letterOf = (body: string) => letters.find((l) => l.message === body);
    const missingTime = JSON.stringify({ recordObservations: { stayRef: 'a', observations: [{ name: 'HR' }] } });
    expect(letterOf(missingTime)).toEqual({
      reason: expect.stringContaining('recordObservations.observations[0].time: is required'),
      code: 'UNREADABLE_MESSAGE',
      fields: expect.arrayContaining([{ name: 'recordObservations.observations[0].time', message: 'is required' }]),
      subject: `${names.subjectPrefix}.ward`,
      streamSequence: 1,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      message: missingTime,
    });
    expect(letterOf(JSON.stringify(observationMessage('unknown-stay', 5)))).toEqual(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        reason: 'invalid input: observations[0].stayRef: no stay unknown-stay is admitted',
        fields: [{ name: 'observations[0].stayRef', message: 'no stay unknown-stay is admitted' }],
        streamSequence: refused.seq,
      }),
    );
    expect(letterOf('not json')).toEqual(
      expect.objectContaining({ code: 'UNREADABLE_MESSAGE', reason: expect.stringContaining('must be JSON') }),
    );
    expect(monitor.stored.size).toBe(1);
  });

  it('hands messages back while the database is unavailable, pauses, and loses none', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    const downUntil = Date.now() + 2_000;
    monitor.before = () => {
      if (Date.now() < downUntil) throw new DatabaseUnavailableError('connection refused');
    };
    const worker = await start(names, monitor, { backoff: { initialMs: 100, maxMs: 800 } });
    for (let i = 0; i < 20; i++)
      await publishObservations(js, 'ward', observationMessage(`stay-${i % 3}`, i), { names });

    await waitFor(() => worker.counters.processed === 20, 30_000);
    await waitFor(() => consumerSettled(names));
    expect(worker.counters.retried).toBeGreaterThan(0);
    expect(worker.counters.rejected).toBe(0);
    expect(monitor.stored.size).toBe(20);
    // Backing off, not spinning: a handful of tries per second of outage, not thousands.
    const failedCalls = monitor.calls.length - 20;
    expect(failedCalls).toBeLessThan(100);
    for (let s = 0; s < 3; s++) expect(monitor.byStay.get(`stay-${s}`)?.length).toBe(s < 2 ? 7 : 6);
  });

  it('probes with the monitor’s ping while paused, not with messages', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    let down = true;
    monitor.before = () => {
      if (down) throw new DatabaseUnavailableError('connection refused');
    };
    let pings = 0;
    const sink: ObservationSink = {
      ingest: (batch) => monitor.ingest(batch),
      ping: async () => {
        pings += 1;
        if (down) throw new DatabaseUnavailableError('connection refused');
      },
    };
    const worker = await start(names, sink, { backoff: { initialMs: 100, maxMs: 400 } });
    for (let i = 0; i < 5; i++) await publishObservations(js, 'ward', observationMessage('stay-1', i), { names });
    await waitFor(() => pings >= 3);
    const callsWhilePaused = monitor.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(monitor.calls.length).toBe(callsWhilePaused);
    down = false;
    await waitFor(() => worker.counters.processed === 5);
    expect(monitor.byStay.get('stay-1')).toHaveLength(5);
  });

  it('stores a message redelivered after its commit once: observations without an id keep their derived id', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    const store = monitor.ingest.bind(monitor);
    let first = true;
    // Committed, but the ack never came (the worker died between the two): the message is delivered again.
    monitor.ingest = async (batch) => {
      const result = await store(batch);
      if (first) {
        first = false;
        throw new Error('lost after commit');
      }
      return result;
    };
    const worker = await start(names, monitor, { backoff: { initialMs: 50, maxMs: 200 } });
    await publishObservations(js, 'ward', observationMessage('stay-1', 7), { names });
    await waitFor(() => worker.counters.processed === 1);
    expect(monitor.calls).toHaveLength(2);
    expect(monitor.calls[0].observations![0].observations[0].sourceId).toBe(
      monitor.calls[1].observations![0].observations[0].sourceId,
    );
    expect(monitor.stored.size).toBe(1);
    expect(worker.counters).toEqual(expect.objectContaining({ processed: 1, duplicates: 1, retried: 1 }));
  });

  it('retries an unexpected failure and dead-letters it after maxDeliveries', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    monitor.before = (batch) => {
      if (batch.observations?.[0].stayRef === 'cursed') throw new Error('a bug');
    };
    const worker = await start(names, monitor, { maxDeliveries: 3, backoff: { initialMs: 50, maxMs: 200 } });
    await publishObservations(js, 'ward', observationMessage('cursed', 1), { names });
    await waitFor(() => worker.counters.rejected === 1);
    expect(worker.counters.retried).toBe(2);
    const [letter] = await deadLetters(names);
    expect(letter).toEqual(expect.objectContaining({ code: 'INTERNAL', reason: 'failed on 3 deliveries: a bug' }));
    await waitFor(() => consumerSettled(names));
  });

  it('waits for a stay admitted on another worker: an unknown stay is retried, then stored, and never dead-lettered', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    let refusals = 0;
    monitor.before = () => {
      // The admission is still on its way: the first two deliveries find no stay.
      if (refusals++ < 2)
        throw new UnknownStayError([{ name: 'observations[0].stayRef', message: 'stay late-1 is not admitted' }]);
    };
    const worker = await start(names, monitor, { backoff: { initialMs: 50, maxMs: 200 } });
    await publishObservations(js, 'ward', observationMessage('late-1', 7, 'late-1/hr'), { names });
    await waitFor(() => worker.counters.processed === 1);
    expect(worker.counters).toMatchObject({ retried: 2, rejected: 0 });
    expect(monitor.byStay.get('late-1')).toEqual([7]);
    expect(await deadLetters(names)).toEqual([]);
  });

  it('dead-letters an observation whose stay is never admitted, naming the stay, after maxDeliveries', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    monitor.before = () => {
      throw new UnknownStayError([{ name: 'observations[0].stayRef', message: 'stay ghost is not admitted' }]);
    };
    const worker = await start(names, monitor, { maxDeliveries: 3, backoff: { initialMs: 50, maxMs: 200 } });
    await publishObservations(js, 'ward', observationMessage('ghost', 1), { names });
    await waitFor(() => worker.counters.rejected === 1);
    const [letter] = await deadLetters(names);
    expect(letter).toMatchObject({
      code: 'STAY_NOT_FOUND',
      fields: [{ name: 'observations[0].stayRef', message: 'stay ghost is not admitted' }],
    });
  });

  it('shares one durable consumer between two workers that together store every message exactly once', async () => {
    const names = testNames();
    const monitor = new FakeMonitor();
    monitor.before = () => new Promise((resolve) => setTimeout(resolve, 10));
    const a = await start(names, monitor, { name: 'worker-a', concurrency: 2 });
    const b = await start(names, monitor, { name: 'worker-b', concurrency: 2 });
    for (let i = 0; i < 60; i++)
      await publishObservations(js, `unit-${i % 4}`, observationMessage(`stay-${i}`, i, `obs-${i}`), { names });

    await waitFor(() => a.counters.processed + b.counters.processed === 60);
    await waitFor(() => consumerSettled(names));
    expect(monitor.calls).toHaveLength(60);
    expect(monitor.stored.size).toBe(60);
    expect(a.counters.processed).toBeGreaterThan(0);
    expect(b.counters.processed).toBeGreaterThan(0);
    expect(new Set(monitor.calls.map((c) => c.requester))).toEqual(new Set(['worker-a', 'worker-b']));
  });

  it('hands the messages a stopped worker still holds to the next worker', async () => {
    const names = testNames();
    const stuck = new FakeMonitor();
    // The first worker's monitor never finishes a write after the third.
    stuck.before = () => (stuck.calls.length > 3 ? new Promise<void>(() => undefined) : undefined);
    const controller = new AbortController();
    const first = await start(names, stuck, { signal: controller.signal, stopTimeoutMs: 300, concurrency: 4 });
    for (let i = 0; i < 12; i++) await publishObservations(js, 'ward', observationMessage(`stay-${i}`, i), { names });
    await waitFor(() => stuck.calls.length >= 5);
    controller.abort();
    const counters = await first.stopped;
    expect(counters.processed).toBe(3);

    const monitor = new FakeMonitor();
    const next = await start(names, monitor, { name: 'next' });
    await waitFor(() => consumerSettled(names));
    expect(next.counters.processed).toBe(9);
    expect(new Set([...stuck.stored.keys(), ...monitor.stored.keys()]).size).toBe(12);
  });

  it('lets a worker that died without acking leave its messages to be redelivered after the ack wait', async () => {
    const names = testNames();
    const own = await connect({ servers: SERVERS });
    const stuck = new FakeMonitor();
    stuck.before = () => new Promise<void>(() => undefined);
    await runWorker({ nc: own, monitor: stuck, name: 'dies', logger: silent, names, ackWaitMs: 1_500 });
    for (let i = 0; i < 3; i++) await publishObservations(js, 'ward', observationMessage(`stay-${i}`, i), { names });
    await waitFor(() => stuck.calls.length === 3);
    await own.close(); // the process dies: no ack, no nak

    const monitor = new FakeMonitor();
    const next = await start(names, monitor, { name: 'survivor', ackWaitMs: 1_500 });
    await waitFor(() => next.counters.processed === 3);
    expect(monitor.stored.size).toBe(3);
  });
});

describe('unitToken', () => {
  it('keeps subject tokens to letters, digits, _ and -, and never the dead-letter token', () => {
    expect(unitToken('ICU 3')).toBe('ICU_3');
    expect(unitToken('Ward 5.B*>')).toBe('Ward_5_B__');
    expect(unitToken('')).toBe('_');
    expect(unitToken('rejected')).toBe('_rejected');
    expect(unitToken('Cardio-ICU_2')).toBe('Cardio-ICU_2');
  });
});
