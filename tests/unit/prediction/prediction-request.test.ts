import { InvalidInputError } from '@/errors/invalid-input';
import type { FeatureSpec } from '@/features/feature-set';
import {
  MAX_BATCH_ROWS,
  MAX_PATIENT_REF_LENGTH,
  validateRows,
  type PredictionRow,
} from '@/prediction/prediction-request';

const SPECS: FeatureSpec[] = [
  {
    name: 'a',
    label: 'a',
    unit: null,
    description: 'a',
    kind: 'continuous',
    min: 0,
    max: 10,
    required: true,
    missing: 'test',
  },
  {
    name: 'b',
    label: 'b',
    unit: null,
    description: 'b',
    kind: 'continuous',
    min: 0,
    max: 10,
    required: false,
    missing: 'test',
  },
];

/** A tabular model's validation: each row's inputs by name (NaN = missing). */
function validateRequest(specs: FeatureSpec[], rows: PredictionRow[], options: { single?: boolean } = {}) {
  return validateRows({ id: 'test', features: specs }, rows, options).map((row) => (row.course ? {} : row.inputs));
}

function refusal(rows: PredictionRow[], options: { single?: boolean } = {}): InvalidInputError {
  try {
    validateRequest(SPECS, rows, options);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

describe('validateRows for a model taking features', () => {
  it("gives each row's inputs by name, NaN for missing", () => {
    const inputs = validateRequest(SPECS, [
      { features: [{ name: 'a', value: 1 }] },
      {
        features: [
          { name: 'a', value: 2 },
          { name: 'b', value: null },
        ],
      },
    ]);
    expect(inputs).toEqual([
      { a: 1, b: NaN },
      { a: 2, b: NaN },
    ]);
  });

  it(`refuses an empty batch and one over ${MAX_BATCH_ROWS} rows, whole`, () => {
    expect(refusal([]).fields).toEqual([{ name: 'rows', message: `a batch holds 1 to ${MAX_BATCH_ROWS} rows; got 0` }]);
    const many = Array.from({ length: MAX_BATCH_ROWS + 1 }, () => ({ features: [{ name: 'a', value: 1 }] }));
    expect(refusal(many).fields).toEqual([
      { name: 'rows', message: `a batch holds 1 to ${MAX_BATCH_ROWS} rows; got ${MAX_BATCH_ROWS + 1}` },
    ]);
  });

  it('names every offender of every row in row order, prefixed by its row unless the request is single', () => {
    const rows = [
      { features: [{ name: 'a', value: 11 }], patientRef: '' },
      { features: [{ name: 'a', value: 1 }], patientRef: 'P\u0000' },
    ];
    expect(refusal(rows).fields).toEqual([
      { name: 'rows[0].a', message: '11 is outside the allowed range 0 to 10' },
      { name: 'rows[0].patientRef', message: `must be 1 to ${MAX_PATIENT_REF_LENGTH} characters; got 0` },
      { name: 'rows[1].patientRef', message: 'must not contain control characters' },
    ]);
    expect(
      refusal([{ features: [], patientRef: 'x'.repeat(MAX_PATIENT_REF_LENGTH + 1) }], { single: true }).fields,
    ).toEqual([
      { name: 'a', message: 'required; give a value from 0 to 10' },
      {
        name: 'patientRef',
        message: `must be 1 to ${MAX_PATIENT_REF_LENGTH} characters; got ${MAX_PATIENT_REF_LENGTH + 1}`,
      },
    ]);
  });

  it('accepts an absent or null patientRef', () => {
    expect(
      validateRequest(SPECS, [
        { features: [{ name: 'a', value: 1 }], patientRef: null },
        { features: [{ name: 'a', value: 1 }] },
      ]),
    ).toHaveLength(2);
  });
});
