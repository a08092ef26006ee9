/**
 * A Fetch handler (Request in, Response out, as Next.js route handlers are written) served on node:http: the request's
 * body streamed in, the response's body streamed out as the socket drains, and the request's signal aborted when the
 * client hangs up or the server shuts down.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { NodeHandler } from '@/graphql/http-handler';

export type FetchHandler = (request: Request) => Promise<Response>;

function requestOf(request: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers))
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  const method = request.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(`http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(request) as ReadableStream<Uint8Array>) : undefined,
    signal,
    // Node's fetch needs to be told a streamed request body is sent whole before the response is read.
    duplex: 'half',
  } as RequestInit);
}

/**
 * `handler` as a node:http handler. `closing`, when given, aborts every request's signal at shutdown too: a handler
 * that streams until its client leaves (Server-Sent Events) ends its stream then, so the server can close.
 */
export function fetchOnNode(handler: FetchHandler, closing?: AbortSignal): NodeHandler {
  return async (request, response) => {
    const gone = new AbortController();
    response.once('close', () => gone.abort());
    const signal = closing ? AbortSignal.any([gone.signal, closing]) : gone.signal;
    const answer = await handler(requestOf(request, signal));
    response.statusCode = answer.status;
    response.statusMessage = answer.statusText || response.statusMessage;
    answer.headers.forEach((value, name) => {
      // Set-Cookie is the one header whose repeats must stay separate lines.
      if (name !== 'set-cookie') response.setHeader(name, value);
    });
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) response.setHeader('set-cookie', cookies);
    if (!answer.body) {
      response.end();
      return;
    }
    const body = Readable.fromWeb(answer.body as WebReadableStream);
    body.once('error', () => response.destroy());
    response.once('close', () => body.destroy());
    body.pipe(response);
  };
}
