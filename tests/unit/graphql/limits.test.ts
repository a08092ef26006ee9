/**
 * The operation limits: what graphql-armor's rules count, that broken or huge documents get coded refusals instead of
 * crashes, and the rows an operation would score.
 */
import {
  buildSchema,
  getIntrospectionQuery,
  parse,
  specifiedRules,
  validate,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import {
  MAX_ALIASES,
  MAX_COST,
  MAX_DEPTH,
  MAX_DIRECTIVES,
  MAX_TOKENS,
  operationLimits,
  operationRows,
} from '@/graphql/limits';
import { buildGraphQLSchema } from '@/graphql/schema';
import { MAX_BATCH_ROWS } from '@/prediction/prediction-service';

// A schema with a cycle, where depth is up to the client.
const cyclic = buildSchema('type Query { node: Node } type Node { id: ID, next: Node }');
const schema = buildGraphQLSchema();

/** `{ node { next { … { id } } } }`: `depth` levels as armor counts them (`{ node { id } }` is 2). */
function nested(depth: number): string {
  return `{ node ${'{ next '.repeat(depth - 2)}{ id }${' }'.repeat(depth - 2)} }`;
}

const refusals = (source: string, on: GraphQLSchema = cyclic) =>
  validate(on, parse(source), [...specifiedRules, ...operationLimits.validationRules]);
const messages = (source: string, on: GraphQLSchema = cyclic) => refusals(source, on).map((e) => e.message);

/** fragment F0 { ...F1 } … fragment F<n-1> { id }: a chain, not a cycle. */
function fragmentChain(n: number): string {
  const fragments = Array.from(
    { length: n },
    (_, i) => `fragment F${i} on Node { ${i + 1 < n ? `...F${i + 1}` : 'id'} }`,
  );
  return `{ node { ...F0 } } ${fragments.join(' ')}`;
}

describe('depth', () => {
  it(`accepts depth ${MAX_DEPTH} and refuses ${MAX_DEPTH + 1}, naming the limit, with a validation code`, () => {
    expect(messages(nested(MAX_DEPTH))).toEqual([]);
    const [error, ...others] = refusals(nested(MAX_DEPTH + 1));
    expect(others).toEqual([]);
    expect(error.message).toBe(
      `The operation nests fields ${MAX_DEPTH + 1} levels deep (a fragment spread counts as two); the limit is ${MAX_DEPTH}. Ask for the nested data in a separate operation.`,
    );
    expect(error.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'depth',
      max: MAX_DEPTH,
      found: MAX_DEPTH + 1,
    });
  });

  it('counts each fragment spread as two levels (the spread and its selection set), so a chain of fragments cannot hide depth', () => {
    // { node { ...F0 } } and a chain of n fragments ending in `id`: 2n + 2 levels.
    expect(messages(fragmentChain((MAX_DEPTH - 2) / 2))).toEqual([]);
    expect(messages(fragmentChain((MAX_DEPTH - 2) / 2 + 1))).toEqual([
      expect.stringContaining(`nests fields ${MAX_DEPTH + 2} levels deep`),
    ]);
  });

  it('refuses a chain of 3,000 fragments while parsing, and the longest chain and deepest nesting that parse without crashing', () => {
    // graphql-depth-limit overflowed the stack on the 3,000 chain (a 500); armor's rules recurse too, so the token
    // limit comes first.
    expect(() => parse(fragmentChain(3000), operationLimits.parseOptions)).toThrow(
      /Document contains more tha[nt] 1000 tokens/,
    );
    const longest = fragmentChain(Math.floor(MAX_TOKENS / 8) - 2);
    expect(messages(longest)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^The operation nests fields 248 levels deep .*the limit is 12\./),
      ]),
    );
    const deepest = nested(Math.floor(MAX_TOKENS / 2) - 2);
    expect(refusals(deepest).map((e) => e.extensions.limit)).toContain('depth');
  });

  it("leaves undefined and cyclic fragments to graphql's own rules", () => {
    expect(messages('{ node { ...Missing } }')).toEqual(['Unknown fragment "Missing".']);
    expect(messages('{ node { ...A } } fragment A on Node { ...B } fragment B on Node { ...A }')).toEqual([
      'Cannot spread fragment "A" within itself via "B".',
    ]);
  });
});

describe('introspection', () => {
  it('passes every limit with the standard introspection query, tokens included', () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect(
      validate(schema, parse(query, operationLimits.parseOptions), [
        ...specifiedRules,
        ...operationLimits.validationRules,
      ]),
    ).toEqual([]);
  });
});

