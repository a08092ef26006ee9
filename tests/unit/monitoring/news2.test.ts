/**
 * Specification of NEWS2: the RCP 2017 chart band by band, hand-worked patients with their arithmetic, the GCS and
 * FiO2 readings, SpO2 scale 2, and a score that stays honest when inputs are missing.
 */
import fc from 'fast-check';
import type { HourValues } from '@/monitoring/hour-values';
import { HourValueError } from '@/monitoring/hour-readings';
import { news2, news2Alerts, NEWS2_ALERT_TOTAL, type News2Parameter, type News2Result } from '@/monitoring/news2';

function hour(values: Record<string, number>): HourValues {
  return new Map(Object.entries(values));
}

/** Every parameter present and scoring 0 on scale 1. */
const NORMAL = { Resp: 16, O2Sat: 97, SupplementalO2: 0, SBP: 120, HR: 70, Consciousness: 0, Temp: 37.0 };

function points(result: News2Result, parameter: News2Parameter): number | null {
  return result.components.find((component) => component.parameter === parameter)!.points;
}

function text(result: News2Result, parameter: News2Parameter): string {
  return result.components.find((component) => component.parameter === parameter)!.text;
}

function without(values: Record<string, number>, ...codes: string[]): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([code]) => !codes.includes(code)));
}

describe('hand-worked patients', () => {
  it('all normal: 0, low, no alert', () => {
    // RR 16 (0) + SpO2 97 (0) + air (0) + SBP 120 (0) + HR 70 (0) + Alert (0) + Temp 37.0 (0) = 0
    const result = news2(hour(NORMAL));
    expect(result).toMatchObject({
      spo2Scale: 1,
      complete: true,
      total: 0,
      partialTotal: 0,
      missing: [],
      anySingleThree: false,
      risk: 'low',
    });
    expect(result.components.map((component) => component.parameter)).toEqual([
      'respirationRate',
      'spo2',
      'airOrOxygen',
      'systolicBP',
      'pulse',
      'consciousness',
      'temperature',
    ]);
    expect(news2Alerts(result)).toBe(false);
  });

  it('a single 3 with a low total is low-medium and alerts', () => {
    // RR 16 (0) + SpO2 97 (0) + air (0) + SBP 120 (0) + HR 70 (0) + Voice (3) + Temp 37.0 (0) = 3
    const result = news2(hour({ ...NORMAL, Consciousness: 2 }));
    expect(result).toMatchObject({ complete: true, total: 3, anySingleThree: true, risk: 'low-medium' });
    expect(news2Alerts(result)).toBe(true);
  });

  it('a total of 4 without a 3 is low and does not alert', () => {
    // RR 22 (2) + SpO2 97 (0) + air (0) + SBP 105 (1) + HR 95 (1) + Alert (0) + Temp 37.0 (0) = 4
    const result = news2(hour({ ...NORMAL, Resp: 22, SBP: 105, HR: 95 }));
    expect(result).toMatchObject({ total: 4, anySingleThree: false, risk: 'low' });
    expect(news2Alerts(result)).toBe(false);
  });

  it('a total of 5 is medium', () => {
    // RR 22 (2) + SpO2 95 (1) + air (0) + SBP 105 (1) + HR 95 (1) + Alert (0) + Temp 37.0 (0) = 5
    const result = news2(hour({ ...NORMAL, Resp: 22, O2Sat: 95, SBP: 105, HR: 95 }));
    expect(result).toMatchObject({ complete: true, total: 5, risk: 'medium' });
    expect(news2Alerts(result)).toBe(true);
  });

  it('a total of 6 is medium', () => {
    // RR 22 (2) + SpO2 95 (1) + air (0) + SBP 105 (1) + HR 95 (1) + Alert (0) + Temp 38.5 (1) = 6
    const result = news2(hour({ ...NORMAL, Resp: 22, O2Sat: 95, SBP: 105, HR: 95, Temp: 38.5 }));
    expect(result).toMatchObject({ total: 6, risk: 'medium' });
  });

  it('a single 3 within a total of 5 is medium, not low-medium', () => {
    // RR 25 (3) + SpO2 97 (0) + oxygen (2) + SBP 120 (0) + HR 70 (0) + Alert (0) + Temp 37.0 (0) = 5
    const result = news2(hour({ ...NORMAL, Resp: 25, SupplementalO2: 1 }));
    expect(result).toMatchObject({ total: 5, anySingleThree: true, risk: 'medium' });
  });

  it('a total of 7 is high', () => {
    // RR 21 (2) + SpO2 94 (1) + oxygen (2) + SBP 115 (0) + HR 100 (1) + Alert (0) + Temp 38.5 (1) = 7
    const result = news2(hour({ ...NORMAL, Resp: 21, O2Sat: 94, SupplementalO2: 1, SBP: 115, HR: 100, Temp: 38.5 }));
    expect(result).toMatchObject({ total: 7, risk: 'high' });
  });

  it('a total of 10 is high', () => {
    // RR 24 (2) + SpO2 93 (2) + oxygen (2) + SBP 105 (1) + HR 115 (2) + Alert (0) + Temp 38.5 (1) = 10
    const result = news2(
      hour({ Resp: 24, O2Sat: 93, SupplementalO2: 1, SBP: 105, HR: 115, Consciousness: 0, Temp: 38.5 }),
    );
    expect(result).toMatchObject({ complete: true, total: 10, partialTotal: 10, risk: 'high', anySingleThree: false });
    expect(result.components.map((component) => component.points)).toEqual([2, 2, 2, 1, 2, 0, 1]);
    expect(text(result, 'respirationRate')).toBe('24 breaths/min: 2 points');
  });
});

