/**
 * Apollo's own server (`startStandaloneServer` from @apollo/server/standalone) on our schema with none of our plugins,
 * in its own process as the app's server is: the ceiling `npm run bench:api` compares our `{ __typename }` with.
 * Run with `node --import tsx`; prints "listening on <port>" when ready.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildGraphQLSchema } from '../../src/graphql/schema';

async function main(): Promise<void> {
  const server = new ApolloServer({ schema: buildGraphQLSchema() });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  process.stdout.write(`listening on ${new URL(url).port}\n`);
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
