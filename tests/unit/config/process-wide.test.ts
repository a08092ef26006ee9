import { brandInstances, processWide } from '@/config/process-wide';
import { InvalidInputError } from '@/errors/invalid-input';

describe('process-wide state shared by every Next.js chunk', () => {
  it('builds a value once per name, whichever copy of the module asks', () => {
    let builds = 0;
    const name = `test-${Math.random()}`;
    const first = processWide(name, () => ({ built: ++builds }));
    const second = processWide(name, () => ({ built: ++builds }));
    expect(second).toBe(first);
    expect(builds).toBe(1);
  });

  it("recognises an instance of another chunk's copy of a branded class", () => {
    // Two copies of one class, as two chunks each evaluate the module that declares it.
    const makeCopy = () => {
      class CopyError extends Error {}
      brandInstances(CopyError, `CopyError-${expect.getState().currentTestName}`);
      return CopyError;
    };
    const [A, B] = [makeCopy(), makeCopy()];
    expect(new A('x')).toBeInstanceOf(B);
    expect(new B('x')).toBeInstanceOf(A);
    expect(new Error('x')).not.toBeInstanceOf(A);
    const nothing: unknown = null;
    expect(nothing instanceof A).toBe(false);
  });

  it('keeps instanceof working for the branded service errors', () => {
    const error = new InvalidInputError([{ name: 'age', message: 'too old' }]);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toBeInstanceOf(Error);
    expect({ ...error }).not.toBeInstanceOf(InvalidInputError);
  });
});
