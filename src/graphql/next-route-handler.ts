/**
 * The GraphQL endpoint as a Next.js route handler: refuses bodies Apollo should not see, builds Apollo on first use,
 * answers startup failures as coded errors.
 */
import { startServerAndCreateNextHandler } from '@as-integrations/next';
import type { NextRequest } from 'next/server';
import type { Logger } from 'pino';
import { onceUntilFailure } from '@/config/once-until-failure';
import { createApolloServer, NO_STORE } from './apollo-server';
import { createContext, type GraphQLContext, type GraphQLServices } from './context';
import { refuseBody } from './request-body';
import { startupErrorResponse } from './startup-error';

type Handler = (request: NextRequest) => Promise<Response>;

/**
 * A route handler whose real handler is built on the first request (Next imports route modules while building) and
 * whose bodies are refused before it sees them; a failed build is answered as a coded error and retried on the next
 * request (the database may come up).
 */
export function lazyRouteHandler<R extends Request>(
  build: () => Promise<(request: R) => Promise<Response>>,
  logger: Logger,
): (request: R) => Promise<Response> {
  const getHandler = onceUntilFailure(build);
  return async (request) => {
    const refused = await refuseBody(request);
    if (refused) return refused;
    let serve: (request: R) => Promise<Response>;
    try {
      serve = await getHandler();
    } catch (error) {
      return startupErrorResponse(error, logger);
    }
    return serve(request);
  };
}

/** The GraphQL handler for GET and POST; `graphqlServices` is called on the first request. */
export function graphqlRouteHandler(graphqlServices: () => Promise<GraphQLServices>, logger: Logger): Handler {
  return lazyRouteHandler(
    () =>
      graphqlServices().then((built) => {
        const handle = startServerAndCreateNextHandler<NextRequest, GraphQLContext>(createApolloServer(built), {
          context: (request) => createContext(built, request.headers),
        });
        return async (request: NextRequest) => {
          const response = await handle(request);
          response.headers.set('cache-control', NO_STORE);
          return response;
        };
      }),
    logger,
  );
}
