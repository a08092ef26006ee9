/**
 * Specification of the patient-hour build: groups, labels and counts, screening of implausible values, and equality
 * with carryForward + vectorize.
 */
import fc from 'fast-check';
import { plausibleRange, SEPSIS_CHALLENGE_COLUMNS, type ChallengeColumn } from '@/features/sepsis';
import { parseChallengeCsv } from '@/training/datasets/sepsis';
import { buildSepsisDataset, type SepsisDataset } from '@/training/datasets/sepsis-patient-hours';
import { csv, mismatches, twoPatients, type Hour } from '../../../support/challenge-tables';

describe('buildSepsisDataset', () => {
  it('gives groups, offsets, ICULOS, raw labels and counts', () => {
    const data = buildSepsisDataset(parseChallengeCsv(csv(twoPatients), { requireLabel: true }));
    expect(data.featureNames).toHaveLength(43);
    expect(data.x).toHaveLength(3 * 43);
    expect(Array.from(data.groups)).toEqual([0, 0, 1]);
    expect(data.patientIds).toEqual(['p1', 'p2']);
    expect(Array.from(data.iculos)).toEqual([1, 2, 3]);
    expect(Array.from(data.y)).toEqual([0, 1, 0]);
    expect(data.sepsisLabel).toEqual(data.y);
    expect(data.sepsisLabel).not.toBe(data.y);
    expect(data.stats).toEqual({
      rows: 3,
      patients: 2,
      positiveRows: 1,
      septicPatients: 1,
      septicFromFirstHour: 0,
      blanked: {},
      blankedTotal: 0,
    });
    expect(data.source).toBeNull();
  });

  it('blanks implausible values by default (the last plausible one carries forward) and keeps them on request', () => {
    const text = csv([
      [
        'p',
        [
          { ICULOS: 1, FiO2: 0.4, SepsisLabel: 0 },
          { ICULOS: 2, FiO2: 10, Potassium: 27.5, SepsisLabel: 0 },
        ],
      ],
    ]);
    const table = parseChallengeCsv(text, { requireLabel: true });
    const fio2 = (d: SepsisDataset) => [0, 1].map((r) => d.x[r * 43 + d.featureNames.indexOf('fio2')]);
    const screened = buildSepsisDataset(table);
    expect(fio2(screened)).toEqual([0.4, 0.4].map(Math.fround));
    expect(screened.stats.blanked).toEqual({ FiO2: 1, Potassium: 1 });
    expect(screened.stats.blankedTotal).toBe(2);
    const kept = buildSepsisDataset(table, { implausible: 'keep' });
    expect(fio2(kept)).toEqual([Math.fround(0.4), 10]);
    expect(kept.stats.blankedTotal).toBe(0);
  });

  it('equals carryForward + vectorize, value for value, on random tables', () => {
    const value = (c: ChallengeColumn) => {
      const range = plausibleRange(c);
      if (!range) return fc.constantFrom(NaN, 0, 1);
      const span = range.max - range.min;
      // Some values fall outside the range, to exercise the screening.
      return fc.option(fc.double({ min: range.min - span / 4, max: range.max + span / 4, noNaN: true }), {
        nil: NaN,
        freq: 2,
      });
    };
    const measured = SEPSIS_CHALLENGE_COLUMNS.filter((c) => !['ICULOS', 'SepsisLabel'].includes(c));
    const hourArb = fc.record({
      ...Object.fromEntries(measured.map((c) => [c, value(c)])),
      gap: fc.integer({ min: 1, max: 3 }),
      SepsisLabel: fc.constantFrom(0, 1),
    });
    const patientsArb = fc
      .array(fc.array(hourArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 })
      .map((ps) =>
        ps.map((hours, p): [string, Hour[]] => {
          let t = p; // a later patient may start at an earlier ICULOS than the previous one ended
          return [`p${p}`, hours.map(({ gap, ...h }) => ({ ...h, ICULOS: (t += gap) }) as Hour)];
        }),
      );
    fc.assert(
      fc.property(patientsArb, fc.constantFrom('missing' as const, 'keep' as const), (patients, implausible) => {
        const table = parseChallengeCsv(csv(patients), { requireLabel: true });
        const data = buildSepsisDataset(table, { implausible });
        expect(data.x).toHaveLength(table.rowCount * 43);
        for (let p = 0; p < patients.length; p++) expect(mismatches(data, table, p, implausible)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
