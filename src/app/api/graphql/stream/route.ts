/**
 * GET/POST /api/graphql/stream: GraphQL subscriptions over Server-Sent Events (src/graphql/sse-handler.ts). Under
 * `npm start` the process's own server answers this path before Next.js sees it (src/server/http-server.ts); this
 * route serves `next dev` (and tests/support/sse-route-server.ts).
 */
import pino from 'pino';
import { sseRouteHandler } from '@/graphql/sse-handler';
import { subscriptionServices } from '@/server/graphql-services';

export const dynamic = 'force-dynamic';

const logger = pino();

const handle = sseRouteHandler(() => subscriptionServices(logger), logger);

export const GET = handle;
export const POST = handle;
