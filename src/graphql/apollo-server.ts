/**
 * The Apollo server over the services: the schema, its limits and error mapping. Not started here: the Next.js route
 * mounts it.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLContext, GraphQLServices } from './context';
import { credentialsPlugin } from './authentication';
import { errorMappingPlugin } from './error-mapping';
import { operationLimits } from './limits';
import { requestLogPlugin } from './request-log';
import { buildGraphQLSchema } from './schema';

/**
 * Apollo runs every plugin's willSendResponse at once; the request log must see the codes the error
 * mapping settles on, so their hooks run one after the other. Only willSendResponse is composed: it
 * is the one hook these plugins use.
 */
function inOrder(...plugins: ApolloServerPlugin<GraphQLContext>[]): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart(request) {
      const listeners = await Promise.all(plugins.map((plugin) => plugin.requestDidStart?.(request)));
      return {
        async willSendResponse(response) {
          for (const listener of listeners) await listener?.willSendResponse?.(response);
        },
      };
    },
  };
}

/**
 * The Cache-Control of every GraphQL answer: it may carry patient data, and no cache on the way may keep it (GET
 * queries included). Apollo's cache-control plugin said so; it is off (below), so the handlers say it themselves.
 */
export const NO_STORE = 'no-store';

/** One per process; pass every request a context from `await createContext(services, headers)`. */
export function createApolloServer(services: GraphQLServices): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema: buildGraphQLSchema(),
    // Apollo turns introspection off when NODE_ENV=production; clients and tools rely on it.
    introspection: true,
    // Stack traces would leak internals; unexpected errors are logged with the request id instead.
    includeStacktraceInErrorResponses: false,
    parseOptions: operationLimits.parseOptions,
    validationRules: operationLimits.validationRules,
    allowBatchedHttpRequests: operationLimits.allowBatchedHttpRequests,
    plugins: [
      credentialsPlugin,
      ...operationLimits.plugins,
      inOrder(errorMappingPlugin, requestLogPlugin),
      // Apollo installs cache control unless told not to: a hook on every field of every answer (a prediction's
      // contributions are dozens), for cache hints this API never sets. Its answers are not cached.
      ApolloServerPluginCacheControlDisabled(),
    ],
    logger: services.logger.child({ component: 'apollo' }),
    // The process stops Apollo itself at SIGTERM, in order, after the requests in hand (src/server/http-server.ts).
    stopOnTerminationSignals: false,
  });
}
