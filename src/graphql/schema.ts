/**
 * The executable GraphQL schema, built from the type-graphql classes, and its printed form (the committed contract).
 */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync, type PubSub } from 'type-graphql';
import { ApiKeyResolver } from './api-key.resolver';
import { AuditCheckpointResolver } from './audit-checkpoint.resolver';
import { authChecker } from './authentication';
import { AlertResolver, MonitorResolver } from './monitor.resolver';
import { LiveEventsResolver } from './live-events.resolver';
import { PredictionResolver } from './prediction.resolver';
import { RiskModelResolver } from './risk-model.resolver';

/** Where the printed schema is committed, relative to the project root. */
export const SCHEMA_FILE = 'graphql/schema.graphql';

/**
 * type-graphql insists on a PubSub once any subscription exists, even when every subscription brings its own
 * `subscribe` (they read LiveEvents, fed by Postgres NOTIFY across processes); this one refuses to be used.
 */
const noTopics: PubSub = {
  publish() {
    throw new Error('GraphQL topics are not used: live events are published by Postgres NOTIFY (live-events.ts)');
  },
  subscribe() {
    throw new Error('GraphQL topics are not used: subscriptions subscribe to LiveEvents (live-events.ts)');
  },
};

export function buildGraphQLSchema(): GraphQLSchema {
  // Resolvers are instantiated by type-graphql and stay stateless: services come from the per-request context.
  // No class-validator: inputs are checked against the model cards by the prediction service.
  // Access: fields marked @Authorized(permission) ask authChecker (authentication.ts); the rest are public.
  return buildSchemaSync({
    resolvers: [
      RiskModelResolver,
      PredictionResolver,
      ApiKeyResolver,
      AuditCheckpointResolver,
      MonitorResolver,
      AlertResolver,
      LiveEventsResolver,
    ],
    validate: false,
    pubSub: noTopics,
    authChecker,
  });
}

/** The schema as committed: sorted, so moving code around does not change the contract file. */
export function printContract(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