describe('chart bands on the real line (a row is closed at its upper limit; a value in a gap joins the row above)', () => {
  const cases: [News2Parameter, string, [number, number][]][] = [
    [
      'respirationRate',
      'Resp',
      [
        [0, 3],
        [8, 3],
        [8.5, 1],
        [9, 1],
        [11, 1],
        [11.5, 0],
        [12, 0],
        [20, 0],
        [20.5, 2],
        [21, 2],
        [24, 2],
        [24.5, 3],
        [25, 3],
        [40, 3],
      ],
    ],
    [
      'spo2',
      'O2Sat',
      [
        [80, 3],
        [91, 3],
        [91.5, 2],
        [92, 2],
        [93, 2],
        [93.5, 1],
        [94, 1],
        [95, 1],
        [95.5, 0],
        [96, 0],
        [100, 0],
      ],
    ],
    [
      'systolicBP',
      'SBP',
      [
        [60, 3],
        [90, 3],
        [90.5, 2],
        [91, 2],
        [100, 2],
        [100.5, 1],
        [101, 1],
        [110, 1],
        [110.5, 0],
        [111, 0],
        [219, 0],
        [219.5, 3],
        [220, 3],
        [250, 3],
      ],
    ],
    [
      'pulse',
      'HR',
      [
        [30, 3],
        [40, 3],
        [40.5, 1],
        [41, 1],
        [50, 1],
        [50.5, 0],
        [51, 0],
        [90, 0],
        [90.5, 1],
        [91, 1],
        [110, 1],
        [110.5, 2],
        [111, 2],
        [130, 2],
        [130.5, 3],
        [131, 3],
        [180, 3],
      ],
    ],
    [
      'temperature',
      'Temp',
      [
        [34.0, 3],
        [35.0, 3],
        [35.05, 1],
        [35.1, 1],
        [36.0, 1],
        [36.05, 0],
        [36.1, 0],
        [38.0, 0],
        [38.05, 1],
        [38.1, 1],
        [39.0, 1],
        [39.05, 2],
        [39.1, 2],
        [41.0, 2],
      ],
    ],
    [
      'consciousness',
      'Consciousness',
      [
        [0, 0], // Alert
        [1, 3], // new Confusion
        [2, 3], // Voice
        [3, 3], // Pain
        [4, 3], // Unresponsive
      ],
    ],
    [
      'airOrOxygen',
      'SupplementalO2',
      [
        [0, 0],
        [1, 2],
      ],
    ],
  ];
  describe.each(cases)('%s (%s)', (parameter, code, rows) => {
    it.each(rows)(`${code} %p scores %p`, (value, expected) => {
      const result = news2(hour({ ...NORMAL, [code]: value }));
      expect(points(result, parameter)).toBe(expected);
      expect(result.total).toBe(expected);
    });
  });
});

