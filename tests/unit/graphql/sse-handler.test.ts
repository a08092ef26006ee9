/** The SSE handler in-process: an event reaches the stream, and a client hanging up releases its subscription. */
import pino from 'pino';
import type { GraphQLServices } from '@/graphql/context';
import { createSseHandler } from '@/graphql/sse-handler';
import { encodeEvent, LiveEvents } from '@/monitoring/live-events';
import { createMetrics } from '@/telemetry/metrics';
import { MemoryApiKeyStore } from '../../support/memory-api-keys';

async function setUp(maxUnread?: number) {
  let deliver: (payload: string) => void = () => undefined;
  const live = new LiveEvents({
    async listen(_channel, onPayload) {
      deliver = onPayload;
      return async () => undefined;
    },
  });
  const keys = new MemoryApiKeyStore();
  const { key } = await keys.create({ name: 'ward board', role: 'auditor', createdBy: 'test' });
  // Subscriptions touch only keys and live events; the rest of the services are never called.
  const services = {
    keys,
    live,
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
  } as unknown as GraphQLServices;
  return {
    handler: createSseHandler(services, { maxUnread }),
    live,
    key,
    notify: (payload: string) => deliver(payload),
  };
}

function subscription(url: string, key: string | null, signal: AbortSignal, query: string): Request {
  return new Request(url, {
    method: 'POST',
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query }),
    signal,
  });
}

/** Reads the stream until `pattern` appears in it. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, pattern: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!pattern.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before ${pattern}: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

const URL = 'http://localhost/api/graphql/stream';

describe('createSseHandler', () => {
  it('streams events and releases the subscription when the client hangs up', async () => {
    const { handler, live, key, notify } = await setUp();
    const aborted = new AbortController();
    const response = await handler(
      subscription(URL, key, aborted.signal, 'subscription { wardUpdated(unit: "icu") { stayRef reason } }'),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(live.stats().subscribers).toBe(1);
    const reader = response.body!.getReader();
    notify(encodeEvent({ type: 'ward', unit: 'icu', stayRef: 's1', hour: 2, reason: 'assessed' }));
    const text = await readUntil(reader, /event: next/);
    expect(text).toContain('"wardUpdated":{"stayRef":"s1","reason":"assessed"}');
    aborted.abort();
    await reader.cancel().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(live.stats().subscribers).toBe(0);
  });

  it('ends a subscription whose client leaves more than maxUnread results unread, releasing it', async () => {
    const { handler, live, key, notify } = await setUp(2);
    const response = await handler(
      subscription(URL, key, new AbortController().signal, 'subscription { wardUpdated { stayRef } }'),
    );
    // The client reads nothing while five events arrive.
    for (let i = 0; i < 5; i++) {
      notify(encodeEvent({ type: 'ward', unit: 'icu', stayRef: `s${i}`, hour: i, reason: 'observations' }));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(live.stats().subscribers).toBe(0);
    const text = await readUntil(response.body!.getReader(), /event: complete/);
    expect(text).toContain('"code":"SUBSCRIBER_TOO_SLOW"');
    expect(text.match(/"wardUpdated"/g)?.length ?? 0).toBeLessThan(5);
  });

  it('answers a subscription without a key with one UNAUTHENTICATED result, and completes', async () => {
    const { handler, live } = await setUp();
    const response = await handler(
      subscription(URL, null, new AbortController().signal, 'subscription { alertRaised { alertId } }'),
    );
    const text = await readUntil(response.body!.getReader(), /event: complete/);
    expect(text).toContain('"code":"UNAUTHENTICATED"');
    expect(live.stats().subscribers).toBe(0);
  });

  it('refuses queries and mutations with 400: they belong at /api/graphql', async () => {
    const { handler, key } = await setUp();
    const response = await handler(subscription(URL, key, new AbortController().signal, '{ models { id } }'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ message: expect.stringContaining('/api/graphql'), extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});
