/**
 * A child process serving the real /api/graphql/stream route module (src/app/api/graphql/stream/route.ts, on the
 * process's service container) behind node:http, through the same bridge as the process's own server
 * (src/server/fetch-on-node.ts), for tests that need several app processes without `next build`.
 * Run with `node --import tsx`; prints "listening on <port>" when ready.
 */
import { createServer } from 'node:http';
import { GET, POST } from '../../src/app/api/graphql/stream/route';
import { fetchOnNode } from '../../src/server/fetch-on-node';

const handlers = { GET: fetchOnNode(GET), POST: fetchOnNode(POST) };

const server = createServer((req, res) => {
  const handle = req.method === 'GET' || req.method === 'POST' ? handlers[req.method] : null;
  if (!handle || !req.url?.startsWith('/api/graphql/stream')) {
    res.writeHead(404).end();
    return;
  }
  handle(req, res).catch(() => res.destroy());
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : '?'}\n`);
});
