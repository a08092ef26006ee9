/**
 * Predictions from a stay's course (`predict(input: { observations })`) over a fixture icu-mortality model, stored in
 * the real audit log on Postgres and on PGlite: the record keeps the course as sent and the vector the model saw, bad
 * courses are refused naming the observation and nothing is stored, the order of the observations does not matter,
 * and the API answers exactly what the scoring core gives for the same course.
 */
import { rmSync } from 'node:fs';
import type { GraphQLFormattedError } from 'graphql';
import { prismaAuditLog, verifyAuditChain } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import { placeCourse, vectorizeCourse } from '@/prediction/course';
import { scoreVectors } from '@/prediction/scoring';
import { operations, startTestServer, type Reply, type TestServer } from '../../support/graphql-server';
import { HEART_FAILURE_ROW } from '../../support/requests';
import { DATABASES, type TestDatabase } from '../../support/test-databases';
import {
  courseAt,
  SAMPLE_COURSE,
  TIMELINE_MODEL_ID,
  VECTOR_NAMES,
  writeTimelineModels,
} from '../../support/timeline-model';

const modelsDir = writeTimelineModels();
const registry = new ModelRegistry(modelsDir);
afterAll(async () => {
  await registry.close();
  rmSync(modelsDir, { recursive: true, force: true });
});

const ADMITTED = '2026-03-01T08:00:00.000Z';
const COURSE = courseAt(ADMITTED, SAMPLE_COURSE);

interface Contribution {
  name: string;
  value: number | null;
  contribution: number;
}
interface CoursePrediction {
  id: string;
  probability: number;
  positive: boolean;
  riskBand: string;
  baseValue: number;
  contributions: Contribution[];
  course: { admittedAt: string; moment: number; observations: { name: string; time: string; value: number }[] };
  patientRef: string | null;
  model: { id: string };
}
interface ModelInputs {
  takes: string[];
  features: unknown[];
  timeline: {
    windowMinutes: number | null;
    observations: {
      name: string;
      kind: string;
      atAdmissionOnly: boolean;
      codes: { value: number }[];
      unitRules: { from: number; to: number; divideBy: number }[];
    }[];
  } | null;
}
type CodedError = GraphQLFormattedError & {
  extensions: { code: string; fields?: { name: string; message: string }[] };
};

function ok<T>(reply: Reply, field: string): T {
  expect(reply.errors).toBeUndefined();
  return (reply.data as Record<string, T>)[field];
}

function onlyError(reply: Reply): CodedError {
  expect(reply.errors).toHaveLength(1);
  return (reply.errors as GraphQLFormattedError[])[0] as CodedError;
}

const byName = (a: Contribution, b: Contribution) => a.name.localeCompare(b.name);
const logit = (p: number) => Math.log(p / (1 - p));

const PREDICT_BATCH = `mutation($input: PredictBatchInput!) {
  predictBatch(input: $input) { id probability contributions { name value contribution } course { admittedAt moment } }
}`;
const READ_BACK = `query($id: ID!) {
  prediction(id: $id) {
    id probability features { name value } contributions { name value contribution }
    course { admittedAt moment observations { name time value } }
  }
}`;

