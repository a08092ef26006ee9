import { checkScoreColumns, normalizeColumnName, ScoreColumnsError } from '@/training/score-columns';

const diabetes = {
  id: 'diabetes',
  features: [
    { name: 'pregnancies', required: true },
    { name: 'glucose', required: false },
    { name: 'blood_pressure', required: false },
    { name: 'bmi', required: false },
    { name: 'diabetes_pedigree_function', required: true },
    { name: 'age', required: true },
  ],
};
const heartFailure = {
  id: 'heart-failure',
  features: [
    { name: 'age', required: true },
    { name: 'ejection_fraction', required: true },
  ],
};
const complete = ['pregnancies', 'glucose', 'blood_pressure', 'bmi', 'diabetes_pedigree_function', 'age'];

describe('normalizeColumnName', () => {
  it('ignores case, spaces and punctuation', () => {
    for (const spelling of [
      'blood_pressure',
      'Blood Pressure',
      'BLOOD-PRESSURE',
      'blood.pressure',
      'BloodPressure',
      ' blood__pressure ',
    ]) {
      expect(normalizeColumnName(spelling)).toBe('bloodpressure');
    }
  });

  it('keeps letters and digits that differ', () => {
    expect(normalizeColumnName('o2_sat')).not.toBe(normalizeColumnName('o_sat'));
    expect(normalizeColumnName('hco3')).toBe('hco3');
  });
});

describe('checkScoreColumns', () => {
  it('accepts the exact feature names, and copies every other column through in header order', () => {
    expect(checkScoreColumns(['ref', ...complete, 'ward'], diabetes)).toEqual({
      passThrough: ['ref', 'ward'],
      problems: [],
      warnings: [],
    });
  });

  it('refuses a column that is a feature name but for case, spacing or punctuation, naming both spellings', () => {
    const header = ['id', 'pregnancies', 'Glucose', 'blood_pressure', 'BMI', 'diabetes_pedigree_function', 'age'];
    const { problems, passThrough } = checkScoreColumns(header, diabetes);
    expect(problems).toEqual([
      'column `Glucose` looks like feature `glucose`; rename it to `glucose`',
      'column `BMI` looks like feature `bmi`; rename it to `bmi`',
    ]);
    expect(passThrough).toEqual(['id']);
  });

  it('recognises the Kaggle Pima header as near-misses, not as columns to copy', () => {
    const kaggle = ['Pregnancies', 'Glucose', 'BloodPressure', 'BMI', 'DiabetesPedigreeFunction', 'Age', 'Outcome'];
    const { problems, passThrough } = checkScoreColumns(kaggle, diabetes);
    expect(problems).toHaveLength(6);
    expect(problems).toContain(
      'column `DiabetesPedigreeFunction` looks like feature `diabetes_pedigree_function`; rename it to `diabetes_pedigree_function`',
    );
    // A required feature only misspelled is reported once, as the misspelling.
    expect(problems.some((p) => p.includes('requires'))).toBe(false);
    expect(passThrough).toEqual(['Outcome']);
  });

  it('reports missing required columns once for the file, naming them and the model', () => {
    expect(checkScoreColumns(['glucose', 'bmi', 'pregnancies'], diabetes).problems).toEqual([
      'model `diabetes` requires columns `diabetes_pedigree_function`, `age`, which the file lacks',
    ]);
    expect(checkScoreColumns(['ejection_fraction'], heartFailure).problems).toEqual([
      'model `heart-failure` requires column `age`, which the file lacks',
    ]);
  });

  it('treats an empty header (an empty file) as lacking every required column', () => {
    expect(checkScoreColumns([], heartFailure).problems).toEqual([
      'model `heart-failure` requires columns `age`, `ejection_fraction`, which the file lacks',
    ]);
  });

  it('refuses a feature column given twice (the reader would keep only the last cell)', () => {
    expect(checkScoreColumns([...complete, 'glucose'], diabetes).problems).toEqual([
      'column `glucose` appears 2 times; keep one',
    ]);
  });

  it('warns once when the file has none of the optional columns, and not when it has one', () => {
    const { problems, warnings } = checkScoreColumns(['pregnancies', 'diabetes_pedigree_function', 'age'], diabetes);
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      "the file has none of model `diabetes`'s optional columns (`glucose`, `blood_pressure`, `bmi`): every optional input will be treated as missing",
    ]);
    expect(checkScoreColumns(['pregnancies', 'diabetes_pedigree_function', 'age', 'bmi'], diabetes).warnings).toEqual(
      [],
    );
  });

  it('does not warn about optional columns for a model that has none', () => {
    expect(checkScoreColumns(['age', 'ejection_fraction'], heartFailure).warnings).toEqual([]);
  });
});

describe('ScoreColumnsError', () => {
  it('carries a stable code, the file and every problem', () => {
    const error = new ScoreColumnsError('in.csv', ['a', 'b']);
    expect(error).toMatchObject({
      code: 'SCORE_COLUMNS',
      name: 'ScoreColumnsError',
      file: 'in.csv',
      problems: ['a', 'b'],
      message: 'in.csv: a; b',
    });
  });
});
