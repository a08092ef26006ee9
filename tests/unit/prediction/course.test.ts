/**
 * Specification of a course's way in: admission (sent, or the earliest observation), minutes from it, the window and
 * the moment scored, the refusals named `observations[i] (CODE)`, which kind of input each model takes, and the shared
 * course → float32 vector step.
 */
import { InvalidInputError } from '@/errors/invalid-input';
import type { FeatureSpec } from '@/features/feature-set';
import { icuMortalityVector } from '@/features/icu-mortality';
import { ICU_MORTALITY_OBSERVATIONS } from '@/features/icu-mortality-observations';
import { TIMELINE_FUNCTIONS } from '@/features/timeline-functions';
import type { ModelCard, TimelineInput } from '@/inference/model-card';
import {
  courseMoment,
  MAX_COURSE_OBSERVATIONS,
  placeCourse,
  vectorizeCourse,
  type CourseObservation,
} from '@/prediction/course';
import { validateRows, type PredictionRow } from '@/prediction/prediction-request';

const ICU: Pick<TimelineInput, 'windowMinutes' | 'observations'> = {
  windowMinutes: 2880,
  observations: ICU_MORTALITY_OBSERVATIONS as TimelineInput['observations'],
};
const ADMITTED = Date.parse('2026-03-01T08:00:00Z');
const at = (name: string, minutes: number, value: number): CourseObservation => ({
  name,
  time: new Date(ADMITTED + minutes * 60_000),
  value,
});

function refused(result: ReturnType<typeof placeCourse>) {
  expect(result.placed).toBeUndefined();
  return result.errors;
}

