/**
 * POST/GET /api/graphql: the GraphQL endpoint (src/graphql) on the process's services; nothing else. Under `npm start`
 * the process's own server answers this path before Next.js sees it (src/server/http-server.ts); this route serves
 * `next dev`.
 */
import pino from 'pino';
import { graphqlRouteHandler } from '@/graphql/next-route-handler';
import { graphqlServices } from '@/server/graphql-services';

export const dynamic = 'force-dynamic';

const logger = pino();

const handle = graphqlRouteHandler(() => graphqlServices(logger), logger);

export const GET = handle;
export const POST = handle;
