/**
 * A child process serving the real /api/graphql/stream route module (src/app/api/graphql/stream/route.ts, on the
 * process's service container) behind node:http, for tests that need several app processes without `next build`.
 * Run with `node --import tsx`; prints "listening on <port>" when ready.
 */
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { GET, POST } from '../../src/app/api/graphql/stream/route';

const server = createServer(async (req, res) => {
  const handle = req.method === 'GET' ? GET : req.method === 'POST' ? POST : null;
  if (!handle || !req.url?.startsWith('/api/graphql/stream')) {
    res.writeHead(404).end();
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  // The route sees the client hang up through the request's signal, as under Next.js.
  const aborted = new AbortController();
  res.on('close', () => aborted.abort());
  const request = new Request(`http://127.0.0.1${req.url}`, {
    method: req.method,
    headers,
    body: req.method === 'POST' ? (Readable.toWeb(req) as ReadableStream) : undefined,
    signal: aborted.signal,
    duplex: 'half',
  } as RequestInit);
  const response = await handle(request);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.writeHead(response.status);
  if (!response.body) {
    res.end();
    return;
  }
  const body = Readable.fromWeb(response.body as WebReadableStream);
  body.on('error', () => res.destroy());
  res.on('close', () => body.destroy());
  body.pipe(res);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : '?'}\n`);
});
