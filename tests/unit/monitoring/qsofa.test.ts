/**
 * Specification of qSOFA (Sepsis-3): one point each for RR ≥ 22/min, systolic BP ≤ 100 mm Hg and altered mentation,
 * with each threshold's boundary, the GCS reading, and a total withheld while a criterion is unknown.
 */
import fc from 'fast-check';
import type { HourValues } from '@/monitoring/hour-values';
import { HourValueError } from '@/monitoring/hour-readings';
import { qsofa, qsofaAlerts, QSOFA_ALERT_TOTAL, type QsofaCriterion, type QsofaResult } from '@/monitoring/qsofa';

function hour(values: Record<string, number>): HourValues {
  return new Map(Object.entries(values));
}

function met(result: QsofaResult, criterion: QsofaCriterion): boolean | null {
  return result.components.find((component) => component.criterion === criterion)!.met;
}

function text(result: QsofaResult, criterion: QsofaCriterion): string {
  return result.components.find((component) => component.criterion === criterion)!.text;
}

describe('criteria met', () => {
  it('none: RR 16 (no) + SBP 120 (no) + Alert (no) = 0', () => {
    const result = qsofa(hour({ Resp: 16, SBP: 120, Consciousness: 0 }));
    expect(result).toMatchObject({ complete: true, total: 0, partialTotal: 0, missing: [] });
    expect(result.components.map((component) => component.criterion)).toEqual([
      'respiratoryRate',
      'systolicBP',
      'alteredMentation',
    ]);
    expect(qsofaAlerts(result)).toBe(false);
  });

  it('one: RR 24 (yes) + SBP 120 (no) + Alert (no) = 1', () => {
    const result = qsofa(hour({ Resp: 24, SBP: 120, Consciousness: 0 }));
    expect(result).toMatchObject({ complete: true, total: 1 });
    expect(text(result, 'respiratoryRate')).toBe('24 breaths/min: met');
    expect(qsofaAlerts(result)).toBe(false);
  });

  it('two: RR 24 (yes) + SBP 95 (yes) + Alert (no) = 2, alerts', () => {
    const result = qsofa(hour({ Resp: 24, SBP: 95, Consciousness: 0 }));
    expect(result).toMatchObject({ complete: true, total: QSOFA_ALERT_TOTAL });
    expect(qsofaAlerts(result)).toBe(true);
  });

  it('three: RR 30 (yes) + SBP 85 (yes) + new Confusion (yes) = 3', () => {
    const result = qsofa(hour({ Resp: 30, SBP: 85, Consciousness: 1 }));
    expect(result).toMatchObject({ complete: true, total: 3, partialTotal: 3 });
    expect(result.components.map((component) => component.met)).toEqual([true, true, true]);
    expect(qsofaAlerts(result)).toBe(true);
  });
});

describe('thresholds, taken literally on the real line', () => {
  it.each([
    [21, false],
    [21.9, false],
    [22, true],
    [22.5, true],
  ])('RR %p: met %p', (rr, expected) => {
    expect(met(qsofa(hour({ Resp: rr, SBP: 120, Consciousness: 0 })), 'respiratoryRate')).toBe(expected);
  });

  it.each([
    [99, true],
    [100, true],
    [100.5, false],
    [101, false],
  ])('SBP %p: met %p', (sbp, expected) => {
    expect(met(qsofa(hour({ Resp: 16, SBP: sbp, Consciousness: 0 })), 'systolicBP')).toBe(expected);
  });

  it.each([
    [15, false, 'GCS 15: alert'],
    [14, true, 'GCS 14: not alert'],
    [3, true, 'GCS 3: not alert'],
  ])('GCS %p without Consciousness: altered %p, and says it was read from GCS', (gcs, expected, said) => {
    const result = qsofa(hour({ Resp: 16, SBP: 120, GCS: gcs }));
    expect(met(result, 'alteredMentation')).toBe(expected);
    expect(text(result, 'alteredMentation')).toContain(said);
  });

  it.each([
    [0, false],
    [1, true],
    [2, true],
    [3, true],
    [4, true],
  ])('Consciousness %p (ACVPU): altered %p', (acvpu, expected) => {
    expect(met(qsofa(hour({ Resp: 16, SBP: 120, Consciousness: acvpu })), 'alteredMentation')).toBe(expected);
  });

  it('a charted Consciousness wins over GCS', () => {
    expect(met(qsofa(hour({ Resp: 16, SBP: 120, Consciousness: 0, GCS: 14 })), 'alteredMentation')).toBe(false);
  });
});

describe('missing inputs', () => {
  it('missing mentation: incomplete, no total, named, partial total of the rest', () => {
    // RR 24 (yes) + SBP 120 (no) + mentation (?) ≥ 1
    const result = qsofa(hour({ Resp: 24, SBP: 120 }));
    expect(result).toMatchObject({
      complete: false,
      total: null,
      partialTotal: 1,
      missing: ['mentation (consciousness level or GCS)'],
    });
    expect(met(result, 'alteredMentation')).toBeNull();
    expect(text(result, 'alteredMentation')).toBe('not measured within the hour');
    expect(qsofaAlerts(result)).toBe(false);
  });

  it('two met with one unknown already alerts', () => {
    // RR 24 (yes) + SBP (?) + GCS 13 (yes) ≥ 2
    const result = qsofa(hour({ Resp: 24, GCS: 13 }));
    expect(result).toMatchObject({
      complete: false,
      total: null,
      partialTotal: 2,
      missing: ['systolic blood pressure'],
    });
    expect(qsofaAlerts(result)).toBe(true);
  });

  it('nothing measured names every criterion', () => {
    expect(qsofa(hour({})).missing).toEqual([
      'respiratory rate',
      'systolic blood pressure',
      'mentation (consciousness level or GCS)',
    ]);
  });

  it('ignores codes it does not use', () => {
    expect(qsofa(hour({ Resp: 16, SBP: 120, Consciousness: 0, HR: 150, Temp: 40 })).total).toBe(0);
  });
});

it('refuses a value off its scale', () => {
  expect(() => qsofa(hour({ Resp: 16, SBP: 120, GCS: 20 }))).toThrow(HourValueError);
  expect(() => qsofa(hour({ Resp: Number.NaN, SBP: 120, GCS: 15 }))).toThrow(/^Resp is NaN; allowed: /);
});

it('with every input present the score is complete and its total counts the criteria met', () => {
  const mentation = fc.oneof(
    fc.record({ Consciousness: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ GCS: fc.integer({ min: 3, max: 15 }) }),
  );
  const vitals = fc.record({
    Resp: fc.double({ min: 0, max: 60, noNaN: true }),
    SBP: fc.double({ min: 40, max: 260, noNaN: true }),
  });
  fc.assert(
    fc.property(vitals, mentation, (v, m) => {
      const result = qsofa(hour({ ...v, ...m }));
      expect(result.complete).toBe(true);
      expect(result.total).toBe(result.components.filter((component) => component.met).length);
      expect(result.partialTotal).toBe(result.total);
      expect(qsofaAlerts(result)).toBe(result.total! >= 2);
    }),
  );
});
