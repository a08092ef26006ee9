/** What one operation may ask for: how deeply it nests and what it costs, both refused before any resolver runs. */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  KnownFragmentNamesRule,
  NoFragmentCyclesRule,
  validate,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { createComplexityRule, fieldExtensionsEstimator, simpleEstimator } from 'graphql-query-complexity';
import type { GraphQLContext } from './context';

/**
 * Deepest nesting allowed, counted as graphql-depth-limit counts it (`{ models { id } }` is 1). Today's
 * schema is acyclic and reaches 6 at most (predictions.edges.node.model.metrics.auroc.estimate); the limit
 * guards the day a cycle appears (a model's predictions, say). Introspection fields are not counted:
 * graphql-js limits those itself.
 */
export const MAX_DEPTH = 8;

/**
 * Estimated cost above which an operation is refused. Every field costs 1, and a list whose length the
 * client chooses costs its selection once per item (`predictions`: `first`; `predictBatch`: its rows).
 * A full batch of 1000 rows selecting up to 24 fields per prediction fits; a batch that also selects each
 * prediction's whole model card, or many aliased pages of predictions, does not.
 */
export const MAX_COST = 25_000;

/** Code of a limit violation: it is a validation failure, like any other refused document. */
const VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';

const noVisitor: ASTVisitor = {};

/**
 * graphql-depth-limit with a message naming the limit. It walks fragments itself and crashes on an
 * undefined or cyclic one, so it stays silent then and graphql's own rules report the fragment.
 */
export const depthLimitRule: ValidationRule = (context: ValidationContext) => {
  const broken = validate(context.getSchema(), context.getDocument(), [KnownFragmentNamesRule, NoFragmentCyclesRule]);
  if (broken.length > 0) return noVisitor;
  // A context whose reportError rewrites the library's message ("'' exceeds maximum operation depth of 8").
  const rewording: ValidationContext = Object.create(context, {
    reportError: {
      value: (error: GraphQLError) =>
        context.reportError(
          new GraphQLError(
            `The operation nests fields more than ${MAX_DEPTH} levels deep; the limit is ${MAX_DEPTH}. Ask for the nested data in a separate operation.`,
            { nodes: error.nodes, extensions: { code: VALIDATION_FAILED, limit: 'depth', maxDepth: MAX_DEPTH } },
          ),
        ),
    },
  });
  depthLimit(MAX_DEPTH)(rewording);
  return noVisitor;
};

/**
 * The cost of a field returning a list of `length(args)` items: its selection once per item. A length
 * over what the service accepts should count as that maximum plus one, so that the client hears the
 * service's precise error ("a batch holds 1 to 1000 rows") rather than a cost refusal.
 */
export function perItemCost(length: (args: Record<string, unknown>) => number) {
  return ({ args, childComplexity }: { args: Record<string, unknown>; childComplexity: number }): number =>
    1 + Math.max(0, length(args)) * childComplexity;
}

/** The operation's estimated cost, or undefined when its variables do not coerce (execution reports that). */
export function operationCost(operation: {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables?: Record<string, unknown>;
  operationName?: string;
}): number | undefined {
  let cost: number | undefined;
  const rule = createComplexityRule({
    maximumComplexity: Number.POSITIVE_INFINITY,
    variables: operation.variables,
    operationName: operation.operationName,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    onComplete: (complexity: number) => {
      cost = complexity;
    },
  });
  const errors = validate(operation.schema, operation.document, [rule]);
  return errors.length === 0 ? cost : undefined;
}

/**
 * Refuses an operation costing more than MAX_COST. graphql-query-complexity's validation rule runs here,
 * once the operation and its variables are known, because Apollo's validation rules never see variables
 * and `first: $first` or `rows: $rows` would count as nothing.
 */
export const costLimitPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, request, operationName }) {
        const cost = operationCost({ schema, document, variables: request.variables, operationName: operationName ?? undefined });
        if (cost !== undefined && cost > MAX_COST) {
          throw new GraphQLError(
            `The operation's estimated cost is ${cost}; the limit is ${MAX_COST}. Every field costs 1 and lists cost their selection ` +
              'once per item (first, or the rows of a batch): select fewer fields, ask for smaller pages or split the batch.',
            { extensions: { code: VALIDATION_FAILED, limit: 'cost', cost, maxCost: MAX_COST, http: { status: 400 } } },
          );
        }
      },
    };
  },
};