describe('SpO2 scale 2 (hypercapnic respiratory failure)', () => {
  const onAir: [number, number][] = [
    [80, 3],
    [83, 3],
    [83.5, 2],
    [84, 2],
    [85, 2],
    [85.5, 1],
    [86, 1],
    [87, 1],
    [87.5, 0],
    [88, 0],
    [92, 0],
    [93, 0],
    [97, 0],
    [100, 0],
  ];
  const onOxygen: [number, number][] = [
    [83, 3],
    [84, 2],
    [85, 2],
    [86, 1],
    [87, 1],
    [88, 0],
    [92, 0],
    [92.5, 1],
    [93, 1],
    [94, 1],
    [94.5, 2],
    [95, 2],
    [96, 2],
    [96.5, 3],
    [97, 3],
    [100, 3],
  ];
  it.each(onAir)('on air, SpO2 %p scores %p', (spo2, expected) => {
    const result = news2(hour({ ...NORMAL, O2Sat: spo2, SupplementalO2: 0 }), { spo2Scale: 2 });
    expect(result.spo2Scale).toBe(2);
    expect(points(result, 'spo2')).toBe(expected);
  });
  it.each(onOxygen)('on oxygen, SpO2 %p scores %p', (spo2, expected) => {
    const result = news2(hour({ ...NORMAL, O2Sat: spo2, SupplementalO2: 1 }), { spo2Scale: 2 });
    expect(points(result, 'spo2')).toBe(expected);
  });

  it('a COPD patient on 28% oxygen at SpO2 90 is low on scale 2 where scale 1 would call it high', () => {
    const values = hour({ Resp: 22, O2Sat: 90, FiO2: 0.28, SBP: 130, HR: 88, Consciousness: 0, Temp: 37.2 });
    // Scale 2: RR 22 (2) + SpO2 90 (0) + oxygen (2) + SBP 130 (0) + HR 88 (0) + Alert (0) + Temp 37.2 (0) = 4
    expect(news2(values, { spo2Scale: 2 })).toMatchObject({ total: 4, risk: 'low' });
    // Scale 1: RR 22 (2) + SpO2 90 (3) + oxygen (2) + SBP 130 (0) + HR 88 (0) + Alert (0) + Temp 37.2 (0) = 7
    expect(news2(values)).toMatchObject({ total: 7, risk: 'high' });
  });

  it('over-oxygenation scores: SpO2 97 on oxygen', () => {
    // RR 18 (0) + SpO2 97 on oxygen (3) + oxygen (2) + SBP 120 (0) + HR 80 (0) + Alert (0) + Temp 37.0 (0) = 5
    const result = news2(hour({ ...NORMAL, Resp: 18, HR: 80, SupplementalO2: 1 }), { spo2Scale: 2 });
    expect(result).toMatchObject({ total: 5, anySingleThree: true, risk: 'medium' });
    expect(text(result, 'spo2')).toBe('97% on oxygen: 3 points');
  });

  it('SpO2 of 93 or more cannot be scored without air or oxygen: the SpO2 component is incomplete too', () => {
    // RR 16 (0) + SpO2 95 (?) + air or oxygen (?) + SBP 120 (0) + HR 70 (0) + Alert (0) + Temp 37.0 (0) ≥ 0
    const result = news2(hour(without({ ...NORMAL, O2Sat: 95 }, 'SupplementalO2')), { spo2Scale: 2 });
    expect(result).toMatchObject({ complete: false, total: null, partialTotal: 0, risk: null });
    expect(points(result, 'spo2')).toBeNull();
    expect(text(result, 'spo2')).toMatch(/needs air or oxygen/);
    expect(result.missing).toEqual(['SpO2 score (scale 2 at 93% or more needs air or oxygen)', 'air or oxygen']);
  });

  it('SpO2 of 92 or less is scored without air or oxygen; only air or oxygen is missing', () => {
    // RR 16 (0) + SpO2 85 (2) + air or oxygen (?) + SBP 120 (0) + HR 70 (0) + Alert (0) + Temp 37.0 (0) ≥ 2
    const result = news2(hour(without({ ...NORMAL, O2Sat: 85 }, 'SupplementalO2')), { spo2Scale: 2 });
    expect(points(result, 'spo2')).toBe(2);
    expect(result).toMatchObject({ complete: false, partialTotal: 2, missing: ['air or oxygen'] });
  });
});

