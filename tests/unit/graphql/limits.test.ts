/** The depth and cost limits: what they count, and that broken documents reach graphql's own errors instead of crashing them. */
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { depthLimitRule, MAX_DEPTH, operationCost } from '@/graphql/limits';
import { buildGraphQLSchema } from '@/graphql/schema';

// A schema with a cycle, where depth is up to the client.
const cyclic = buildSchema('type Query { node: Node } type Node { id: ID, next: Node }');

/** `{ node { next { … { id } } } }` with `depth` nested selection sets. */
function nested(depth: number): string {
  return `{ node ${'{ next '.repeat(depth - 1)}{ id }${' }'.repeat(depth - 1)} }`;
}

const messages = (source: string) => validate(cyclic, parse(source), [...specifiedRules, depthLimitRule]).map((e) => e.message);

describe('depthLimitRule', () => {
  it(`accepts depth ${MAX_DEPTH} and refuses ${MAX_DEPTH + 1}, naming the limit`, () => {
    expect(messages(nested(MAX_DEPTH))).toEqual([]);
    expect(messages(nested(MAX_DEPTH + 1))).toEqual([
      `The operation nests fields more than ${MAX_DEPTH} levels deep; the limit is ${MAX_DEPTH}. Ask for the nested data in a separate operation.`,
    ]);
  });

  it('counts through fragments', () => {
    // The fragment holds everything below `node`: the spread adds no level, its fields do.
    const viaFragment = (depth: number) => `query Q { node { ...Deep } } fragment Deep on Node ${nested(depth).slice('{ node '.length, -2)}`;
    expect(messages(viaFragment(MAX_DEPTH))).toEqual([]);
    expect(messages(viaFragment(MAX_DEPTH + 1))).toHaveLength(1);
  });

  it("leaves undefined and cyclic fragments to graphql's own rules instead of crashing", () => {
    expect(messages('{ node { ...Missing } }')).toEqual(['Unknown fragment "Missing".']);
    expect(messages('{ node { ...A } } fragment A on Node { ...B } fragment B on Node { ...A }')).toEqual([
      'Cannot spread fragment "A" within itself via "B".',
    ]);
  });
});

describe('operationCost', () => {
  const schema = buildGraphQLSchema();
  const cost = (source: string, variables?: Record<string, unknown>) => operationCost({ schema, document: parse(source), variables });

  it('counts every field once', () => {
    expect(cost('{ models { id name } }')).toBe(3);
  });

  it('counts a page of predictions once per item, first from the arguments, the variables or the default of 20', () => {
    const page = 'edges { node { id } }'; // 3 per item
    expect(cost(`{ predictions(first: 10) { ${page} } }`)).toBe(1 + 10 * 3);
    expect(cost(`query Q($n: Int) { predictions(first: $n) { ${page} } }`, { n: 5 })).toBe(1 + 5 * 3);
    expect(cost(`{ predictions { ${page} } }`)).toBe(1 + 20 * 3);
  });

  it('counts a batch once per row, an oversized page or batch as one item more than allowed', () => {
    const rows = (n: number) => ({ input: { modelId: 'diabetes', rows: Array.from({ length: n }, () => ({ features: [] })) } });
    const batch = 'mutation B($input: PredictBatchInput!) { predictBatch(input: $input) { id probability } }';
    expect(cost(batch, rows(3))).toBe(1 + 3 * 2);
    expect(cost(batch, rows(5000))).toBe(1 + 1001 * 2);
    expect(cost('{ predictions(first: 100000) { edges { node { id } } } }')).toBe(1 + 101 * 3);
  });

  it('is undefined when the variables do not coerce (execution reports those)', () => {
    expect(cost('query Q($n: Int) { predictions(first: $n) { totalCount } }', { n: 'ten' })).toBeUndefined();
  });
});
