/**
 * The executable GraphQL schema, built from the type-graphql classes, and its printed form (the committed contract).
 */
import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { ApiKeyResolver } from './api-key.resolver';
import { AuditCheckpointResolver } from './audit-checkpoint.resolver';
import { authChecker } from './authentication';
import { AlertResolver, MonitorResolver } from './monitor.resolver';
import { PredictionResolver } from './prediction.resolver';
import { RiskModelResolver } from './risk-model.resolver';

/** Where the printed schema is committed, relative to the project root. */
export const SCHEMA_FILE = 'graphql/schema.graphql';

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
    ],
    validate: false,
    authChecker,
  });
}

/** The schema as committed: sorted, so moving code around does not change the contract file. */
export function printContract(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