describe.each(DATABASES)('predictions from a course on %s', (_kind, create) => {
  let database: TestDatabase;
  let server: TestServer;
  let run: TestServer['run'];

  beforeAll(async () => {
    database = await create();
    await migrate(database.db);
    server = startTestServer({ registry, audit: prismaAuditLog(database.db.prisma) });
    run = server.run;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.dispose();
  });

  const stored = () => database.db.prisma.prediction.count();

  async function predictCourse(input: Record<string, unknown>): Promise<Reply> {
    return run(operations.PredictCourse, { input: { modelId: TIMELINE_MODEL_ID, ...input } });
  }

  /** The request is refused with BAD_USER_INPUT naming exactly `names`, and nothing is stored. */
  async function expectRefused(input: Record<string, unknown>, names: string[], message?: RegExp) {
    const before = await stored();
    const error = onlyError(await predictCourse(input));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields?.map((f) => f.name)).toEqual(names);
    if (message) expect(error.extensions.fields?.[0].message).toMatch(message);
    expect(await stored()).toBe(before);
    return error;
  }

  it('says which inputs each model takes, with the observation codes, units, ranges, unit rules and window', async () => {
    const icu = ok<ModelInputs>(await run(operations.GetModelInputs, { id: TIMELINE_MODEL_ID }), 'model');
    expect(icu.takes).toEqual(['OBSERVATIONS']);
    expect(icu.features).toEqual([]);
    const timeline = icu.timeline!;
    expect(timeline.windowMinutes).toBe(2880);
    expect(timeline.observations).toHaveLength(41);
    const ph = timeline.observations.find((o) => o.name === 'pH');
    expect(ph).toMatchObject({ kind: 'CONTINUOUS', atAdmissionOnly: false });
    expect(ph?.unitRules).toEqual([expect.objectContaining({ from: 650, to: 800, divideBy: 100 })]);
    const gender = timeline.observations.find((o) => o.name === 'Gender');
    expect(gender?.atAdmissionOnly).toBe(true);
    expect(gender?.codes.map((c) => c.value)).toEqual([0, 1]);
    const hf = ok<ModelInputs>(await run(operations.GetModelInputs, { id: 'heart-failure' }), 'model');
    expect(hf).toMatchObject({ takes: ['FEATURES'], timeline: null });
  });

  it('stores a course as sent, with admission, the moment scored and the vector the model saw', async () => {
    const before = await stored();
    const made = ok<CoursePrediction>(
      await predictCourse({ observations: COURSE, admittedAt: ADMITTED, patientRef: 'MRN-course' }),
      'predict',
    );
    expect(await stored()).toBe(before + 1);
    expect(made.model.id).toBe(TIMELINE_MODEL_ID);
    expect(made.course).toEqual({ admittedAt: ADMITTED, moment: 2880, observations: COURSE });
    expect(made.contributions).toHaveLength(VECTOR_NAMES.length);
    const margin = made.baseValue + made.contributions.reduce((s, c) => s + c.contribution, 0);
    expect(Math.abs(margin - logit(made.probability))).toBeLessThan(1e-5);

    const model = await registry.get(TIMELINE_MODEL_ID);
    const { placed } = placeCourse(model.card.timeline!, {
      observations: COURSE.map((o) => ({ ...o, time: new Date(o.time) })),
      admittedAt: new Date(ADMITTED),
    });
    const vector = vectorizeCourse(model, placed!.observations, placed!.moment);
    // pH 735 is read through its unit rule as 7.35; the value as sent is kept in the course.
    expect(vector[VECTOR_NAMES.indexOf('pH_last')]).toBe(Math.fround(7.35));
    expect(made.course.observations.find((o) => o.name === 'pH')?.value).toBe(735);

    const row = await database.db.prisma.prediction.findUniqueOrThrow({ where: { id: made.id } });
    expect(row.inputs).toEqual([]);
    expect(row.vector).toEqual(Array.from(vector, (v) => (Number.isNaN(v) ? null : v)));
    expect(row.course).toEqual({ admittedAt: ADMITTED, moment: 2880, observations: COURSE });
    expect(row.patientRef).toBe('MRN-course');

    const read = ok<CoursePrediction & { features: unknown[] }>(await run(READ_BACK, { id: made.id }), 'prediction');
    expect(read.features).toEqual([]);
    expect(read.course).toEqual(made.course);
    expect(read.contributions).toEqual(made.contributions);
    // Contributions name the vector's entries and carry the values the model saw.
    const hrMax = read.contributions.find((c) => c.name === 'HR_max');
    expect(hrMax?.value).toBe(112);
    expect(read.contributions.find((c) => c.name === 'Albumin_last')?.value).toBeNull();

    const report = await verifyAuditChain(database.db.prisma);
    expect(report.breaks).toEqual([]);
    expect(report.checked).toBe(await stored());
  });

  it('gives the answer the scoring core gives for the same course (API = vectorizeCourse → scoreVectors)', async () => {
    const made = ok<CoursePrediction>(await predictCourse({ observations: COURSE }), 'predict');
    const model = await registry.get(TIMELINE_MODEL_ID);
    const { placed } = placeCourse(model.card.timeline!, {
      observations: COURSE.map((o) => ({ ...o, time: new Date(o.time) })),
    });
    const [direct] = await scoreVectors(model, vectorizeCourse(model, placed!.observations, placed!.moment), (s) => ({
      probability: s.probability,
      baseValue: s.baseValue,
      contributions: Object.fromEntries(VECTOR_NAMES.map((n, j) => [n, s.contributions[j]])),
    }));
    expect(made.probability).toBe(direct.probability);
    expect(made.baseValue).toBe(direct.baseValue);
    expect(Object.fromEntries(made.contributions.map((c) => [c.name, c.contribution]))).toEqual(direct.contributions);
    // Without admittedAt, admission is the earliest observation (the facts at 08:00): the same course.
    expect(made.course.admittedAt).toBe(ADMITTED);
  });

  it('does not depend on the order the observations are sent in', async () => {
    const forward = ok<CoursePrediction>(await predictCourse({ observations: COURSE }), 'predict');
    const shuffled = [...COURSE].reverse();
    shuffled.push(...shuffled.splice(0, 5));
    const reordered = ok<CoursePrediction>(await predictCourse({ observations: shuffled }), 'predict');
    expect(reordered.probability).toBe(forward.probability);
    expect([...reordered.contributions].sort(byName)).toEqual([...forward.contributions].sort(byName));
    expect(reordered.course.observations).toEqual(shuffled);
  });

  it('scores a batch of courses, and refuses the whole batch naming the row and observation', async () => {
    const before = await stored();
    const later = courseAt(ADMITTED, [...SAMPLE_COURSE, ['HR', 2800, 140]]);
    const made = ok<{ probability: number; course: { moment: number } }[]>(
      await run(PREDICT_BATCH, {
        input: { modelId: TIMELINE_MODEL_ID, rows: [{ observations: COURSE }, { observations: later }] },
      }),
      'predictBatch',
    );
    expect(made).toHaveLength(2);
    expect(await stored()).toBe(before + 2);
    const single = ok<CoursePrediction>(await predictCourse({ observations: later }), 'predict');
    expect(made[1].probability).toBe(single.probability);

    const bad = courseAt(ADMITTED, [['HR', 0, 400]]);
    const error = onlyError(
      await run(PREDICT_BATCH, {
        input: { modelId: TIMELINE_MODEL_ID, rows: [{ observations: COURSE }, { observations: bad }] },
      }),
    );
    expect(error.extensions.fields?.map((f) => f.name)).toEqual(['rows[1].observations[0] (HR)']);
    expect(await stored()).toBe(before + 3);
  });

  describe('refuses a bad course, naming each observation and what it allows, and stores nothing', () => {
    it('an unknown code, a value out of range, a code a categorical does not take', async () => {
      const course = courseAt(ADMITTED, [
        ['Age', 0, 70],
        ['Gender', 0, 2],
        ['HeartRate', 10, 90],
        ['HR', 20, 400],
      ]);
      const error = await expectRefused({ observations: course }, [
        'observations[1] (Gender)',
        'observations[2] (HeartRate)',
        'observations[3] (HR)',
      ]);
      const [gender, unknown, hr] = error.extensions.fields!;
      expect(gender.message).toMatch(/0 = female, 1 = male|0 .*1/);
      expect(unknown.message).toMatch(/unknown observation code; allowed: .*HR/);
      expect(hr.message).toMatch(/400 is outside the allowed range/);
    });

    it('an observation after the 48-hour window, naming the window', async () => {
      const course = courseAt(ADMITTED, [
        ['Age', 0, 70],
        ['HR', 2881, 90],
      ]);
      await expectRefused(
        { observations: course },
        ['observations[1] (HR)'],
        /past the model's window: the model reads the first 48 h from admission, 2026-03-01T08:00:00.000Z to 2026-03-03T08:00:00.000Z/,
      );
    });

    it('an observation before admission, and a fact of the stay not at admission or given twice', async () => {
      const course = courseAt(ADMITTED, [
        ['HR', -30, 90],
        ['Age', 60, 70],
        ['Gender', 0, 1],
        ['Gender', 0, 0],
      ]);
      const error = await expectRefused({ observations: course, admittedAt: ADMITTED }, [
        'observations[0] (HR)',
        'observations[1] (Age)',
        'observations[3] (Gender)',
      ]);
      const [before, late, twice] = error.extensions.fields!;
      expect(before.message).toMatch(/before admission \(admittedAt 2026-03-01T08:00:00.000Z\)/);
      expect(late.message).toMatch(/a fact of the stay, observed at admission/);
      expect(twice.message).toMatch(/more than once/);
    });

    it('an empty course', async () => {
      await expectRefused({ observations: [], admittedAt: ADMITTED }, ['observations'], /1 to 20000 observations/);
      await expectRefused({}, ['observations'], /required/);
    });

    it.each([
      ['not a date', 'yesterday'],
      ['no time zone', '2026-03-01T09:00:00'],
      ['an impossible date', '2026-02-30T09:00:00Z'],
    ])('a time that is not an ISO-8601 instant (%s)', async (_what, time) => {
      const course = [...COURSE.slice(0, 2), { name: 'HR', time, value: 90 }];
      await expectRefused({ observations: course }, ['observations[2] (HR)'], /time must be an ISO-8601 instant/);
    });

    it('an admittedAt that is not an ISO-8601 instant', async () => {
      await expectRefused({ observations: COURSE, admittedAt: 'monday' }, ['admittedAt'], /ISO-8601 instant/);
    });
  });

  describe('refuses the wrong kind of input for a model, naming the field', () => {
    it('features sent to a model that takes only observations', async () => {
      await expectRefused(
        { features: HEART_FAILURE_ROW },
        ['features'],
        /takes a course of observations, not features: send `observations`/,
      );
    });

    it('observations sent to a model that takes only features', async () => {
      const before = await stored();
      const error = onlyError(
        await run(operations.PredictCourse, { input: { modelId: 'heart-failure', observations: COURSE } }),
      );
      expect(error.extensions.fields).toEqual([
        { name: 'observations', message: expect.stringMatching(/takes features, not observations: send `features`/) },
      ]);
      const both = onlyError(
        await run(operations.PredictCourse, {
          input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW, observations: COURSE },
        }),
      );
      expect(both.extensions.fields?.map((f) => f.name)).toEqual(['observations']);
      expect(await stored()).toBe(before);
    });
  });
});
