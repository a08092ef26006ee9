/** GET/POST /api/graphql/stream: GraphQL subscriptions over Server-Sent Events (src/graphql/sse-handler.ts). */
import pino from 'pino';
import { sseRouteHandler } from '@/graphql/sse-handler';
import { services } from '@/server/service-container';
import { processMetrics } from '@/telemetry/metrics';

export const dynamic = 'force-dynamic';

const logger = pino();

const handle = sseRouteHandler(async () => {
  const { registry, audit, prediction, keys, checkpoints, monitor, stays, live, sessions } = await services();
  return {
    registry,
    audit,
    prediction,
    keys,
    checkpoints,
    monitor,
    stays,
    live,
    sessions,
    logger,
    metrics: processMetrics(),
  };
}, logger);

export const GET = handle;
export const POST = handle;