describe('size', () => {
  it(`refuses more than ${MAX_TOKENS} tokens while parsing`, () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(() => parse(aliases(MAX_TOKENS / 3 - 1), operationLimits.parseOptions)).not.toThrow();
    expect(() => parse(aliases(2000), operationLimits.parseOptions)).toThrow(
      `Syntax Error: Document contains more that ${MAX_TOKENS} tokens. Parsing aborted.`,
    ); // graphql's wording;
  });

  it(`refuses more than ${MAX_ALIASES} aliases (aliases of __typename are free), naming the limit`, () => {
    const aliased = (n: number, field: string) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    expect(messages(aliased(MAX_ALIASES, 'models { id }'), schema)).toEqual([]);
    expect(messages(aliased(MAX_ALIASES + 1, 'models { id }'), schema)).toEqual([
      `The operation uses ${MAX_ALIASES + 1} aliases; the limit is ${MAX_ALIASES}. Split it into several operations.`,
    ]);
    expect(messages(aliased(100, '__typename'), schema)).toEqual([]);
  });

  it(`refuses more than ${MAX_DIRECTIVES} directives, naming the limit`, () => {
    const directed = (n: number) => `{ models ${'@include(if: true) '.repeat(n)}{ id } }`;
    const errors = refusals(directed(MAX_DIRECTIVES + 1), schema);
    expect(errors.map((e) => e.extensions)).toContainEqual(
      expect.objectContaining({ limit: 'directives', max: MAX_DIRECTIVES, found: MAX_DIRECTIVES + 1 }),
    );
  });

  it('refuses a literal page of 100 predictions with their model cards on cost, naming cost and limit', () => {
    const costly =
      '{ predictions(first: 100) { edges { node { id probability model { id name features { name label unit min max } metrics { auroc { estimate lower upper } } } } } } }';
    expect(messages(costly, schema)).toEqual([
      expect.stringMatching(
        new RegExp(`^The operation's estimated cost is \\d+(\\.\\d+)?; the limit is ${MAX_COST}\\.`),
      ),
    ]);
    expect(
      messages('{ predictions(first: 100) { edges { node { id probability riskBand createdAt } } } }', schema),
    ).toEqual([]);
  });

  it('hides field suggestions: nothing relies on them', () => {
    // graphql's own message says 'Did you mean "models"?'; armor masks it in Apollo's response (an Apollo plugin,
    // tested through Apollo).
    expect(messages('{ model { id } }', schema)[0]).toMatch(/^Field "model" argument "id" of type "ID!" is required/);
  });
});

describe('operationRows', () => {
  const rows = (source: string, variables?: Record<string, unknown>) => {
    const document = parse(source);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    return operationRows({ schema, document, operation, variables });
  };
  const batch = (n: number) => Array.from({ length: n }, () => ({ features: [] }));
  const one = 'predict(input: { modelId: "diabetes", features: [] }) { id }';

  it('counts a predict as one row, each alias again', () => {
    expect(rows(`mutation { ${one} }`)).toBe(1);
    expect(rows(`mutation { a: ${one} b: ${one} c: ${one} }`)).toBe(3);
    expect(rows('{ models { id } }')).toBe(0);
  });

  it("counts a batch's rows, from the variables or the literal", () => {
    const byVariable =
      'mutation B($input: PredictBatchInput!) { a: predictBatch(input: $input) { id } b: predictBatch(input: $input) { id } }';
    expect(rows(byVariable, { input: { modelId: 'diabetes', rows: batch(600) } })).toBe(1200);
    expect(
      rows(
        'mutation B($rows: [PredictRowInput!]!) { predictBatch(input: { modelId: "diabetes", rows: $rows }) { id } }',
        { rows: batch(7) },
      ),
    ).toBe(7);
    expect(
      rows(
        'mutation { predictBatch(input: { modelId: "diabetes", rows: [{ features: [] }, { features: [] }] }) { id } }',
      ),
    ).toBe(2);
  });

  it('counts fields in fragments, a response key once, and leaves out skipped fields', () => {
    const skippable = one.replace(' { id }', ' @skip(if: $skip) { id }');
    const viaFragments = `mutation M($skip: Boolean!) { ...P ...P ... on Mutation { b: ${one} } c: ${skippable} } fragment P on Mutation { a: ${one} }`;
    expect(rows(viaFragments, { skip: true })).toBe(2);
    expect(rows(viaFragments, { skip: false })).toBe(3);
  });

  it(`counts one oversized batch as ${MAX_BATCH_ROWS}, leaving its precise refusal to the service`, () => {
    const byVariable = 'mutation B($input: PredictBatchInput!) { predictBatch(input: $input) { id } }';
    expect(rows(byVariable, { input: { modelId: 'diabetes', rows: batch(5000) } })).toBe(MAX_BATCH_ROWS);
  });

  it('is undefined when the variables do not coerce (execution refuses those)', () => {
    expect(
      rows('mutation B($input: PredictBatchInput!) { predictBatch(input: $input) { id } }', { input: 'ten' }),
    ).toBeUndefined();
  });
});
