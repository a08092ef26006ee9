/** Specification of timeline validation: every refused observation named by index and code, with what it allows. */
import { ICU_MORTALITY_OBSERVATIONS } from '@/features/icu-mortality-observations';
import { normaliseValue, validateObservations, type Observation } from '@/features/timeline';

const validate = (observations: Observation[]) => validateObservations(ICU_MORTALITY_OBSERVATIONS, observations);

describe('validateObservations', () => {
  it('accepts a plausible course, facts at time 0, in input order', () => {
    const course: Observation[] = [
      { name: 'Age', time: 0, value: 67 },
      { name: 'Gender', time: 0, value: 1 },
      { name: 'ICUType', time: 0, value: 3 },
      { name: 'HR', time: 30, value: 88 },
      { name: 'GCS', time: 30, value: 14 },
      { name: 'MechVent', time: 45, value: 1 },
      { name: 'Weight', time: 0, value: 80 },
      { name: 'Weight', time: 0, value: 80.4 },
      { name: 'Weight', time: 600, value: 79 },
    ];
    expect(validate(course)).toEqual({ observations: course, errors: [] });
  });

  it('names each offending observation `observations[i] (code)` and says what it allows', () => {
    const { observations, errors } = validate([
      { name: 'HR', time: 10, value: 90 },
      { name: 'Pulse', time: 10, value: 90 },
      { name: 'HR', time: -5, value: 90 },
      { name: 'HR', time: 20, value: 350 },
      { name: 'GCS', time: 20, value: 7.5 },
      { name: 'Gender', time: 0, value: 2 },
      { name: 'ICUType', time: 0, value: 5 },
      { name: 'Temp', time: 20, value: NaN },
      { name: 'Age', time: 60, value: 70 },
      { name: 'FiO2', time: 20, value: 40 },
    ]);
    expect(observations).toEqual([{ name: 'HR', time: 10, value: 90 }]);
    expect(errors.map((e) => e.name)).toEqual([
      'observations[1] (Pulse)',
      'observations[2] (HR)',
      'observations[3] (HR)',
      'observations[4] (GCS)',
      'observations[5] (Gender)',
      'observations[6] (ICUType)',
      'observations[7] (Temp)',
      'observations[8] (Age)',
      'observations[9] (FiO2)',
    ]);
    const messages = errors.map((e) => e.message);
    expect(messages[0]).toMatch(/^unknown observation code; allowed: Age, Gender, Height, ICUType, Albumin, ALP,/);
    expect(messages.slice(1)).toEqual([
      'time must be a finite number of minutes from admission, 0 or more; got -5',
      '350 is outside the allowed range 20 to 300 beats/min',
      'value must be a whole number from 3 to 15 points; got 7.5',
      'value must be one of 0 (female), 1 (male); got 2',
      'value must be one of 1 (Coronary Care Unit), 2 (Cardiac Surgery Recovery Unit), 3 (Medical ICU), 4 (Surgical ICU); got 5',
      'value must be a number from 20 to 45 °C; got NaN',
      'a fact of the stay, observed at admission: time must be 0; got 60',
      '40 is outside the allowed range 0.21 to 1 fraction',
    ]);
  });

  it('refuses a fact of the stay given twice; a weight at admission may repeat (it is also a time series)', () => {
    const { errors } = validate([
      { name: 'Age', time: 0, value: 70 },
      { name: 'Age', time: 0, value: 71 },
      { name: 'Weight', time: 0, value: 70.8 },
      { name: 'Weight', time: 0, value: 70.4 },
    ]);
    expect(errors).toEqual([{ name: 'observations[1] (Age)', message: 'a fact of the stay given more than once' }]);
  });

  it('applies the unit rules before the range check, and returns the normalised value', () => {
    const { observations, errors } = validate([
      { name: 'pH', time: 60, value: 735 },
      { name: 'Height', time: 0, value: 462.3 },
      { name: 'WBC', time: 60, value: 12500 },
      { name: 'pH', time: 60, value: 96 },
    ]);
    expect(observations.map((o) => o.value)).toEqual([7.35, 462.3 / 2.54, 12.5]);
    expect(observations[1].value).toBeCloseTo(182, 1);
    expect(errors).toEqual([{ name: 'observations[3] (pH)', message: '96 is outside the allowed range 6.5 to 8' }]);
  });
});

describe('normaliseValue', () => {
  it('leaves values on the spec scale alone, so applying it twice changes nothing', () => {
    const ph = ICU_MORTALITY_OBSERVATIONS.find((s) => s.name === 'pH')!;
    expect(normaliseValue(ph, 7.35)).toBe(7.35);
    expect(normaliseValue(ph, normaliseValue(ph, 735))).toBe(7.35);
    const hr = ICU_MORTALITY_OBSERVATIONS.find((s) => s.name === 'HR')!;
    expect(normaliseValue(hr, 735)).toBe(735);
  });

  it('every unit rule takes a span outside the plausible range, and maps its middle inside it', () => {
    for (const spec of ICU_MORTALITY_OBSERVATIONS) {
      for (const rule of spec.units ?? []) {
        expect(rule.from > spec.max || rule.to < spec.min).toBe(true);
        const inside = (rule.from + rule.to) / 2 / rule.divideBy;
        expect(inside > spec.min && inside < spec.max).toBe(true);
      }
    }
  });
});