describe('placeCourse', () => {
  it('counts minutes from the earliest observation when no admission is sent, seconds as fractions', () => {
    const { placed, errors } = placeCourse(ICU, {
      observations: [at('HR', 90.5, 100), at('Age', 0, 70), at('HR', 2880, 90)],
    });
    expect(errors).toEqual([]);
    expect(placed?.admittedAt.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(placed?.observations.map((o) => o.time)).toEqual([90.5, 0, 2880]);
    // A model with a window is scored at its end, whatever the latest observation.
    expect(placed?.moment).toBe(2880);
  });

  it('counts from the admission sent, applies unit rules to the values the model reads', () => {
    const { placed } = placeCourse(ICU, {
      observations: [at('pH', 60, 735)],
      admittedAt: new Date(ADMITTED - 30 * 60_000),
    });
    expect(placed?.observations).toEqual([{ name: 'pH', time: 90, value: 7.35 }]);
  });

  it('accepts an observation at the end of the window, refuses one a minute later naming the window', () => {
    expect(placeCourse(ICU, { observations: [at('HR', 0, 80), at('HR', 2880, 80)] }).errors).toEqual([]);
    const [error] = refused(placeCourse(ICU, { observations: [at('HR', 0, 80), at('HR', 2881, 80)] }));
    expect(error.name).toBe('observations[1] (HR)');
    expect(error.message).toContain('48 h 1 min after admission');
    expect(error.message).toContain('2026-03-01T08:00:00.000Z to 2026-03-03T08:00:00.000Z');
  });

  it('scores a model without a window at its latest observation', () => {
    const { placed } = placeCourse(
      { ...ICU, windowMinutes: null },
      { observations: [at('HR', 300, 80), at('HR', 6000, 80)] },
    );
    expect(placed?.moment).toBe(5700);
    expect(courseMoment(null, [])).toBe(0);
    expect(courseMoment(2880, [])).toBe(2880);
  });

  it('refuses, for a model without a window, an observation past the last minute it can score', () => {
    const sepsisLike = { ...ICU, windowMinutes: null, lastMinute: 336 * 60 };
    expect(placeCourse(sepsisLike, { observations: [at('HR', 0, 80), at('HR', 336 * 60, 80)] }).errors).toEqual([]);
    const [error] = refused(placeCourse(sepsisLike, { observations: [at('HR', 0, 80), at('HR', 336 * 60 + 1, 80)] }));
    expect(error.name).toBe('observations[1] (HR)');
    expect(error.message).toContain(
      '336 h 1 min after admission; the model scores a course up to 336 h from admission',
    );
  });

  it('names every refused observation in index order, each once, prefixed in a batch', () => {
    const errors = refused(
      placeCourse(
        ICU,
        {
          observations: [at('HR', 10, 400), at('Nope', 20, 1), at('Age', 30, 70), at('HR', -5, 80)],
          admittedAt: new Date(ADMITTED),
        },
        'rows[2].',
      ),
    );
    expect(errors.map((e) => e.name)).toEqual([
      'rows[2].observations[0] (HR)',
      'rows[2].observations[1] (Nope)',
      'rows[2].observations[2] (Age)',
      'rows[2].observations[3] (HR)',
    ]);
    expect(errors[2].message).toMatch(/a fact of the stay, observed at admission/);
    expect(errors[3].message).toMatch(/before admission/);
  });

  it('refuses an empty course, an oversized one and an invalid instant', () => {
    expect(refused(placeCourse(ICU, { observations: [] }))).toEqual([
      { name: 'observations', message: `a course holds 1 to ${MAX_COURSE_OBSERVATIONS} observations; got 0` },
    ]);
    const many = Array.from({ length: MAX_COURSE_OBSERVATIONS + 1 }, (_, i) => at('HR', i % 2880, 80));
    expect(refused(placeCourse(ICU, { observations: many }))[0].name).toBe('observations');
    expect(refused(placeCourse(ICU, { observations: [{ name: 'HR', time: new Date(NaN), value: 80 }] }))).toEqual([
      { name: 'observations[0] (HR)', message: expect.stringMatching(/ISO-8601 instant/) },
    ]);
  });
});

describe('vectorizeCourse', () => {
  const model = {
    card: { id: 'icu-mortality' } as ModelCard,
    timeline: TIMELINE_FUNCTIONS['icu-mortality'],
    vectorNames: TIMELINE_FUNCTIONS['icu-mortality'].features().map((f) => f.name),
  };

  it("is the timeline function's vector at the moment, cast to float32", () => {
    const observations = [
      { name: 'HR', time: 30, value: 87.3 },
      { name: 'HR', time: 3000, value: 150 },
    ];
    expect(vectorizeCourse(model, observations, 2880)).toEqual(
      Float32Array.from(icuMortalityVector(observations, 2880)),
    );
  });

  it('refuses a model without a timeline, and a vector of the wrong length', () => {
    expect(() => vectorizeCourse({ ...model, timeline: undefined }, [], 0)).toThrow(/does not read a course/);
    expect(() => vectorizeCourse({ ...model, vectorNames: ['x'] }, [], 0)).toThrow(/gave 301 values for a 1-entry/);
  });
});

describe('validateRows: each model takes its kind of input', () => {
  const a: FeatureSpec = {
    name: 'a',
    label: 'a',
    unit: null,
    description: 'a',
    kind: 'continuous',
    min: 0,
    max: 10,
    required: true,
    missing: 'test',
  };
  const timeline = { function: 'icu-mortality', ...ICU } as TimelineInput;
  const card = (features: FeatureSpec[], withTimeline: boolean) =>
    ({ id: 'm', features, ...(withTimeline ? { timeline } : {}) }) as ModelCard;
  const features: PredictionRow = { features: [{ name: 'a', value: 1 }] };
  const course: PredictionRow = { observations: [at('HR', 0, 80)] };

  function fields(c: ModelCard, rows: PredictionRow[], single = true) {
    try {
      validateRows(c, rows, { single });
    } catch (error) {
      if (error instanceof InvalidInputError) return error.fields;
      throw error;
    }
    return [];
  }

  it('a model taking both accepts either, one kind per row, and refuses both in one row', () => {
    const both = card([a], true);
    expect(fields(both, [features])).toEqual([]);
    expect(fields(both, [course])).toEqual([]);
    expect(fields(both, [features, course], false)).toEqual([]);
    expect(fields(both, [{ ...features, ...course }])).toEqual([
      { name: 'observations', message: expect.stringMatching(/send features or observations, not both/) },
    ]);
    expect(validateRows(both, [course], { single: true })[0].course?.moment).toBe(2880);
  });

  it('names the field sent to a model that does not take it, and a course that is missing', () => {
    expect(fields(card([a], false), [course])[0]).toMatchObject({ name: 'observations' });
    expect(fields(card([], true), [features])[0]).toMatchObject({ name: 'features' });
    expect(fields(card([], true), [{}])[0]).toMatchObject({ name: 'observations', message: /required/ });
    expect(fields(card([], true), [{}, { admittedAt: new Date(ADMITTED) }], false)).toEqual([
      expect.objectContaining({ name: 'rows[0].observations' }),
      expect.objectContaining({ name: 'rows[1].observations', message: expect.stringMatching(/1 to 20000/) }),
    ]);
  });

  it('checks the patientRef of a course too', () => {
    expect(fields(card([], true), [{ ...course, patientRef: '' }])).toEqual([
      expect.objectContaining({ name: 'patientRef' }),
    ]);
  });
});
