/**
 * Specification of the sepsis course function: its codes and vector against the shipped card, the hour a moment falls
 * in, carry-forward, order independence, a single hour with no history, and values outside their ranges.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorize } from '@/features/feature-set';
import { timelineOfCard } from '@/features/model-features';
import { plausibleRange, SEPSIS_CHALLENGE_COLUMNS, sepsisFeatureSet, type ChallengeColumn } from '@/features/sepsis';
import { SEPSIS_OBSERVATIONS, sepsisCourseFeatures, sepsisCourseVector, sepsisHourAt } from '@/features/sepsis-course';
import { validateObservations, type Observation } from '@/features/timeline';
import { TIMELINE_FUNCTIONS } from '@/features/timeline-functions';

const card = JSON.parse(readFileSync(join(__dirname, '../../../models/sepsis/card.json'), 'utf8'));
const NAMES = sepsisCourseFeatures().map((f) => f.name);
const obs = (name: string, time: number, value: number): Observation => ({ name, time, value });

/** The vector as `{ feature name: value }`. */
function named(observations: Observation[], moment: number): Record<string, number> {
  const v = sepsisCourseVector(observations, moment);
  return Object.fromEntries(NAMES.map((n, i) => [n, v[i]]));
}

const FACTS = [obs('Age', 0, 67), obs('Gender', 0, 1), obs('HospAdmTime', 0, -2.5)];

