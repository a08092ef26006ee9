/** The Apollo server over the services: the schema, its limits and error mapping. Not started here: the Next.js route mounts it. */
import { ApolloServer } from '@apollo/server';
import type { GraphQLContext, GraphQLServices } from './context';
import { errorMappingPlugin } from './error-mapping';
import { costLimitPlugin, depthLimitRule } from './limits';
import { buildGraphQLSchema } from './schema';

/** One per process; pass every request a context from `createContext(services, headers)`. */
export function createApolloServer(services: GraphQLServices): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema: buildGraphQLSchema(),
    // Apollo turns introspection off when NODE_ENV=production; clients and tools rely on it.
    introspection: true,
    // Stack traces would leak internals; unexpected errors are logged with the request id instead.
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimitRule],
    plugins: [costLimitPlugin, errorMappingPlugin],
    logger: services.logger.child({ component: 'apollo' }),
  });
}
