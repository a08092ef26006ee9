/**
 * graphql/schema.graphql is the schema the code builds: a change to the types must be re-emitted and committed with it.
 */
import { readFileSync } from 'node:fs';
import { buildGraphQLSchema, printContract, SCHEMA_FILE } from '@/graphql/schema';

it(`${SCHEMA_FILE} matches the schema built from the code`, () => {
  const emitted = printContract(buildGraphQLSchema());
  const committed = readFileSync(SCHEMA_FILE, 'utf8');
  if (committed !== emitted) {
    const [a, b] = [committed.split('\n'), emitted.split('\n')];
    const line = a.findIndex((text, i) => text !== b[i]);
    throw new Error(
      `${SCHEMA_FILE} is out of date: run \`npm run graphql:schema\` and commit the file.\n` +
        `First difference at line ${(line < 0 ? a.length : line) + 1}:\n  committed: ${a[line] ?? '(end of file)'}\n  built:     ${b[line] ?? '(end of file)'}`,
    );
  }
});

it('prints deterministically', () => {
  expect(printContract(buildGraphQLSchema())).toBe(printContract(buildGraphQLSchema()));
});
