/**
 * Specification of the icu-mortality features: names and labels, and each summary against values computed by hand on
 * small courses (missing parameters, repeated times, observations after the window, unit rules).
 */
import { DEFAULT_WINDOW_MINUTES, icuMortalityFeatures, icuMortalityVector, STATISTICS } from '@/features/icu-mortality';
import { ICU_MORTALITY_OBSERVATIONS, ICU_MORTALITY_TIME_SERIES } from '@/features/icu-mortality-observations';
import type { Observation } from '@/features/timeline';

const NAMES = icuMortalityFeatures().map((f) => f.name);

/** The vector as `{ feature name: value }`, for the names asked. */
function pick(observations: Observation[], names: string[], window?: number): Record<string, number> {
  const v = icuMortalityVector(observations, window);
  return Object.fromEntries(names.map((n) => [n, v[NAMES.indexOf(n)]]));
}

const summaryNames = (code: string) => STATISTICS.map((s) => `${code}_${s}`);
const obs = (name: string, time: number, value: number): Observation => ({ name, time, value });

describe('icuMortalityFeatures', () => {
  it('lists the 5 facts of the stay, then 8 summaries of each of the 37 time series: 301 unique names', () => {
    expect(ICU_MORTALITY_TIME_SERIES).toHaveLength(37);
    expect(ICU_MORTALITY_OBSERVATIONS).toHaveLength(41);
    expect(NAMES).toHaveLength(5 + 37 * 8);
    expect(new Set(NAMES).size).toBe(NAMES.length);
    expect(NAMES.slice(0, 5)).toEqual(['Age', 'Gender', 'Height', 'ICUType', 'Weight_admission']);
    expect(NAMES.slice(5, 13)).toEqual(summaryNames('Albumin'));
    expect(icuMortalityVector([])).toHaveLength(NAMES.length);
  });

  it('gives each feature a label a clinician reads and its unit', () => {
    const byName = new Map(icuMortalityFeatures().map((f) => [f.name, f]));
    expect(byName.get('GCS_min')).toMatchObject({ label: 'GCS, lowest in 48 h', unit: 'points', source: 'GCS' });
    expect(byName.get('HR_max')).toMatchObject({ label: 'Heart rate, highest in 48 h', unit: 'beats/min' });
    expect(byName.get('HR_count')).toMatchObject({ label: 'Heart rate, measurements in 48 h', unit: 'count' });
    expect(byName.get('Lactate_time_since_last')).toMatchObject({
      label: 'Lactate, minutes since last measured',
      unit: 'min',
    });
    expect(byName.get('Creatinine_slope')).toMatchObject({
      label: 'Creatinine, trend per hour over 48 h',
      unit: 'mg/dL/h',
    });
    expect(byName.get('pH_slope')?.unit).toBe('per h');
    expect(byName.get('Weight_admission')).toMatchObject({ label: 'Weight at admission', unit: 'kg' });
    expect(icuMortalityFeatures(24 * 60).find((f) => f.name === 'GCS_min')?.label).toBe('GCS, lowest in 24 h');
  });
});