describe('readings from GCS and FiO2', () => {
  it('GCS 15 without Consciousness reads as Alert, and says so', () => {
    const result = news2(hour({ ...without(NORMAL, 'Consciousness'), GCS: 15 }));
    expect(points(result, 'consciousness')).toBe(0);
    expect(text(result, 'consciousness')).toContain('GCS 15: alert');
    expect(result).toMatchObject({ complete: true, total: 0 });
  });

  it.each([14, 13, 8, 3])('GCS %p without Consciousness reads as not alert: 3 points', (gcs) => {
    const result = news2(hour({ ...without(NORMAL, 'Consciousness'), GCS: gcs }));
    expect(points(result, 'consciousness')).toBe(3);
    expect(text(result, 'consciousness')).toContain(`GCS ${gcs}: not alert`);
    expect(result.components.find((c) => c.parameter === 'consciousness')!.value).toBe(gcs);
  });

  it('a charted Consciousness wins over GCS', () => {
    const result = news2(hour({ ...NORMAL, Consciousness: 0, GCS: 13 }));
    expect(points(result, 'consciousness')).toBe(0);
    expect(text(result, 'consciousness')).not.toContain('GCS');
  });

  it.each([
    [0.21, 0, 'FiO2 0.21: air'],
    [0.2, 0, 'FiO2 0.2: air'],
    [0.22, 2, 'FiO2 0.22: on oxygen'],
    [0.4, 2, 'FiO2 0.4: on oxygen'],
    [1, 2, 'FiO2 1: on oxygen'],
  ])('FiO2 %p without SupplementalO2 scores %p and says it was read from FiO2', (fio2, expected, said) => {
    const result = news2(hour({ ...without(NORMAL, 'SupplementalO2'), FiO2: fio2 }));
    expect(points(result, 'airOrOxygen')).toBe(expected);
    expect(text(result, 'airOrOxygen')).toContain(said);
  });

  it('a charted SupplementalO2 wins over FiO2', () => {
    const result = news2(hour({ ...NORMAL, SupplementalO2: 0, FiO2: 0.5 }));
    expect(points(result, 'airOrOxygen')).toBe(0);
    expect(text(result, 'airOrOxygen')).not.toContain('FiO2');
  });
});

describe('missing inputs', () => {
  it('missing consciousness: incomplete, no total, named, partial total of the rest', () => {
    // RR 22 (2) + SpO2 95 (1) + air (0) + SBP 105 (1) + HR 70 (0) + consciousness (?) + Temp 37.0 (0) ≥ 4
    const result = news2(hour(without({ ...NORMAL, Resp: 22, O2Sat: 95, SBP: 105 }, 'Consciousness')));
    expect(result).toMatchObject({
      complete: false,
      total: null,
      partialTotal: 4,
      missing: ['consciousness level'],
      risk: null,
    });
    expect(points(result, 'consciousness')).toBeNull();
    expect(result.components.find((c) => c.parameter === 'consciousness')!.value).toBeNull();
    expect(text(result, 'consciousness')).toBe('not measured within the hour');
    expect(news2Alerts(result)).toBe(false);
  });

  it('missing air or oxygen: incomplete and named', () => {
    // RR 16 (0) + SpO2 97 (0) + air or oxygen (?) + SBP 120 (0) + HR 70 (0) + Alert (0) + Temp 37.0 (0) ≥ 0
    const result = news2(hour(without(NORMAL, 'SupplementalO2')));
    expect(result).toMatchObject({ complete: false, total: null, partialTotal: 0, missing: ['air or oxygen'] });
    // Not 'low': an unknown oxygen could still add 2 points and, with other missing parts, more.
    expect(result.risk).toBeNull();
  });

  it('names every missing part in chart order', () => {
    const result = news2(hour({}));
    expect(result.missing).toEqual([
      'respiration rate',
      'SpO2',
      'air or oxygen',
      'systolic blood pressure',
      'pulse',
      'consciousness level',
      'temperature',
    ]);
    expect(result).toMatchObject({ complete: false, total: null, partialTotal: 0, risk: null, anySingleThree: false });
  });

  it('a partial total of 7 or more is already high', () => {
    // RR 25 (3) + SBP 85 (3) + HR 135 (3) = 9, the rest unknown: the total is at least 9
    const result = news2(hour({ Resp: 25, SBP: 85, HR: 135 }));
    expect(result).toMatchObject({ complete: false, total: null, partialTotal: 9, risk: 'high', anySingleThree: true });
    expect(news2Alerts(result)).toBe(true);
  });

  it('a partial total of 7 exactly is already high', () => {
    // RR 21 (2) + SpO2 93 (2) + oxygen (2) + Temp 38.5 (1) = 7, SBP, pulse and consciousness unknown
    const result = news2(hour({ Resp: 21, O2Sat: 93, SupplementalO2: 1, Temp: 38.5 }));
    expect(result).toMatchObject({ partialTotal: 7, risk: 'high' });
  });

  it('a partial total of 4 with missing parts has no risk and does not alert', () => {
    // RR 22 (2) + SpO2 93 (2) = 4, the rest unknown: anything from 4 (low) to 20 (high)
    const result = news2(hour({ Resp: 22, O2Sat: 93 }));
    expect(result).toMatchObject({ complete: false, total: null, partialTotal: 4, risk: null });
    expect(news2Alerts(result)).toBe(false);
  });

  it('a partial total of 5 alerts though its risk is not yet known', () => {
    // RR 22 (2) + SpO2 93 (2) + SBP 105 (1) = 5, the rest unknown
    const result = news2(hour({ Resp: 22, O2Sat: 93, SBP: 105 }));
    expect(result).toMatchObject({ partialTotal: NEWS2_ALERT_TOTAL, risk: null });
    expect(news2Alerts(result)).toBe(true);
  });

  it('a single 3 with missing parts alerts, its risk not yet known', () => {
    const result = news2(hour({ Resp: 7 }));
    expect(result).toMatchObject({ partialTotal: 3, anySingleThree: true, risk: null });
    expect(news2Alerts(result)).toBe(true);
  });
});

