import {
  formatTick,
  labelledTicks,
  linearScale,
  logit,
  niceExtent,
  niceTicks,
  probabilityLabel,
  probabilityTicks,
  sigmoid,
  stepDecimals,
  tickStep,
} from '@/ui/charts/scale';

describe('linear scales', () => {
  it('maps a bar of 0.5 on the domain [0, 1] to 100 px of a 200 px axis', () => {
    const x = linearScale([0, 1], [0, 200]);
    expect(x(0.5) - x(0)).toBe(100);
    expect(x(1)).toBe(200);
  });

  it('maps an offset range and an inverted (SVG y) range', () => {
    const x = linearScale([-2, 2], [100, 500]);
    expect(x(-2)).toBe(100);
    expect(x(0)).toBe(300);
    const y = linearScale([0, 1], [400, 40]);
    expect(y(0)).toBe(400);
    expect(y(1)).toBe(40);
    expect(y(0.25)).toBe(310);
  });

  it('puts every value of a zero-width domain in the middle of the range instead of dividing by zero', () => {
    expect(linearScale([3, 3], [0, 200])(3)).toBe(100);
  });
});

describe('nice ticks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(tickStep(0, 1, 5)).toBe(0.2);
    expect(tickStep(0, 10, 5)).toBe(2);
    expect(tickStep(0, 0.417, 5)).toBe(0.1);
    expect(tickStep(0, 100, 10)).toBe(10);
    expect(tickStep(0, 23, 5)).toBe(5);
    expect(tickStep(2, 2, 5)).toBe(0);
  });

  it('places ticks at multiples of the step inside the domain, both ends included when they are multiples', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.417, 5)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(-0.93, 2.97, 6)).toEqual([-0.5, 0, 0.5, 1, 1.5, 2, 2.5]);
  });

  it('rounds ticks to the step, so no tick reads 0.30000000000000004', () => {
    expect(niceTicks(0.1, 0.3, 2)).toEqual([0.1, 0.2, 0.3]);
    expect(niceTicks(-3.9, -2.4, 6)).toEqual([-3.8, -3.6, -3.4, -3.2, -3, -2.8, -2.6, -2.4]);
    for (const t of niceTicks(-3.9, -2.4, 6)) expect(String(t).length).toBeLessThanOrEqual(4);
  });

  it('handles reversed, equal and non-finite bounds', () => {
    expect(niceTicks(1, 0, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(niceTicks(0, Infinity)).toEqual([]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });

  it('widens an extent outwards to whole steps, so the axis ends on a labelled tick', () => {
    expect(niceExtent(0, 0.417, 5)).toEqual([0, 0.5]);
    expect(niceExtent(0, 0.6253, 5)).toEqual([0, 0.7]);
    expect(niceExtent(-0.93, 2.97, 6)).toEqual([-1, 3]);
    expect(niceExtent(0, 1, 5)).toEqual([0, 1]);
  });

  it('labels ticks with the decimals the step needs and a true minus sign', () => {
    expect(stepDecimals(0.05)).toBe(2);
    expect(stepDecimals(0.2)).toBe(1);
    expect(stepDecimals(5)).toBe(0);
    expect(formatTick(-0.5, 0.5)).toBe('−0.5');
    expect(formatTick(0, 0.2)).toBe('0.0');
    expect(formatTick(-1e-17, 0.2)).toBe('0.0');
    expect(formatTick(1, 0.2)).toBe('1.0');
    expect(labelledTicks(0, 1, 5).map((t) => t.label)).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });
});

describe('log-odds and probabilities', () => {
  it('computes logit(p) = ln(p / (1 − p))', () => {
    expect(logit(0.5)).toBe(0);
    expect(logit(0.2892154)).toBeCloseTo(Math.log(0.2892154 / 0.7107846), 14);
    // ln(0.0275 / 0.9725), by Python's math.log.
    expect(logit(0.0275)).toBeCloseTo(-3.5656840708200757, 13);
    expect(logit(0.75)).toBeCloseTo(Math.log(3), 14);
  });

  it('is infinite at 0 and 1, NaN outside [0, 1], and finite with full precision near 0', () => {
    expect(logit(0)).toBe(-Infinity);
    expect(logit(1)).toBe(Infinity);
    expect(logit(-0.1)).toBeNaN();
    expect(logit(1.1)).toBeNaN();
    expect(logit(NaN)).toBeNaN();
    // ln(1e-300) − ln(1 − 1e-300): the second term is 0 at double precision.
    expect(logit(1e-300)).toBeCloseTo(-300 * Math.LN10, 9);
    expect(logit(1e-17)).toBeCloseTo(Math.log(1e-17), 12);
  });

  it('computes sigmoid(x) = 1 / (1 + e^−x) without overflow at either end', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Math.log(3))).toBeCloseTo(0.75, 15);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-40) / (Math.exp(-40) / (1 + Math.exp(-40)))).toBeCloseTo(1, 12);
    expect(sigmoid(NaN)).toBeNaN();
  });

  it('inverts logit', () => {
    for (const p of [1e-9, 0.001, 0.0275, 0.2892154, 0.5, 0.9414595, 0.999])
      expect(sigmoid(logit(p)) / p).toBeCloseTo(1, 12);
  });
});

describe('probability ticks on a log-odds axis', () => {
  it('labels probabilities as percentages without trailing zeros', () => {
    expect(probabilityLabel(0.01)).toBe('1%');
    expect(probabilityLabel(0.025)).toBe('2.5%');
    expect(probabilityLabel(0.001)).toBe('0.1%');
    expect(probabilityLabel(0.5)).toBe('50%');
  });

  it('places the familiar probabilities at their log-odds, only inside the domain', () => {
    const ticks = probabilityTicks(-4.6, 4.6);
    expect(ticks.map((t) => t.label)).toEqual(['1%', '5%', '10%', '25%', '50%', '75%', '90%', '95%', '99%']);
    expect(ticks.find((t) => t.label === '50%')!.value).toBe(0);
    expect(ticks.find((t) => t.label === '25%')!.value).toBeCloseTo(-Math.log(3), 14);
  });

  it('drops a tick closer than the minimum gap to a more familiar one already placed', () => {
    // 10% is 0.75 log-odds from 5%, 95% is 0.75 from 90%.
    expect(probabilityTicks(-4.6, 4.6, 1).map((t) => t.label)).toEqual(['1%', '5%', '25%', '50%', '75%', '90%', '99%']);
  });

  it('falls back to finer probabilities on a narrow axis', () => {
    // logit(2%) = −3.89, logit(3%) = −3.48; no familiar tick lies in [−3.9, −3.0].
    expect(probabilityTicks(-3.9, -3.0).map((t) => t.label)).toEqual(['2%', '3%']);
  });
});
