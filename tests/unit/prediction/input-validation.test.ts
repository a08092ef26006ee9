import { validateInputs } from '@/prediction/input-validation';
import type { FeatureSpec } from '@/features/feature-set';

const spec = (name: string, required: boolean, min = 0, max = 10): FeatureSpec => ({
  name,
  label: name,
  unit: 'mg/dL',
  description: name,
  min,
  max,
  required,
  missing: 'test',
});
const SPECS = [spec('a', true), spec('b', false, 1, 5)];

describe('validateInputs', () => {
  it('accepts required values and takes omitted or null optional values as missing (NaN)', () => {
    expect(validateInputs(SPECS, [{ name: 'a', value: 3 }])).toEqual({ inputs: { a: 3, b: NaN }, errors: [] });
    expect(validateInputs(SPECS, [{ name: 'a', value: 3 }, { name: 'b', value: null }]).inputs.b).toBeNaN();
  });

  it('accepts values at both ends of the range', () => {
    expect(validateInputs(SPECS, [{ name: 'a', value: 0 }, { name: 'b', value: 5 }]).errors).toEqual([]);
    expect(validateInputs(SPECS, [{ name: 'a', value: 10 }, { name: 'b', value: 1 }]).errors).toEqual([]);
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
