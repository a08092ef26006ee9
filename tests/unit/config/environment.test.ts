import { availableParallelism } from 'node:os';
import { EnvironmentError, loadEnvironment } from '@/config/environment';

describe('EXPLAIN_POOL_SIZE, the explanation pool’s worker threads', () => {
  it('is one thread per core when unset or empty', () => {
    expect(loadEnvironment({}).EXPLAIN_POOL_SIZE).toBe(availableParallelism());
    expect(loadEnvironment({ EXPLAIN_POOL_SIZE: '' }).EXPLAIN_POOL_SIZE).toBe(availableParallelism());
  });

  it('is the cores each server process has to itself when several share the machine (SERVER_PROCESSES)', () => {
    const cores = availableParallelism();
    expect(loadEnvironment({ SERVER_PROCESSES: '2' }).EXPLAIN_POOL_SIZE).toBe(Math.floor(cores / 2));
    expect(loadEnvironment({ SERVER_PROCESSES: '64' }).EXPLAIN_POOL_SIZE).toBe(Math.floor(cores / 64));
    expect(loadEnvironment({ SERVER_PROCESSES: '2', EXPLAIN_POOL_SIZE: '3' }).EXPLAIN_POOL_SIZE).toBe(3);
  });

  it('takes a whole number of threads, 0 and 1 included (both turn the pool off)', () => {
    expect(['0', '1', '2', '8', '256'].map((v) => loadEnvironment({ EXPLAIN_POOL_SIZE: v }).EXPLAIN_POOL_SIZE)).toEqual(
      [0, 1, 2, 8, 256],
    );
  });

  it.each(['-1', '1.5', 'two', '257'])('refuses %s, naming the setting and the allowed range', (value) => {
    expect(() => loadEnvironment({ EXPLAIN_POOL_SIZE: value })).toThrow(EnvironmentError);
    expect(() => loadEnvironment({ EXPLAIN_POOL_SIZE: value })).toThrow(
      'invalid environment: EXPLAIN_POOL_SIZE: must be a whole number of threads from 0 to 256',
    );
  });
});
