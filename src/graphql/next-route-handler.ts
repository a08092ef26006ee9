/**
 * The GraphQL endpoint as a Next.js route handler: refuses bodies Apollo should not see, builds Apollo on first use,
 * answers startup failures as coded errors.
 */
import { startServerAndCreateNextHandler } from '@as-integrations/next';
import type { NextRequest } from 'next/server';
import type { Logger } from 'pino';
import { createApolloServer } from './apollo-server';
import { createContext, type GraphQLContext, type GraphQLServices } from './context';
import { refuseBody } from './request-body';
import { startupErrorResponse } from './startup-error';

type Handler = (request: NextRequest) => Promise<Response>;

/**
 * A handler for GET and POST; `graphqlServices` is called on the first request (Next imports route modules while
 * building).
 */
export function graphqlRouteHandler(graphqlServices: () => Promise<GraphQLServices>, logger: Logger): Handler {
  let handler: Promise<Handler> | null = null;
  function getHandler(): Promise<Handler> {
    handler ??= graphqlServices().then((built) =>
      startServerAndCreateNextHandler<NextRequest, GraphQLContext>(createApolloServer(built), {
        context: (request) => createContext(built, request.headers),
      }),
    );
    // A failed build is forgotten, so a later request retries (the database may come up).
    handler.catch(() => {
      handler = null;
    });
    return handler;
  }

  return async (request) => {
    const refused = await refuseBody(request);
    if (refused) return refused;
    let serve: Handler;
    try {
      serve = await getHandler();
    } catch (error) {
      return startupErrorResponse(error, logger);
    }
    return serve(request);
  };
}
