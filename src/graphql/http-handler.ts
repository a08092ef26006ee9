/**
 * The GraphQL endpoint as a node:http handler, for the process's own server (src/server/http-server.ts): the same body
 * refusals, Apollo server, context and coded startup errors as the Next.js route (next-route-handler.ts), without the
 * Fetch Request and Response a route handler is given and must answer with.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { HeaderMap } from '@apollo/server';
import type { Logger } from 'pino';
import { onceUntilFailure } from '@/config/once-until-failure';
import { CodedError } from '@/errors/coded-error';
import { createApolloServer, NO_STORE } from './apollo-server';
import { createContext, type GraphQLServices } from './context';
import { parseBody, refusalBody, refusalByHeaders, tooLarge, MAX_BODY_BYTES, type BodyRefusal } from './request-body';
import { startupErrorResponse } from './startup-error';

export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** The handler, and what stops the Apollo server behind it (its plugins' drain hooks) when the process shuts down. */
export interface GraphQLHttpHandler {
  handle: NodeHandler;
  stop(): Promise<void>;
}

/** The client hung up before its body was whole: there is nobody to answer. */
class RequestAbortedError extends CodedError {
  readonly code = 'REQUEST_ABORTED';
  constructor() {
    super('the client closed the connection before its request body was whole');
  }
}

/**
 * The body's bytes, or null once they run past MAX_BODY_BYTES. Past the limit the rest is read and dropped rather than
 * the request destroyed: destroying it would take the socket, and the 413 with it, before the client reads it.
 */
function readBody(request: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Every listener goes once the body is settled: a request emits 'close' after every answer, and an error made
    // then for nothing (its stack captured) cost 2 % of the server's CPU under load.
    const settle = () => request.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        settle();
        request.resume();
        resolve(null);
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      settle();
      resolve(Buffer.concat(chunks, size));
    };
    const onClose = () => {
      settle();
      reject(new RequestAbortedError());
    };
    request.on('data', onData).once('end', onEnd).once('close', onClose).once('error', onClose);
  });
}

/** Node joins repeated headers with ", " (cookies with "; "), as a Fetch `Headers` does. */
function headerMapOf(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  return headers;
}

const gzipped = promisify(gzip);

/** Below this a gzip header and the CPU cost more than they save (the threshold Next.js's compression uses). */
const COMPRESS_FROM_BYTES = 1024;

/**
 * Sends a complete body, gzipped when the client accepts it and it is worth it, as Next.js did for these responses
 * (a predictBatch answer of 1,000 rows shrinks several times).
 */
async function sendComplete(request: IncomingMessage, response: ServerResponse, body: string): Promise<void> {
  if (Buffer.byteLength(body) < COMPRESS_FROM_BYTES) {
    response.end(body);
    return;
  }
  // Whenever the encoding could have depended on Accept-Encoding, so a cache never hands gzip to a client without it.
  response.setHeader('vary', 'Accept-Encoding');
  if (!/\bgzip\b/i.test(request.headers['accept-encoding'] ?? '')) {
    response.end(body);
    return;
  }
  response.setHeader('content-encoding', 'gzip');
  response.end(await gzipped(body));
}

function sendRefusal(response: ServerResponse, refusal: BodyRefusal): void {
  response.writeHead(refusal.status, { 'content-type': 'application/json' }).end(refusalBody(refusal));
}

async function sendFetchResponse(response: ServerResponse, answer: Response): Promise<void> {
  answer.headers.forEach((value, name) => response.setHeader(name, value));
  response.writeHead(answer.status).end(await answer.text());
}

/**
 * GET and POST /api/graphql. `graphqlServices` is called on the first request, and Apollo built and started then; a
 * failed build is answered as a coded error and tried again on the next request (the database may come up).
 */
export function graphqlHttpHandler(
  graphqlServices: () => Promise<GraphQLServices>,
  logger: Logger,
): GraphQLHttpHandler {
  const built = onceUntilFailure(async () => {
    const services = await graphqlServices();
    const server = createApolloServer(services);
    await server.start();
    return { server, services };
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const refused = refusalByHeaders(method, request.headers['content-length'], request.headers['content-type']);
    if (refused) return sendRefusal(response, refused);
    let body: unknown;
    if (method === 'POST') {
      let bytes: Buffer | null;
      try {
        bytes = await readBody(request);
      } catch (error) {
        if (error instanceof RequestAbortedError) return;
        throw error;
      }
      const parsed = bytes ? parseBody(bytes) : { refusal: tooLarge() };
      if ('refusal' in parsed) return sendRefusal(response, parsed.refusal);
      body = parsed.body;
    }
    let apollo: Awaited<ReturnType<typeof built>>;
    try {
      apollo = await built();
    } catch (error) {
      return sendFetchResponse(response, startupErrorResponse(error, logger));
    }
    const headers = headerMapOf(request);
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const answer = await apollo.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: query < 0 ? '' : url.slice(query), body },
      context: () => createContext(apollo.services, headers),
    });
    for (const [name, value] of answer.headers) response.setHeader(name, value);
    response.setHeader('cache-control', NO_STORE);
    response.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') return sendComplete(request, response, answer.body.string);
    // Incremental delivery (@defer) answers in parts; each is written as Apollo yields it.
    for await (const part of answer.body.asyncIterator) response.write(part);
    response.end();
  }

  return {
    handle,
    async stop() {
      const running = await built.started()?.catch(() => null);
      await running?.server.stop();
    },
  };
}
