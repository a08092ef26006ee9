/**
 * One log line and one metrics observation per GraphQL request: request id, operation, model, rows,
 * latency and outcome. Never the variables: they hold feature values and patientRefs, which stay in
 * the audit table and out of logs.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { performance } from 'node:perf_hooks';
import type { GraphQLContext } from './context';

/** The model an operation names, if any: the `modelId` of its input (an id, never a value). */
function modelOf(variables: Record<string, unknown> | undefined): string | undefined {
  const input = variables?.input;
  const modelId = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).modelId : undefined;
  // A client may send anything here; an id is short, and a long string is not worth a log line.
  return typeof modelId === 'string' ? modelId.slice(0, 64) : undefined;
}

function rowsOf(variables: Record<string, unknown> | undefined): number | undefined {
  const rows = (variables?.input as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? rows.length : undefined;
}

/** Composed to run after errorMappingPlugin (apollo-server.ts), so the outcome is the code the client receives. */
export const requestLogPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    const started = performance.now();
    return {
      async willSendResponse({ response, request, operationName, operation, contextValue }) {
        const body = response.body;
        const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
        const code = errors?.[0]?.extensions?.code;
        const outcome = errors?.length ? (typeof code === 'string' ? code : 'ERROR') : 'OK';
        // Operation names come from clients; unnamed and unparsed operations share one label each.
        const name = (operationName ?? (operation ? 'anonymous' : 'unparsed')).slice(0, 64);
        const latencyMs = performance.now() - started;
        const labels = { operation: name, outcome };
        contextValue.services.metrics.requests.inc(labels);
        contextValue.services.metrics.requestDuration.observe(labels, latencyMs / 1000);
        contextValue.logger.info(
          {
            operation: name,
            operationType: operation?.operation,
            model: modelOf(request.variables),
            rows: rowsOf(request.variables),
            latencyMs: Number(latencyMs.toFixed(2)),
            outcome,
            status: response.http.status ?? 200,
          },
          'graphql request',
        );
      },
    };
  },
};
