/**
 * What one operation may ask for: its size, nesting, aliases, directives, cost and the rows it scores, all refused
 * before any resolver runs.
 */
import type { ApolloServerOptions, ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { MAX_BATCH_ROWS } from '@/prediction/prediction-service';
import type { GraphQLContext } from './context';

/**
 * Most lexical tokens a document may hold; graphql's parser stops counting past it, so a huge document
 * costs no more than this to refuse (a chain of 3,000 fragments holds 24,000). It also bounds what the
 * recursive parser and validation rules can be made to walk: 500 levels of nesting or a chain of 125
 * fragments at most, where graphql's parser overflows the stack near 2,000 levels. The standard
 * introspection query holds under 200 tokens and the largest documented operation (GetModel) 128; rows
 * of a batch belong in variables, which are not tokens.
 */
export const MAX_TOKENS = 1000;

/**
 * Deepest nesting allowed, counted as graphql-armor counts it: `{ models { id } }` is 2, an inline fragment
 * adds a level and a fragment spread two (the spread and the fragment's selection set), so a chain of
 * fragments cannot hide depth. Today's schema reaches 7 (predictions.edges.node.model.metrics.auroc.estimate);
 * the limit leaves room for a couple of fragments on that path and guards the day a cycle appears (a model's
 * predictions, say). Introspection under `__schema` is not counted: its standard query nests type
 * references deeply by design.
 */
export const MAX_DEPTH = 12;

/** Most aliases in one operation (`__typename` aliases are free): enough to compare a few models side by side. */
export const MAX_ALIASES = 15;

/** Most directives in one operation. */
export const MAX_DIRECTIVES = 50;

/**
 * graphql-armor's static cost above which an operation is refused: scalars cost 1, objects 2, each level
 * down weighs 1.5 times more, and a literal `first: n` multiplies its field's cost by n. Every documented
 * operation costs under 250 (GetModel ≈ 225; introspection under `__schema` counts nothing); a literal page of
 * 100 predictions with their model cards (≈ 14,000) does not fit. `first` given as a variable counts once:
 * MAX_PAGE_SIZE and MAX_ALIASES bound what such pages can add.
 */
export const MAX_COST = 5000;

/** Code of a limit violation: it is a validation failure, like any other refused document. */
const VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED';

/** One operation is over a limit. `extensions.limit` names which, with the allowed maximum beside it. */
export class OperationLimitError extends GraphQLError {
  constructor(message: string, limit: string, details: Record<string, number>) {
    super(message, { extensions: { code: VALIDATION_FAILED, limit, ...details, http: { status: 400 } } });
    this.name = 'OperationLimitError';
  }
}

// graphql-armor's messages end "…, found N." (a cost may read 14070.3125 or 1.6e+52); its count, when it gives one,
// goes into ours.
function foundIn(error: GraphQLError): number | undefined {
  const found = /found ([\d.e+]+?)\.?$/.exec(error.message);
  const value = found ? Number(found[1]) : Number.NaN;
  return Number.isFinite(value) ? Math.round(value) : undefined;
}

/**
 * Armor's rejection handler: reports our message, naming the limit, to the validation context (Apollo
 * answers 400 with GRAPHQL_VALIDATION_FAILED) instead of armor's "Syntax Error: …" or a thrown error.
 */
function refuse(limit: string, max: number, describe: (found: number | undefined) => string) {
  return (context: ValidationContext | null, error: GraphQLError) => {
    const found = foundIn(error);
    context?.reportError(
      new OperationLimitError(describe(found), limit, { max, ...(found === undefined ? {} : { found }) }),
    );
  };
}

const armor = new ApolloArmor({
  maxDepth: {
    n: MAX_DEPTH,
    flattenFragments: false,
    ignoreIntrospection: true,
    propagateOnRejection: false,
    onReject: [
      refuse(
        'depth',
        MAX_DEPTH,
        (found) =>
          `The operation nests fields ${found ?? 'more than ' + MAX_DEPTH} levels deep (a fragment spread counts as two); the limit is ${MAX_DEPTH}. Ask for the nested data in a separate operation.`,
      ),
    ],
  },
  maxAliases: {
    n: MAX_ALIASES,
    propagateOnRejection: false,
    onReject: [
      refuse(
        'aliases',
        MAX_ALIASES,
        (found) =>
          `The operation uses ${found ?? 'more than ' + MAX_ALIASES} aliases; the limit is ${MAX_ALIASES}. Split it into several operations.`,
      ),
    ],
  },
  maxDirectives: {
    n: MAX_DIRECTIVES,
    propagateOnRejection: false,
    onReject: [
      refuse(
        'directives',
        MAX_DIRECTIVES,
        (found) =>
          `The operation uses ${found ?? 'more than ' + MAX_DIRECTIVES} directives; the limit is ${MAX_DIRECTIVES}.`,
      ),
    ],
  },
  costLimit: {
    maxCost: MAX_COST,
    ignoreIntrospection: true,
    propagateOnRejection: false,
    onReject: [
      refuse(
        'cost',
        MAX_COST,
        (found) =>
          `The operation's estimated cost is ${found ?? 'more than ' + MAX_COST}; the limit is ${MAX_COST}. Every field costs, deeper ones more, and a page ` +
          'costs its selection once per item (first): select fewer fields, ask for smaller pages or split the operation.',
      ),
    ],
  },
  // Armor's token limit runs a second parse in an Apollo hook and throws from it, which Apollo answers
  // with a logged 500 (graphql-armor issues #571, #751); graphql's own parser counts the same tokens and
  // Apollo answers its refusal with a 400 GRAPHQL_PARSE_FAILED (see parseOptions below).
  maxTokens: { enabled: false },
  // Field suggestions ("Did you mean …?") stay blocked: nothing relies on them, and introspection is there
  // for clients that want the schema.
  blockFieldSuggestion: { enabled: true },
}).protect();

/** Which rows `predict` and `predictBatch` fields would score: a predict is 1, a batch its rows. */
function rowsOfField(name: string, args: Record<string, unknown>): number {
  if (name === 'predict') return 1;
  if (name !== 'predictBatch') return 0;
  const rows = (args.input as { rows?: unknown } | undefined)?.rows;
  // A batch over the limit alone is counted as the limit, so its client hears the service's precise error
  // ("a batch holds 1 to 1000 rows; got 1001") rather than this one; with any other row beside it, it is refused here.
  return Math.min(Array.isArray(rows) ? rows.length : 0, MAX_BATCH_ROWS);
}

/**
 * Rows the operation would score if run with these variables: every predict and predictBatch field it
 * selects, as execution collects them (fragments included, a response key once, @skip/@include applied).
 * Undefined when the variables do not coerce: execution then refuses the whole operation anyway.
 */
export function operationRows(request: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables?: Record<string, unknown>;
}): number | undefined {
  const { schema, document, operation } = request;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coercion.errors) return undefined;
  const variables = coercion.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;

  const rowsByKey = new Map<string, number>();
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const field = root.getFields()[selection.name.value];
        // Fields under one response key are merged (validation made them identical) and run once.
        if (!field || rowsByKey.has(key)) continue;
        let args: Record<string, unknown>;
        try {
          args = getArgumentValues(field, selection, variables);
        } catch {
          continue; // Execution refuses this field before its resolver runs.
        }
        rowsByKey.set(key, rowsOfField(selection.name.value, args));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (visited.has(name) || !fragment) continue;
        visited.add(name);
        collect(fragment.selectionSet);
      }
    }
  };
  collect(operation.selectionSet);
  return [...rowsByKey.values()].reduce((sum, rows) => sum + rows, 0);
}