describe('values that cannot be what their code says', () => {
  it.each([
    ['Resp', Number.NaN],
    ['Temp', Number.POSITIVE_INFINITY],
    ['Consciousness', 5],
    ['Consciousness', 1.5],
    ['GCS', 2],
    ['GCS', 16],
    ['SupplementalO2', 0.5],
    ['FiO2', 40],
    ['FiO2', 0],
  ])('%s %p is refused with the code and what it allows', (code, value) => {
    // GCS is read only without Consciousness, FiO2 only without SupplementalO2.
    const shadowing: Record<string, string> = { GCS: 'Consciousness', FiO2: 'SupplementalO2' };
    const values = hour({ ...without(NORMAL, shadowing[code] ?? ''), [code]: value });
    expect(() => news2(values)).toThrow(HourValueError);
    expect(() => news2(values)).toThrow(new RegExp(`^${code} is ${value}; allowed: `));
  });

  it('carries a stable code', () => {
    expect(() => news2(hour({ ...NORMAL, HR: Number.NaN }))).toThrow(
      expect.objectContaining({ code: 'INVALID_HOUR_VALUE', observationCode: 'HR' }),
    );
  });
});

describe('properties', () => {
  const vitals = {
    Resp: fc.double({ min: 0, max: 60, noNaN: true }),
    O2Sat: fc.double({ min: 50, max: 100, noNaN: true }),
    SBP: fc.double({ min: 40, max: 260, noNaN: true }),
    HR: fc.double({ min: 20, max: 220, noNaN: true }),
    Temp: fc.double({ min: 30, max: 43, noNaN: true }),
  };
  const consciousness = fc.oneof(
    fc.record({ Consciousness: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ GCS: fc.integer({ min: 3, max: 15 }) }),
  );
  const oxygen = fc.oneof(
    fc.record({ SupplementalO2: fc.constantFrom(0, 1) }),
    fc.record({ FiO2: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
  );
  const fullHour = fc
    .tuple(fc.record(vitals), consciousness, oxygen)
    .map(([v, c, o]): Record<string, number> => ({ ...v, ...c, ...o }));
  const scale = fc.constantFrom<1 | 2>(1, 2);

  it('with every input present the score is complete and its total is the sum of its components', () => {
    fc.assert(
      fc.property(fullHour, scale, (values, spo2Scale) => {
        const result = news2(hour(values), { spo2Scale });
        const sum = result.components.reduce((acc, component) => acc + component.points!, 0);
        expect(result.complete).toBe(true);
        expect(result.missing).toEqual([]);
        expect(result.components.every((component) => component.points !== null)).toBe(true);
        expect(result.total).toBe(sum);
        expect(result.partialTotal).toBe(sum);
        expect(result.anySingleThree).toBe(result.components.some((component) => component.points === 3));
        expect(result.risk).not.toBeNull();
      }),
    );
  });

  it('dropping inputs never raises the partial total, and a risk given when incomplete is the full risk', () => {
    fc.assert(
      fc.property(fullHour, scale, fc.func(fc.boolean()), (values, spo2Scale, keep) => {
        const full = news2(hour(values), { spo2Scale });
        const partial = news2(hour(Object.fromEntries(Object.entries(values).filter(([code]) => keep(code)))), {
          spo2Scale,
        });
        expect(partial.partialTotal).toBeLessThanOrEqual(full.total!);
        if (partial.risk !== null) expect(partial.risk).toBe(full.risk);
        if (news2Alerts(partial)) expect(news2Alerts(full)).toBe(true);
      }),
    );
  });
});
