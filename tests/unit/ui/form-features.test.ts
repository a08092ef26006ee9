import { diabetesFeatureSet } from '@/features/diabetes';
import { heartFailureFeatureSet } from '@/features/heart-failure';
import { sepsisFeatureSet } from '@/features/sepsis';
import { fieldControl, fieldHint, readFormFeatures } from '@/ui/form-features';

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

describe('reading a predict form', () => {
  it('reads plain decimals, and leaves blank or absent fields out (missing)', () => {
    const read = readFormFeatures(form({ age: ' 63 ', ejection_fraction: '', serum_creatinine: '1.25' }), ['age', 'ejection_fraction', 'serum_creatinine', 'sodium']);
    expect(read.errors).toEqual([]);
    expect(read.features).toEqual([
      { name: 'age', value: 63 },
      { name: 'serum_creatinine', value: 1.25 },
    ]);
    expect(read.values).toEqual({ age: '63', ejection_fraction: '', serum_creatinine: '1.25', sodium: '' });
  });

  it.each(['abc', '1e3', '12,5', 'NaN', 'Infinity', '0x10', '--1', '1.2.3'])('refuses %j as a number, naming the field', (text) => {
    const read = readFormFeatures(form({ age: text }), ['age']);
    expect(read.errors).toEqual([{ name: 'age', message: `must be a number, got "${text}"` }]);
    expect(read.features).toEqual([]);
    expect(read.values.age).toBe(text);
  });

  it.each([
    ['-3', -3],
    ['+4.5', 4.5],
    ['.5', 0.5],
    ['7.', 7],
  ])('accepts %j as %d', (text, value) => {
    expect(readFormFeatures(form({ x: text }), ['x']).features).toEqual([{ name: 'x', value }]);
  });
});

describe('the control of each input, by its kind', () => {
  const spec = (name: string) => [...sepsisFeatureSet.inputs, ...diabetesFeatureSet.inputs, ...heartFailureFeatureSet.inputs].find((s) => s.name === name)!;

  it('is a select of the labelled codes for a binary input, its empty option "missing" when optional', () => {
    expect(fieldControl(spec('gender'))).toEqual({
      control: 'select',
      options: [
        { value: '', label: 'choose…' },
        { value: '0', label: 'female (0)' },
        { value: '1', label: 'male (1)' },
      ],
    });
    expect(fieldControl(spec('sex'))).toMatchObject({ options: [{ value: '', label: 'not measured' }, { label: 'woman (0)' }, { label: 'man (1)' }] });
    expect(fieldHint(spec('gender'))).toBe('0 = female, 1 = male');
    expect(fieldHint(spec('anaemia'))).toBe('0 = no, 1 = yes; choose “not measured” if unknown');
  });

  it('is a number box stepping by 1 for a count, a decimal text box for a measurement', () => {
    expect(fieldControl(spec('pregnancies'))).toEqual({ control: 'input', type: 'number', inputMode: 'numeric', step: 1, min: 0, max: 20 });
    expect(fieldHint(spec('pregnancies'))).toBe('whole number, 0 to 20 count');
    expect(fieldControl(spec('glucose'))).toEqual({ control: 'input', type: 'text', inputMode: 'decimal' });
    expect(fieldHint(spec('bmi'))).toBe('10 to 80 kg/m²; leave blank if not measured');
  });

  it('reads a chosen code as its number and the empty option as missing', () => {
    expect(readFormFeatures(form({ gender: '1', smoking: '' }), ['gender', 'smoking']).features).toEqual([{ name: 'gender', value: 1 }]);
  });
});
