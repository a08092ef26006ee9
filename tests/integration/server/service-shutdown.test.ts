/**
 * The services' shutdown (src/server/service-container.ts): the explanation pool is built with the services, sized by
 * EXPLAIN_POOL_SIZE, and its worker threads end with them.
 */
import { explainPool, modelRegistry, shutdownServices } from '@/server/service-container';

describe('shutting the services down', () => {
  it('ends the explanation pool’s worker threads, sized by EXPLAIN_POOL_SIZE, and closes the registry', async () => {
    process.env.EXPLAIN_POOL_SIZE = '2';
    const pool = await explainPool();
    expect(pool?.threadIds).toHaveLength(2);
    const registry = await modelRegistry();
    const close = jest.spyOn(registry, 'close');
    await shutdownServices();
    expect(pool?.threadIds).toEqual([]);
    expect(close).toHaveBeenCalledTimes(1);
    // Nothing is stopped twice.
    await shutdownServices();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
