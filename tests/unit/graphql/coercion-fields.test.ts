/**
 * Coercion errors name their offender like the prediction service does: the feature (with its row in a batch) and its
 * allowed range.
 */
import { execute, parse, type GraphQLError } from 'graphql';
import { coercionFieldErrors, type FeatureSpecsByModel } from '@/graphql/coercion-fields';
import { buildGraphQLSchema } from '@/graphql/schema';
import type { FeatureSpec } from '@/features/feature-set';

const schema = buildGraphQLSchema();
const glucose: FeatureSpec = {
  name: 'glucose',
  label: 'Glucose',
  unit: 'mg/dL',
  description: 'd',
  kind: 'continuous',
  min: 20,
  max: 600,
  required: false,
  missing: 'm',
};
const pedigree: FeatureSpec = { ...glucose, name: 'diabetes_pedigree_function', unit: null, min: 0.05, max: 3 };
const specs: FeatureSpecsByModel = new Map([['diabetes', [glucose, pedigree]]]);

/** The coercion errors graphql reports for these variables (execution stops before any resolver). */
function coercionErrors(source: string, variableValues: Record<string, unknown>): readonly GraphQLError[] {
  const result = execute({ schema, document: parse(source), variableValues });
  if (result instanceof Promise || !result.errors) throw new Error('expected coercion errors');
  return result.errors;
}

const PREDICT = 'mutation P($input: PredictInput!) { predict(input: $input) { id } }';
const BATCH = 'mutation B($input: PredictBatchInput!) { predictBatch(input: $input) { id } }';

it('names a non-finite feature value by feature, with its range and unit', () => {
  const variables = {
    input: {
      modelId: 'diabetes',
      features: [
        { name: 'age', value: 40 },
        { name: 'glucose', value: Infinity },
      ],
    },
  };
  const [error] = coercionErrors(PREDICT, variables);
  expect(coercionFieldErrors(error, variables, specs)).toEqual([
    {
      name: 'glucose',
      message: 'Float cannot represent non numeric value: Infinity; must be a finite number from 20 to 600 mg/dL',
    },
  ]);
});

it('names the row of a batch, one error per offender', () => {
  const variables = {
    input: {
      modelId: 'diabetes',
      rows: [
        { features: [{ name: 'glucose', value: NaN }] },
        { features: [{ name: 'diabetes_pedigree_function', value: '0.5' }] },
      ],
    },
  };
  const named = coercionErrors(BATCH, variables).flatMap((e) => coercionFieldErrors(e, variables, specs));
  expect(named).toEqual([
    {
      name: 'rows[0].glucose',
      message: 'Float cannot represent non numeric value: NaN; must be a finite number from 20 to 600 mg/dL',
    },
    {
      name: 'rows[1].diabetes_pedigree_function',
      message: 'Float cannot represent non numeric value: "0.5"; must be a finite number from 0.05 to 3',
    },
  ]);
});

it("names a binary input's codes and an integer input's whole-number range, like the service", () => {
  const gender: FeatureSpec = {
    ...glucose,
    name: 'gender',
    unit: null,
    kind: 'binary',
    codes: [
      { value: 0, label: 'female' },
      { value: 1, label: 'male' },
    ],
    min: 0,
    max: 1,
  };
  const iculos: FeatureSpec = { ...glucose, name: 'iculos', unit: 'h', kind: 'integer', min: 1, max: 336 };
  const variables = {
    input: {
      modelId: 'sepsis',
      features: [
        { name: 'gender', value: NaN },
        { name: 'iculos', value: Infinity },
      ],
    },
  };
  const named = coercionErrors(PREDICT, variables).flatMap((e) =>
    coercionFieldErrors(e, variables, new Map([['sepsis', [gender, iculos]]])),
  );
  expect(named).toEqual([
    { name: 'gender', message: 'Float cannot represent non numeric value: NaN; must be one of 0 (female), 1 (male)' },
    {
      name: 'iculos',
      message: 'Float cannot represent non numeric value: Infinity; must be a whole number from 1 to 336 h',
    },
  ]);
});

it('names the feature without a range when the model is unknown', () => {
  const variables = { input: { modelId: 'cancer', features: [{ name: 'glucose', value: -Infinity }] } };
  const [error] = coercionErrors(PREDICT, variables);
  expect(coercionFieldErrors(error, variables, specs)).toEqual([
    { name: 'glucose', message: 'Float cannot represent non numeric value: -Infinity' },
  ]);
});

it("falls back to graphql's path for anything but a feature value, and to the variable when there is no path", () => {
  const wrongId = { input: { modelId: 7.5, features: [] } };
  expect(coercionFieldErrors(coercionErrors(PREDICT, wrongId)[0], wrongId, specs)).toEqual([
    { name: 'input.modelId', message: 'ID cannot represent value: 7.5' },
  ]);
  const missing = {};
  expect(coercionFieldErrors(coercionErrors(PREDICT, missing)[0], missing, specs)).toEqual([
    { name: 'input', message: 'Variable "$input" of required type "PredictInput!" was not provided.' },
  ]);
});

describe("a course's coercion errors, named as the service names a course's offenders", () => {
  const observations = [
    { name: 'Age', time: '2026-03-01T08:00:00Z', value: 70 },
    { name: 'HR', time: '2026-03-01 09:00', value: 90 },
  ];

  it('names an observation whose time is not an ISO-8601 instant by index and code', () => {
    const variables = { input: { modelId: 'icu-mortality', observations } };
    const [error] = coercionErrors(PREDICT, variables);
    expect(coercionFieldErrors(error, variables, specs)).toEqual([
      {
        name: 'observations[1] (HR)',
        message: expect.stringMatching(
          /DateTime cannot represent an invalid date-time-string 2026-03-01 09:00.*; time must be an ISO-8601 instant with a time zone, e\.g\. 2026-03-01T08:30:00Z$/,
        ),
      },
    ]);
  });

  it('names a non-finite value, a missing field and a bad admittedAt, with the row in a batch', () => {
    const variables = {
      input: {
        modelId: 'icu-mortality',
        rows: [
          { observations: [{ name: 'HR', time: '2026-03-01T08:00:00Z', value: Infinity }] },
          { observations: [{ name: 'GCS', value: 9 }], admittedAt: 'monday' },
        ],
      },
    };
    const named = coercionErrors(BATCH, variables).flatMap((e) => coercionFieldErrors(e, variables, specs));
    expect(named.map((e) => e.name)).toEqual([
      'rows[0].observations[0] (HR)',
      'rows[1].observations[0] (GCS)',
      'rows[1].admittedAt',
    ]);
    expect(named[0].message).toMatch(/; value must be a finite number$/);
    expect(named[1].message).toMatch(/"time".*; an observation is \{ name, time, value \}$/);
    expect(named[2].message).toMatch(/; give an ISO-8601 instant with a time zone/);
  });
});

it("names a monitor observation's bad time as the monitor names its observations, one stay of a batch", () => {
  const RECORD = 'mutation R($input: RecordObservationsInput!) { recordObservations(input: $input) { stored } }';
  const variables = {
    input: {
      stayRef: 'enc-1',
      observations: [
        { name: 'HR', time: '2026-03-01T09:00:00Z', value: 90 },
        { name: 'Resp', time: '2026-03-01T09:00:00', value: 18 },
      ],
    },
  };
  const [error] = coercionErrors(RECORD, variables);
  expect(coercionFieldErrors(error, variables, specs)).toEqual([
    {
      name: 'observations[0].observations[1] (Resp)',
      message: expect.stringMatching(/; time must be an ISO-8601 instant with a time zone/),
    },
  ]);
});
