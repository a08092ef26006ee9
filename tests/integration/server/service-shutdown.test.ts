/**
 * The services' shutdown (src/server/service-container.ts): the explanation pool is built with the services, sized by
 * EXPLAIN_POOL_SIZE, starts its worker threads with the first batch large enough for them, and they end with the
 * services.
 */
import { POOLED_EXPLAIN_MIN_ROWS } from '@/prediction/explain-pool';
import { explainPool, modelRegistry, shutdownServices } from '@/server/service-container';

describe('shutting the services down', () => {
  it('starts the pool’s threads at the first large batch, ends them with the services, and closes the registry', async () => {
    process.env.EXPLAIN_POOL_SIZE = '2';
    const pool = await explainPool();
    // No thread before a batch needs one: a process answering single predictions does not carry them.
    expect(pool?.threadIds).toEqual([]);
    const registry = await modelRegistry();
    const model = await registry.get('heart-failure');
    const vectors = new Float32Array(POOLED_EXPLAIN_MIN_ROWS * model.explainer.featureCount).fill(1);
    await pool!.explain(model, vectors);
    expect(pool?.threadIds).toHaveLength(2);
    const close = jest.spyOn(registry, 'close');
    await shutdownServices();
    expect(pool?.threadIds).toEqual([]);
    expect(close).toHaveBeenCalledTimes(1);
    // Nothing is stopped twice.
    await shutdownServices();
    expect(close).toHaveBeenCalledTimes(1);
  });
});
