/**
 * The UCI heart failure clinical records as the `heart-failure` model's training set; `time` is left out, it leaks the
 * outcome.
 */
import { join } from 'node:path';
import { readCsvTable, type LoadedTable } from './csv-table';

export const HEART_FAILURE_FILE = 'heart-failure/heart_failure_clinical_records_dataset.csv';

export function loadHeartFailure(dataDir: string): LoadedTable {
  return readCsvTable(join(dataDir, HEART_FAILURE_FILE), {
    columns: {
      age: 'age',
      ejection_fraction: 'ejection_fraction',
      serum_creatinine: 'serum_creatinine',
      serum_sodium: 'serum_sodium',
      creatinine_phosphokinase: 'creatinine_phosphokinase',
      platelets: 'platelets',
      anaemia: 'anaemia',
      diabetes: 'diabetes',
      high_blood_pressure: 'high_blood_pressure',
      sex: 'sex',
      smoking: 'smoking',
    },
    label: 'DEATH_EVENT',
  });
}