describe('icuMortalityVector', () => {
  it('summarises a course: first, last, min, max, mean, count, minutes since last, least-squares slope per hour', () => {
    // HR 80 at 0:30, 100 at 1:30, 90 at 2:30. Hours 0.5, 1.5, 2.5 (mean 1.5); deviations −1, 0, 1 against
    // −10, +10, 0: slope = (10 + 0 + 0) / (1 + 0 + 1) = 5 per hour. Last at 150 min: 2880 − 150 = 2730.
    const course = [obs('HR', 30, 80), obs('HR', 90, 100), obs('HR', 150, 90)];
    expect(pick(course, summaryNames('HR'))).toEqual({
      HR_first: 80,
      HR_last: 90,
      HR_min: 80,
      HR_max: 100,
      HR_mean: 90,
      HR_count: 3,
      HR_time_since_last: 2730,
      HR_slope: 5,
    });
  });

  it('uses every value recorded at the same time: first and last are the means at the earliest and latest time', () => {
    // Temp 37 and 38 at 1:00, 39 at 2:00. Hours 1, 1, 2 (mean 4/3); deviations −1/3, −1/3, 2/3 against −1, 0, 1:
    // sxy = 1/3 + 0 + 2/3 = 1, sxx = 1/9 + 1/9 + 4/9 = 2/3, slope 1.5 per hour.
    const v = pick([obs('Temp', 60, 37), obs('Temp', 60, 38), obs('Temp', 120, 39)], summaryNames('Temp'));
    expect(v).toMatchObject({ Temp_first: 37.5, Temp_last: 39, Temp_min: 37, Temp_max: 39, Temp_mean: 38 });
    expect(v).toMatchObject({ Temp_count: 3, Temp_time_since_last: 2760 });
    expect(v.Temp_slope).toBeCloseTo(1.5, 12);
    // Two values at one time: a first and a last, but no trend.
    const same = pick([obs('Temp', 60, 37), obs('Temp', 60, 38)], summaryNames('Temp'));
    expect(same).toMatchObject({ Temp_first: 37.5, Temp_last: 37.5, Temp_count: 2, Temp_slope: NaN });
  });

  it('keeps what was never measured missing: count 0 and every other summary NaN; facts not given are NaN', () => {
    const v = pick([obs('HR', 30, 80)], [...summaryNames('Lactate'), 'Age', 'Gender', 'Weight_admission', 'HR_slope']);
    expect(v).toEqual({
      Lactate_first: NaN,
      Lactate_last: NaN,
      Lactate_min: NaN,
      Lactate_max: NaN,
      Lactate_mean: NaN,
      Lactate_count: 0,
      Lactate_time_since_last: NaN,
      Lactate_slope: NaN,
      Age: NaN,
      Gender: NaN,
      Weight_admission: NaN,
      HR_slope: NaN,
    });
  });

  it('ignores observations after the moment; one at the moment itself counts, 0 minutes before the end', () => {
    const course = [obs('HR', 0, 60), obs('HR', 2880, 70), obs('HR', 2881, 200), obs('GCS', 3000, 3)];
    expect(pick(course, ['HR_max', 'HR_count', 'HR_last', 'HR_time_since_last', 'GCS_count'])).toEqual({
      HR_max: 70,
      HR_count: 2,
      HR_last: 70,
      HR_time_since_last: 0,
      GCS_count: 0,
    });
    // Up to an earlier moment: the window ends there, and so do the minutes since last.
    expect(pick(course, ['HR_count', 'HR_last', 'HR_time_since_last'], 600)).toEqual({
      HR_count: 1,
      HR_last: 60,
      HR_time_since_last: 600,
    });
  });

  it('reads the facts of the stay at time 0; a later weight is a measurement, two at admission are averaged', () => {
    const course = [
      obs('Age', 0, 71),
      obs('Gender', 0, 0),
      obs('Height', 0, 170.2),
      obs('ICUType', 0, 4),
      obs('Weight', 0, 70.8),
      obs('Weight', 0, 70.4),
      obs('Weight', 300, 69),
    ];
    const v = pick(course, ['Age', 'Gender', 'Height', 'ICUType', 'Weight_admission', 'Weight_count', 'Weight_last']);
    expect(v).toEqual({
      Age: 71,
      Gender: 0,
      Height: 170.2,
      ICUType: 4,
      Weight_admission: (70.8 + 70.4) / 2,
      Weight_count: 3,
      Weight_last: 69,
    });
    expect(pick([obs('Weight', 300, 69)], ['Weight_admission'])).toEqual({ Weight_admission: NaN });
  });

  it('applies the unit rules: pH ×100, white cells per µL, height converted twice', () => {
    const course = [obs('pH', 60, 735), obs('pH', 120, 7.25), obs('WBC', 60, 12500), obs('Height', 0, 462.3)];
    const v = pick(course, ['pH_first', 'pH_max', 'pH_mean', 'WBC_first', 'Height']);
    expect(v.pH_first).toBe(7.35);
    expect(v.pH_max).toBe(7.35);
    expect(v.pH_mean).toBeCloseTo(7.3, 12);
    expect(v.WBC_first).toBe(12.5);
    expect(v.Height).toBeCloseTo(182, 1);
  });

  it('ignores codes outside the table, and gives the same vector, bit for bit, whatever the order', () => {
    const course = [
      obs('HR', 30, 80.1),
      obs('Temp', 60, 37.3),
      obs('HR', 90, 100.7),
      obs('Temp', 60, 38.9),
      obs('HR', 90, 99.2),
      obs('Age', 0, 55),
      obs('Creatinine', 400, 1.3),
    ];
    const forward = icuMortalityVector(course);
    expect(icuMortalityVector([...course].reverse())).toEqual(forward);
    expect(icuMortalityVector([obs('Pulse', 30, 80), ...course])).toEqual(forward);
    expect(icuMortalityVector(course, DEFAULT_WINDOW_MINUTES)).toEqual(forward);
  });
});
