import { diabetesFeatureSet } from '@/features/diabetes';
import { heartFailureFeatureSet } from '@/features/heart-failure';
import { sepsisFeatureSet } from '@/features/sepsis';
import { fieldControl, fieldHint } from '@/ui/field-control';

describe('the control of each input, by its kind', () => {
  const spec = (name: string) =>
    [...sepsisFeatureSet.inputs, ...diabetesFeatureSet.inputs, ...heartFailureFeatureSet.inputs].find(
      (s) => s.name === name,
    )!;

  it('is a select of the labelled codes for a binary input, its empty option "missing" when optional', () => {
    expect(fieldControl(spec('gender'))).toEqual({
      control: 'select',
      options: [
        { value: '', label: 'choose…' },
        { value: '0', label: 'female (0)' },
        { value: '1', label: 'male (1)' },
      ],
    });
    expect(fieldControl(spec('sex'))).toMatchObject({
      options: [{ value: '', label: 'not measured' }, { label: 'woman (0)' }, { label: 'man (1)' }],
    });
    expect(fieldHint(spec('gender'))).toBe('0 = female, 1 = male');
    expect(fieldHint(spec('anaemia'))).toBe('0 = no, 1 = yes; choose “not measured” if unknown');
  });

  it('is a number box stepping by 1 for a count, a decimal text box for a measurement', () => {
    expect(fieldControl(spec('pregnancies'))).toEqual({
      control: 'input',
      type: 'number',
      inputMode: 'numeric',
      step: 1,
      min: 0,
      max: 20,
    });
    expect(fieldHint(spec('pregnancies'))).toBe('whole number, 0 to 20 count');
    expect(fieldControl(spec('glucose'))).toEqual({ control: 'input', type: 'text', inputMode: 'decimal' });
    expect(fieldHint(spec('bmi'))).toBe('10 to 80 kg/m²; leave blank if not measured');
  });
});
