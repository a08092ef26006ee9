/** LiveEvents: one listener per process, fan-out by type and unit, bounded buffers, malformed payloads dropped. */
import pino from 'pino';
import type { ListenOptions } from '@/db/database';
import {
  decodeEvent,
  encodeEvent,
  InvalidLiveEventError,
  LIVE_EVENTS_CHANNEL,
  LiveEvents,
  LiveEventsInterruptedError,
  SubscriberTooSlowError,
  type AlertEvent,
  type WardEvent,
} from '@/monitoring/live-events';

/** A database whose listen() records the callback, so a test plays the part of Postgres NOTIFY. */
function fakeDatabase() {
  const listens: { channel: string; onPayload: (payload: string) => void; options?: ListenOptions }[] = [];
  let stopped = 0;
  let failNext = false;
  return {
    listens,
    stopped: () => stopped,
    failNextListen() {
      failNext = true;
    },
    notify(payload: string) {
      for (const l of listens) l.onPayload(payload);
    },
    async listen(channel: string, onPayload: (payload: string) => void, options?: ListenOptions) {
      if (failNext) {
        failNext = false;
        throw new Error('connection refused');
      }
      listens.push({ channel, onPayload, options });
      return async () => {
        stopped += 1;
      };
    },
  };
}

const ward = (unit: string, stayRef = 's1', hour: number | null = 3): WardEvent => ({
  type: 'ward',
  unit,
  stayRef,
  hour,
  reason: 'assessed',
});
const alert = (unit: string, state: AlertEvent['state'] = 'open'): AlertEvent => ({
  type: 'alert',
  unit,
  stayRef: 's1',
  alertId: 'a1',
  kind: 'news2',
  state,
  hour: 4,
  reason: 'NEWS2 7 ≥ 7',
});

async function nextValue<T>(iterator: AsyncIterator<T>): Promise<T> {
  const result = await iterator.next();
  if (result.done) throw new Error('the iterator ended');
  return result.value;
}

