/**
 * The per-request context: a caller's x-request-id is kept when it is a short token, otherwise a fresh UUID is used.
 */
import pino from 'pino';
import { createContext, requestIdFrom, type GraphQLServices } from '@/graphql/context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const headers = (value: string) => new Map([['x-request-id', value]]);

describe('requestIdFrom', () => {
  it.each(['abc-123', 'trace.7:span_2', 'A'.repeat(128), '  padded  '])('keeps %p', (id) => {
    expect(requestIdFrom(headers(id))).toBe(id.trim());
  });

  it.each(['', 'has space', 'a\nnewline', 'A'.repeat(129), '-leading-dash', '<script>'])(
    'replaces %p with a UUID',
    (id) => {
      expect(requestIdFrom(headers(id))).toMatch(UUID);
    },
  );

  it('makes a new UUID for every request without one', () => {
    const [a, b] = [requestIdFrom(), requestIdFrom(new Map())];
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });
});

it('tags every log line of the request with its id', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({}, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const context = await createContext({ logger } as unknown as GraphQLServices, headers('req-9'));
  context.logger.info('hello');
  expect(lines[0]).toMatchObject({ requestId: 'req-9', msg: 'hello' });
});
