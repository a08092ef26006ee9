/**
 * `npm run graphql:schema`: writes the schema built from the code to graphql/schema.graphql (a test fails when they
 * differ).
 */
import { writeFileSync } from 'node:fs';
import { buildGraphQLSchema, printContract, SCHEMA_FILE } from './schema';

writeFileSync(SCHEMA_FILE, printContract(buildGraphQLSchema()));
console.log(`wrote ${SCHEMA_FILE}`);
