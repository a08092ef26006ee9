/** Specification of the ONNX conventions' float32 arithmetic: the next float32 turns `x <= t` into `x < t'` exactly. */
import fc from 'fast-check';
import { nextFloat32Up } from '@/explain/onnx-conventions';

describe('nextFloat32Up', () => {
  it('nextFloat32Up(t): for float32 x, x <= t exactly when x < nextFloat32Up(t)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), fc.float({ noNaN: true }), (x, t) => {
        fc.pre(t !== Infinity);
        return x <= t === x < nextFloat32Up(t);
      }),
      { numRuns: 2000 },
    );
    expect(nextFloat32Up(0)).toBe(2 ** -149);
    expect(nextFloat32Up(-(2 ** -149))).toBe(-0);
    expect(nextFloat32Up(1)).toBe(1 + 2 ** -23);
    expect(nextFloat32Up(-Infinity)).toBe(-3.4028234663852886e38);
  });
});
