import { processWide } from '@/config/process-wide';

describe('process-wide state shared by every Next.js chunk', () => {
  it('builds a value once per name, whichever copy of the module asks', () => {
    let builds = 0;
    const name = `test-${Math.random()}`;
    const first = processWide(name, () => ({ built: ++builds }));
    const second = processWide(name, () => ({ built: ++builds }));
    expect(second).toBe(first);
    expect(builds).toBe(1);
  });
});