function silentLogger() {
  const lines: Record<string, unknown>[] = [];
  return { lines, logger: pino({}, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe('encodeEvent and decodeEvent', () => {
  it('round-trips both kinds of event', () => {
    for (const event of [ward('icu'), ward('icu', 's2', null), alert('icu')])
      expect(decodeEvent(encodeEvent(event))).toEqual({ event });
  });

  it('refuses an event that does not match its schema', () => {
    expect(() => encodeEvent({ ...alert('icu'), kind: 'mews' } as unknown as AlertEvent)).toThrow(
      InvalidLiveEventError,
    );
  });

  it("bounds every field so that the largest valid event fits NOTIFY's 8000 bytes", () => {
    const wide = '😀'; // 4 bytes in UTF-8, 2 UTF-16 units: strings are bounded in UTF-16 units.
    const largest = {
      ...alert(wide.repeat(100)),
      stayRef: wide.repeat(100),
      alertId: wide.repeat(100),
      reason: wide.repeat(500),
    };
    expect(Buffer.byteLength(encodeEvent(largest))).toBeLessThan(8000);
    expect(() => encodeEvent({ ...alert('icu'), reason: 'x'.repeat(1001) })).toThrow(InvalidLiveEventError);
  });

  it('says why a payload holds no event', () => {
    expect(decodeEvent('{')).toEqual({ error: 'not JSON' });
    expect(decodeEvent(JSON.stringify({ type: 'ward', unit: 'icu' }))).toHaveProperty('error');
  });
});

describe('LiveEvents', () => {
  it('listens once on the channel, whatever the number of subscribers', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db);
    await Promise.all([live.subscribe({ type: 'ward' }), live.subscribe({ type: 'alert' })]);
    await live.subscribe({ type: 'ward', unit: 'icu' });
    expect(db.listens.map((l) => l.channel)).toEqual([LIVE_EVENTS_CHANNEL]);
    await live.close();
    expect(db.stopped()).toBe(1);
  });

  it('delivers every event to every subscriber of its type, in order', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db);
    const a = await live.subscribe({ type: 'ward' });
    const b = await live.subscribe({ type: 'ward' });
    const alerts = await live.subscribe({ type: 'alert' });
    db.notify(encodeEvent(ward('icu', 's1')));
    db.notify(encodeEvent(alert('icu')));
    db.notify(encodeEvent(ward('hdu', 's2')));
    for (const it of [a, b]) {
      expect(await nextValue(it)).toEqual(ward('icu', 's1'));
      expect(await nextValue(it)).toEqual(ward('hdu', 's2'));
    }
    expect(await nextValue(alerts)).toEqual(alert('icu'));
    await live.close();
  });

  it('filters by unit, and alerts by state', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db);
    const icu = await live.subscribe({ type: 'ward', unit: 'icu' });
    const openIcuAlerts = await live.subscribe({ type: 'alert', unit: 'icu', state: 'open' });
    db.notify(encodeEvent(ward('hdu')));
    db.notify(encodeEvent(alert('icu', 'acknowledged')));
    db.notify(encodeEvent(alert('hdu')));
    db.notify(encodeEvent(ward('icu', 's9')));
    db.notify(encodeEvent(alert('icu')));
    expect(await nextValue(icu)).toEqual(ward('icu', 's9'));
    expect(await nextValue(openIcuAlerts)).toEqual(alert('icu'));
    expect(live.stats().subscribers).toBe(2);
    await live.close();
  });

  it('resolves a waiting next() when an event arrives', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db);
    const it = await live.subscribe({ type: 'ward' });
    const pending = it.next();
    db.notify(encodeEvent(ward('icu')));
    await expect(pending).resolves.toEqual({ value: ward('icu'), done: false });
    await live.close();
  });

  it('drops and logs a malformed payload, and keeps delivering', async () => {
    const db = fakeDatabase();
    const { lines, logger } = silentLogger();
    const live = new LiveEvents(db, { logger });
    const it = await live.subscribe({ type: 'ward' });
    db.notify('not json');
    db.notify(JSON.stringify({ type: 'ward', unit: 'icu', stayRef: 's1', hour: 1, reason: 'sneezed' }));
    db.notify(encodeEvent(ward('icu')));
    expect(await nextValue(it)).toEqual(ward('icu'));
    expect(live.stats().malformed).toBe(2);
    expect(lines.filter((l) => l.msg === 'malformed live event dropped')).toHaveLength(2);
    await live.close();
  });

  it('ends a subscriber that falls more than its buffer behind, and only that one', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db, { bufferSize: 3, logger: silentLogger().logger });
    const slow = await live.subscribe({ type: 'ward' });
    const fast = await live.subscribe({ type: 'ward' });
    const seen: WardEvent[] = [];
    for (let i = 0; i < 5; i++) {
      db.notify(encodeEvent(ward('icu', `s${i}`)));
      seen.push(await nextValue(fast));
    }
    expect(seen.map((e) => e.stayRef)).toEqual(['s0', 's1', 's2', 's3', 's4']);
    // The fourth event found the slow subscriber's buffer full: it was removed, its buffer released.
    await expect(slow.next()).rejects.toBeInstanceOf(SubscriberTooSlowError);
    await expect(slow.next()).resolves.toEqual({ value: undefined, done: true });
    expect(live.stats()).toMatchObject({ subscribers: 1, overflowed: 1 });
    await live.close();
  });

  it('return() ends the iterator, a pending next() included, and unsubscribes', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db);
    const it = await live.subscribe({ type: 'ward' });
    const pending = it.next();
    await it.return!();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
    db.notify(encodeEvent(ward('icu')));
    await expect(it.next()).resolves.toEqual({ value: undefined, done: true });
    expect(live.stats().subscribers).toBe(0);
    await live.close();
  });

  it('ends open subscriptions when the listener loses its connection, and serves new ones after', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db, { logger: silentLogger().logger });
    const before = await live.subscribe({ type: 'ward' });
    const { options } = db.listens[0];
    options?.onState?.('listening');
    options?.onState?.('reconnecting', new Error('terminated'));
    await expect(before.next()).rejects.toBeInstanceOf(LiveEventsInterruptedError);
    options?.onState?.('listening');
    const after = await live.subscribe({ type: 'ward' });
    db.notify(encodeEvent(ward('icu')));
    expect(await nextValue(after)).toEqual(ward('icu'));
    expect(db.listens).toHaveLength(1);
    await live.close();
  });

  it('fails a subscription when the listener cannot start, and tries again on the next', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db);
    db.failNextListen();
    await expect(live.subscribe({ type: 'ward' })).rejects.toThrow('connection refused');
    const it = await live.subscribe({ type: 'ward' });
    db.notify(encodeEvent(ward('icu')));
    expect(await nextValue(it)).toEqual(ward('icu'));
    await live.close();
  });

  it('close() ends every subscription', async () => {
    const db = fakeDatabase();
    const live = new LiveEvents(db);
    const it = await live.subscribe({ type: 'alert' });
    const pending = it.next();
    await live.close();
    await expect(pending).rejects.toThrow('closed');
    await expect(live.subscribe({ type: 'ward' })).rejects.toThrow('closed');
  });
});
