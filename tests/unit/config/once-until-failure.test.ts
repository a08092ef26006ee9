import { onceUntilFailure } from '@/config/once-until-failure';

describe('onceUntilFailure', () => {
  it('builds once for every caller, the concurrent first ones included', async () => {
    let builds = 0;
    const get = onceUntilFailure(async () => ++builds);
    expect(get.started()).toBeNull();
    const [a, b] = await Promise.all([get(), get()]);
    expect([a, b, await get()]).toEqual([1, 1, 1]);
    expect(builds).toBe(1);
    await expect(get.started()).resolves.toBe(1);
  });

  it('forgets a failed build, so the next call tries again', async () => {
    let builds = 0;
    const get = onceUntilFailure(async () => {
      builds++;
      if (builds === 1) throw new Error('database not up yet');
      return 'ready';
    });
    await expect(get()).rejects.toThrow('database not up yet');
    expect(get.started()).toBeNull();
    await expect(get()).resolves.toBe('ready');
    await expect(get()).resolves.toBe('ready');
    expect(builds).toBe(2);
  });
});
