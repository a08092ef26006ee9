import { validateInputs } from '@/prediction/input-validation';
import type { FeatureSpec } from '@/features/feature-set';
import { diabetesFeatureSet } from '@/features/diabetes';
import { heartFailureFeatureSet } from '@/features/heart-failure';
import { sepsisFeatureSet } from '@/features/sepsis';

const spec = (name: string, required: boolean, min = 0, max = 10): FeatureSpec => ({
  name,
  label: name,
  unit: 'mg/dL',
  description: name,
  kind: 'continuous',
  min,
  max,
  required,
  missing: 'test',
});
const SPECS = [spec('a', true), spec('b', false, 1, 5)];

describe('validateInputs', () => {
  it('accepts required values and takes omitted or null optional values as missing (NaN)', () => {
    expect(validateInputs(SPECS, [{ name: 'a', value: 3 }])).toEqual({ inputs: { a: 3, b: NaN }, errors: [] });
    expect(
      validateInputs(SPECS, [
        { name: 'a', value: 3 },
        { name: 'b', value: null },
      ]).inputs.b,
    ).toBeNaN();
  });

  it('accepts values at both ends of the range', () => {
    expect(
      validateInputs(SPECS, [
        { name: 'a', value: 0 },
        { name: 'b', value: 5 },
      ]).errors,
    ).toEqual([]);
    expect(
      validateInputs(SPECS, [
        { name: 'a', value: 10 },
        { name: 'b', value: 1 },
      ]).errors,
    ).toEqual([]);
  });

  it('names every offending field with the allowed range', () => {
    const { errors } = validateInputs(SPECS, [
      { name: 'b', value: 7 },
      { name: 'c', value: 1 },
    ]);
    expect(errors).toEqual([
      { name: 'b', message: '7 is outside the allowed range 1 to 5 mg/dL' },
      { name: 'c', message: 'unknown feature; allowed: a, b' },
      { name: 'a', message: 'required; give a value from 0 to 10 mg/dL' },
    ]);
  });

  it('rejects non-finite numbers, duplicates and a null required value', () => {
    const { errors } = validateInputs(SPECS, [
      { name: 'a', value: null },
      { name: 'b', value: Number.POSITIVE_INFINITY },
      { name: 'b', value: 2 },
    ]);
    expect(errors).toEqual([
      { name: 'b', message: 'must be a finite number from 1 to 5 mg/dL' },
      { name: 'b', message: 'given more than once' },
      { name: 'a', message: 'required and may not be null; give a value from 0 to 10 mg/dL' },
    ]);
  });

  it('rejects NaN sent as a value', () => {
    expect(validateInputs(SPECS, [{ name: 'a', value: Number.NaN }]).errors).toEqual([
      { name: 'a', message: 'must be a finite number from 0 to 10 mg/dL' },
    ]);
  });
});

describe('validateInputs by kind: codes and counts take only the values the model was trained on', () => {
  const sepsis = sepsisFeatureSet.inputs;
  const diabetes = diabetesFeatureSet.inputs;
  const SEPSIS_REQUIRED = [
    { name: 'age', value: 60 },
    { name: 'iculos', value: 5 },
  ];
  const PIMA = [
    { name: 'pregnancies', value: 2 },
    { name: 'diabetes_pedigree_function', value: 0.5 },
    { name: 'age', value: 40 },
  ];

  it('refuses gender 0.5, naming the field and its codes with their meaning', () => {
    const { errors } = validateInputs(sepsis, [...SEPSIS_REQUIRED, { name: 'gender', value: 0.5 }]);
    expect(errors).toEqual([{ name: 'gender', message: 'must be one of 0 (female), 1 (male); got 0.5' }]);
  });

  it('refuses a code the input does not have (gender 2), although 2 is a whole number', () => {
    const { errors } = validateInputs(sepsis, [...SEPSIS_REQUIRED, { name: 'gender', value: 2 }]);
    expect(errors).toEqual([{ name: 'gender', message: 'must be one of 0 (female), 1 (male); got 2' }]);
  });

  it('accepts both codes of a binary input', () => {
    for (const value of [0, 1]) {
      expect(validateInputs(sepsis, [...SEPSIS_REQUIRED, { name: 'gender', value }])).toMatchObject({
        errors: [],
        inputs: { gender: value },
      });
    }
  });

  it('refuses 2.5 pregnancies: a count is a whole number', () => {
    const { errors } = validateInputs(diabetes, [
      ...PIMA.filter((f) => f.name !== 'pregnancies'),
      { name: 'pregnancies', value: 2.5 },
    ]);
    expect(errors).toEqual([{ name: 'pregnancies', message: 'must be a whole number from 0 to 20 count; got 2.5' }]);
  });

  it('refuses a fractional hour in the ICU (iculos is an hour index)', () => {
    const { errors } = validateInputs(sepsis, [
      { name: 'age', value: 60 },
      { name: 'gender', value: 1 },
      { name: 'iculos', value: 4.5 },
    ]);
    expect(errors).toEqual([{ name: 'iculos', message: 'must be a whole number from 1 to 336 h; got 4.5' }]);
  });

  it('still checks the range of a whole number, and takes a continuous value like 33.6 as it is', () => {
    const { errors } = validateInputs(diabetes, [
      ...PIMA.filter((f) => f.name !== 'pregnancies'),
      { name: 'pregnancies', value: 21 },
      { name: 'bmi', value: 33.6 },
    ]);
    expect(errors).toEqual([{ name: 'pregnancies', message: '21 is outside the allowed range 0 to 20 count' }]);
  });

  it('refuses an optional binary input other than its codes, and still takes null as missing', () => {
    const hf = heartFailureFeatureSet.inputs;
    const row = [
      { name: 'age', value: 70 },
      { name: 'ejection_fraction', value: 30 },
      { name: 'serum_creatinine', value: 1.2 },
    ];
    expect(validateInputs(hf, [...row, { name: 'smoking', value: 0.3 }, { name: 'sex', value: -1 }]).errors).toEqual([
      { name: 'smoking', message: 'must be one of 0 (no), 1 (yes); got 0.3' },
      { name: 'sex', message: 'must be one of 0 (woman), 1 (man); got -1' },
    ]);
    const { inputs, errors } = validateInputs(hf, [...row, { name: 'smoking', value: null }]);
    expect(errors).toEqual([]);
    expect(inputs.smoking).toBeNaN();
  });

  it('asks for a missing or non-finite required input in terms of its kind', () => {
    expect(validateInputs(sepsis, SEPSIS_REQUIRED).errors).toEqual([
      { name: 'gender', message: 'required; give one of 0 (female), 1 (male)' },
    ]);
    expect(validateInputs(sepsis, [...SEPSIS_REQUIRED, { name: 'gender', value: null }]).errors).toEqual([
      { name: 'gender', message: 'required and may not be null; give one of 0 (female), 1 (male)' },
    ]);
    expect(
      validateInputs(
        diabetes,
        PIMA.filter((f) => f.name !== 'pregnancies'),
      ).errors,
    ).toEqual([{ name: 'pregnancies', message: 'required; give a whole number from 0 to 20 count' }]);
    expect(
      validateInputs(diabetes, [
        ...PIMA.filter((f) => f.name !== 'pregnancies'),
        { name: 'pregnancies', value: Number.NaN },
      ]).errors,
    ).toEqual([{ name: 'pregnancies', message: 'must be a whole number from 0 to 20 count' }]);
  });
});