/**
 * Refuses an operation that would score more than MAX_BATCH_ROWS rows in all, however they are spread
 * over aliased predict and predictBatch fields. It runs once the operation and its variables are known,
 * before any resolver, so a refused operation stores nothing.
 */
export const rowLimitPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, operation, request }) {
        if (!operation) return;
        const rows = operationRows({ schema, document, operation, variables: request.variables });
        if (rows !== undefined && rows > MAX_BATCH_ROWS) {
          throw new OperationLimitError(
            `The operation would score ${rows} rows (each predict is one, each predictBatch its rows); the limit is ${MAX_BATCH_ROWS} rows per request. ` +
              'Split it into several requests.',
            'rows',
            { max: MAX_BATCH_ROWS, found: rows },
          );
        }
      },
    };
  },
};

/**
 * The limits as Apollo server options: graphql's token limit on parsing, graphql-armor's rules and plugins, and the row
 * limit.
 */
export const operationLimits = {
  parseOptions: { maxTokens: MAX_TOKENS },
  validationRules: armor.validationRules,
  plugins: [...(armor.plugins as ApolloServerPlugin<GraphQLContext>[]), rowLimitPlugin],
  // One operation per HTTP request: a batch of operations would multiply every limit above.
  allowBatchedHttpRequests: armor.allowBatchedHttpRequests,
} satisfies Partial<ApolloServerOptions<GraphQLContext>>;
