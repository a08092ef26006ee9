/** POST/GET /api/graphql: mounts the Apollo server on the process's services; nothing else. */
import { startServerAndCreateNextHandler } from '@as-integrations/next';
import type { NextRequest } from 'next/server';
import pino from 'pino';
import { services } from '@/server/service-container';
import { createApolloServer } from '@/graphql/apollo-server';
import { createContext, type GraphQLContext, type GraphQLServices } from '@/graphql/context';
import { refuseBody } from '@/graphql/request-body';
import { processMetrics } from '@/telemetry/metrics';
import { startupErrorResponse } from '@/graphql/startup-error';

export const dynamic = 'force-dynamic';

type Handler = (request: NextRequest) => Promise<Response>;
let handler: Promise<Handler> | null = null;
const logger = pino();

// Built on the first request, not at import: Next imports route modules while building.
function getHandler(): Promise<Handler> {
  handler ??= services().then(({ registry, audit, prediction, keys, checkpoints }) => {
    const graphqlServices: GraphQLServices = { registry, audit, prediction, keys, checkpoints, logger, metrics: processMetrics() };
    return startServerAndCreateNextHandler<NextRequest, GraphQLContext>(createApolloServer(graphqlServices), {
      context: (request) => createContext(graphqlServices, request.headers),
    });
  });
  handler.catch(() => {
    handler = null;
  });
  return handler;
}

async function handle(request: NextRequest): Promise<Response> {
  const refused = await refuseBody(request);
  if (refused) return refused;
  let serve: Handler;
  try {
    serve = await getHandler();
  } catch (error) {
    return startupErrorResponse(error, logger);
  }
  return serve(request);
}

export const GET = handle;
export const POST = handle;
