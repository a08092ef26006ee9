/** The Pima Indians Diabetes table as the `diabetes` model's training set; zeros in five columns are missing values. */
import { join } from 'node:path';
import { readCsvTable, type LoadedTable } from './csv-table';

export const DIABETES_FILE = 'diabetes/diabetes.csv';

export function loadDiabetes(dataDir: string): LoadedTable {
  return readCsvTable(join(dataDir, DIABETES_FILE), {
    columns: {
      pregnancies: 'Pregnancies',
      glucose: 'Glucose',
      blood_pressure: 'BloodPressure',
      skin_thickness: 'SkinThickness',
      insulin: 'Insulin',
      bmi: 'BMI',
      diabetes_pedigree_function: 'DiabetesPedigreeFunction',
      age: 'Age',
    },
    label: 'Outcome',
    zeroMeansMissing: ['Glucose', 'BloodPressure', 'SkinThickness', 'Insulin', 'BMI'],
  });
}
