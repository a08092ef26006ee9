/** POST/GET /api/graphql: the GraphQL endpoint (src/graphql) on the process's services; nothing else. */
import pino from 'pino';
import { graphqlRouteHandler } from '@/graphql/next-route-handler';
import { services } from '@/server/service-container';
import { processMetrics } from '@/telemetry/metrics';

export const dynamic = 'force-dynamic';

const logger = pino();

const handle = graphqlRouteHandler(async () => {
  const { registry, audit, prediction, keys, checkpoints, monitor, stays } = await services();
  return { registry, audit, prediction, keys, checkpoints, monitor, stays, logger, metrics: processMetrics() };
}, logger);

export const GET = handle;
export const POST = handle;
