/**
 * What the GraphQL endpoints are built from: the process's services (service-container.ts), its metrics and a logger.
 * The same for the Next.js routes (`next dev`) and the process's own server (http-server.ts).
 */
import type { Logger } from 'pino';
import type { GraphQLServices } from '@/graphql/context';
import { processMetrics } from '@/telemetry/metrics';
import { services } from './service-container';

/** For /api/graphql: queries and mutations, with no live events (subscriptions are served on the stream). */
export async function graphqlServices(logger: Logger): Promise<GraphQLServices> {
  const { registry, audit, prediction, keys, checkpoints, monitor, stays } = await services();
  return { registry, audit, prediction, keys, checkpoints, monitor, stays, logger, metrics: processMetrics() };
}

/** For /api/graphql/stream: subscriptions, on the live events, signed in by key or by the dashboard's session. */
export async function subscriptionServices(logger: Logger): Promise<GraphQLServices> {
  const { live, sessions } = await services();
  return { ...(await graphqlServices(logger)), live, sessions };
}
