/**
 * The process's HTTP server (`npm start`): GET and POST /api/graphql go straight to Apollo and /api/graphql/stream to
 * the subscriptions' handler, both on node:http; everything else (pages, server actions, the other API routes, assets)
 * to Next.js, built by `next build`. Next's route layer set GraphQL's ceiling: `{ __typename }` at 32 connections
 * answered about 400 requests a second through a route handler, where Apollo on node:http answers thousands
 * (`npm run bench:api` measures both in one run).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import next from 'next';
import pino, { type Logger } from 'pino';
import { graphqlHttpHandler, type NodeHandler } from '@/graphql/http-handler';
import { sseRouteHandler } from '@/graphql/sse-handler';
import { fetchOnNode } from './fetch-on-node';
import { graphqlServices, subscriptionServices } from './graphql-services';
import { shutdownServices } from './service-container';

export interface HttpServerOptions {
  /** The project directory holding `.next` (the build); the working directory when absent. */
  dir?: string;
  /** The address to listen on; every interface when absent (as `next start`). */
  hostname?: string;
  /** 0 picks a free port. */
  port: number;
  logger?: Logger;
}

export interface RunningHttpServer {
  /** The port listened on (the one picked, when 0 was asked for). */
  port: number;
  /**
   * Stops taking connections, ends the subscriptions' streams, lets requests in hand finish (for at most
   * CLOSE_GRACE_MS, then drops their connections), and closes Apollo, Next.js and the services.
   */
  close(): Promise<void>;
}

/** How long requests in hand may take to finish at shutdown before their connections are dropped. */
export const CLOSE_GRACE_MS = 10_000;

type Route = 'graphql' | 'stream' | 'next';

/** Only GET and POST of the two GraphQL paths are ours; any other method there gets Next's answer (405, OPTIONS). */
function routeOf(request: IncomingMessage): Route {
  if (request.method !== 'GET' && request.method !== 'POST') return 'next';
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return path === '/api/graphql' ? 'graphql' : path === '/api/graphql/stream' ? 'stream' : 'next';
}

/** Prepares the Next.js build (which starts the services, src/instrumentation.ts), then listens. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const logger = options.logger ?? pino();
  const app = next({
    dev: false,
    dir: options.dir,
    hostname: options.hostname ?? 'localhost',
    port: options.port,
  });
  await app.prepare();
  const nextHandler = app.getRequestHandler();
  // Aborted at shutdown: every subscription's stream ends, as when its client leaves.
  const closing = new AbortController();
  const graphql = graphqlHttpHandler(() => graphqlServices(logger), logger);
  const handlers: Record<Route, NodeHandler> = {
    graphql: graphql.handle,
    stream: fetchOnNode(
      sseRouteHandler(() => subscriptionServices(logger), logger),
      closing.signal,
    ),
    next: (request, response) => nextHandler(request, response),
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    handlers[routeOf(request)](request, response).catch((error: unknown) => {
      logger.error({ err: error, url: request.url }, 'a request failed outside its handler');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    if (options.hostname) server.listen(options.port, options.hostname, listening);
    else server.listen(options.port, listening);
  });

  let closed: Promise<void> | null = null;
  async function close(): Promise<void> {
    closing.abort();
    await new Promise<void>((resolve) => {
      // Keep-alive connections between requests are closed as they fall idle; any still busy after the grace, at once.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
    await graphql.stop();
    await app.close();
    await shutdownServices();
  }

  return {
    port: (server.address() as AddressInfo).port,
    close: () => (closed ??= close()),
  };
}