describe('the sepsis timeline function', () => {
  it('computes the shipped card’s vector, inputs then derived features, and is registered under "sepsis"', () => {
    expect(NAMES).toEqual([...card.features, ...card.derivedFeatures].map((f: { name: string }) => f.name));
    const fn = TIMELINE_FUNCTIONS.sepsis;
    expect(fn.windowMinutes).toBeNull();
    expect(fn.features()).toEqual(sepsisCourseFeatures());
    expect(fn.vector).toBe(sepsisCourseVector);
    const withTimeline = {
      ...card,
      timeline: {
        function: 'sepsis',
        windowMinutes: null,
        lastMinute: 336 * 60,
        observations: [...SEPSIS_OBSERVATIONS],
      },
    };
    expect(timelineOfCard(withTimeline)).toBe(fn);
    // A card whose span differs from the function's would accept courses the model cannot score.
    for (const span of [{ lastMinute: 100 * 60 }, { lastMinute: undefined }, { windowMinutes: 2880 }]) {
      expect(() => timelineOfCard({ ...withTimeline, timeline: { ...withTimeline.timeline, ...span } })).toThrow(
        /window\/last minute/,
      );
    }
  });

  it('reads the challenge’s columns the model uses, by their names, with the inputs’ units and training’s ranges', () => {
    const unused: ChallengeColumn[] = ['Unit1', 'Unit2', 'ICULOS', 'SepsisLabel'];
    expect(SEPSIS_OBSERVATIONS.map((o) => o.name)).toEqual(SEPSIS_CHALLENGE_COLUMNS.filter((c) => !unused.includes(c)));
    for (const o of SEPSIS_OBSERVATIONS) {
      expect({ code: o.name, ...plausibleRange(o.name as ChallengeColumn) }).toEqual({
        code: o.name,
        min: o.min,
        max: o.max,
      });
    }
    expect(SEPSIS_OBSERVATIONS.filter((o) => o.atAdmissionOnly).map((o) => o.name)).toEqual([
      'Age',
      'Gender',
      'HospAdmTime',
    ]);
    const hr = SEPSIS_OBSERVATIONS.find((o) => o.name === 'HR')!;
    expect(hr).toMatchObject({ label: 'Heart rate', unit: 'beats/min', kind: 'continuous', min: 20, max: 300 });
    expect(SEPSIS_OBSERVATIONS.find((o) => o.name === 'Gender')?.codes?.map((c) => c.value)).toEqual([0, 1]);
  });

  it('puts minute 0 and ((h−1)·60, h·60] in hour h: ICULOS = max(1, ceil(moment / 60))', () => {
    expect([0, 1, 59, 60, 61, 120, 121, 20160].map(sepsisHourAt)).toEqual([1, 1, 1, 1, 2, 2, 3, 336]);
    const course = [...FACTS, obs('HR', 0, 80), obs('HR', 60, 90), obs('HR', 61, 100), obs('HR', 185, 110)];
    expect(named(course, 60)).toMatchObject({ iculos: 1, heart_rate: 90 });
    expect(named(course, 120)).toMatchObject({ iculos: 2, heart_rate: 100 });
    // Carried forward through hour 3, in which nothing was recorded; hour 4 holds minute 185.
    expect(named(course, 180)).toMatchObject({ iculos: 3, heart_rate: 100 });
    expect(named(course, 240)).toMatchObject({ iculos: 4, heart_rate: 110 });
    // Before any observation of it, an input is missing; the facts hold from admission on.
    expect(named([...FACTS, obs('Lactate', 300, 2.1)], 240)).toMatchObject({ lactate: NaN, age: 67, gender: 1 });
  });

  it('takes one hour with no history (the dashboard’s form) as the tabular path vectorizes the same inputs', () => {
    const snapshot = [
      ...FACTS,
      obs('HR', 30, 118),
      obs('SBP', 30, 96),
      obs('MAP', 30, 70),
      obs('DBP', 30, 55),
      obs('BUN', 30, 40),
      obs('Creatinine', 30, 1.6),
      obs('Lactate', 30, 3.2),
    ];
    const inputs: Record<string, number> = Object.fromEntries(sepsisFeatureSet.inputs.map((s) => [s.name, NaN]));
    Object.assign(inputs, {
      age: 67,
      gender: 1,
      hosp_adm_time: -2.5,
      heart_rate: 118,
      sbp: 96,
      map: 70,
      dbp: 55,
      bun: 40,
      creatinine: 1.6,
      lactate: 3.2,
      iculos: 1,
    });
    const vector = Float32Array.from(sepsisCourseVector(snapshot, 30));
    expect(vector).toEqual(vectorize(sepsisFeatureSet, inputs));
    expect(named(snapshot, 30)).toMatchObject({ shock_index: 118 / 96, pulse_pressure: 41, measured_lab_count: 3 });
    // With nothing but the facts, every measurement is missing and the lab count is 0.
    expect(named(FACTS, 0)).toMatchObject({ heart_rate: NaN, shock_index: NaN, measured_lab_count: 0, iculos: 1 });
  });

  it('gives the same vector, bit for bit, for the observations in any order; equal minutes are averaged', () => {
    const course = [
      ...FACTS,
      obs('HR', 10, 90),
      obs('HR', 70, 95),
      obs('HR', 70, 99),
      obs('Temp', 70, 38.1),
      obs('Platelets', 130, 150),
      obs('WBC', 30, 12.3),
      obs('WBC', 30, 11.1),
    ];
    const reference = sepsisCourseVector(course, 180);
    let seed = 7;
    for (let k = 0; k < 50; k++) {
      const shuffled = [...course];
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      expect(sepsisCourseVector(shuffled, 180)).toEqual(reference);
    }
    expect(named(course, 180)).toMatchObject({ heart_rate: 97, wbc: (12.3 + 11.1) / 2 });
  });

  it('treats a value outside its range as not recorded, as training does, and validation refuses it by name', () => {
    const course = [...FACTS, obs('HR', 30, 88), obs('MAP', 30, 75), obs('HR', 90, 350), obs('MAP', 90, 260)];
    expect(named(course, 120)).toMatchObject({ heart_rate: 88, map: 75, modified_shock_index: 88 / 75 });
    const { observations, errors } = validateObservations(SEPSIS_OBSERVATIONS, course);
    expect(observations).toEqual(course.slice(0, 5));
    expect(errors).toEqual([
      { name: 'observations[5] (HR)', message: '350 is outside the allowed range 20 to 300 beats/min' },
      { name: 'observations[6] (MAP)', message: '260 is outside the allowed range 20 to 250 mm Hg' },
    ]);
    const facts = validateObservations(SEPSIS_OBSERVATIONS, [
      obs('Age', 60, 67),
      obs('Gender', 0, 0.5),
      obs('ICULOS', 0, 3),
    ]);
    expect(facts.errors.map((e) => e.name)).toEqual([
      'observations[0] (Age)',
      'observations[1] (Gender)',
      'observations[2] (ICULOS)',
    ]);
  });
});
