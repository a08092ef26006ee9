import { readFormFeatures } from '@/dashboard/form-features';

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

describe('reading a predict form', () => {
  it('reads plain decimals, and leaves blank or absent fields out (missing)', () => {
    const read = readFormFeatures(form({ age: ' 63 ', ejection_fraction: '', serum_creatinine: '1.25' }), [
      'age',
      'ejection_fraction',
      'serum_creatinine',
      'sodium',
    ]);
    expect(read.errors).toEqual([]);
    expect(read.features).toEqual([
      { name: 'age', value: 63 },
      { name: 'serum_creatinine', value: 1.25 },
    ]);
    expect(read.values).toEqual({ age: '63', ejection_fraction: '', serum_creatinine: '1.25', sodium: '' });
  });

  it.each(['abc', '1e3', '12,5', 'NaN', 'Infinity', '0x10', '--1', '1.2.3'])(
    'refuses %j as a number, naming the field',
    (text) => {
      const read = readFormFeatures(form({ age: text }), ['age']);
      expect(read.errors).toEqual([{ name: 'age', message: `must be a number, got "${text}"` }]);
      expect(read.features).toEqual([]);
      expect(read.values.age).toBe(text);
    },
  );

  it.each([
    ['-3', -3],
    ['+4.5', 4.5],
    ['.5', 0.5],
    ['7.', 7],
  ])('accepts %j as %d', (text, value) => {
    expect(readFormFeatures(form({ x: text }), ['x']).features).toEqual([{ name: 'x', value }]);
  });
});

describe('reading a coded input', () => {
  it('reads a chosen code as its number and the empty option as missing', () => {
    expect(readFormFeatures(form({ gender: '1', smoking: '' }), ['gender', 'smoking']).features).toEqual([
      { name: 'gender', value: 1 },
    ]);
  });
});
