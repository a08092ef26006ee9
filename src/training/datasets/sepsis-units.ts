/** The ICU type of each patient-hour of a challenge table (Unit1 medical, Unit2 surgical), for the transfer check. */
import { join } from 'node:path';
import { SEPSIS_CHALLENGE_COLUMNS } from '@/features/sepsis';
import type { TransferUnits } from '../transfer-check';
import { readChallengeCsv, type ChallengeTable } from './sepsis';

const WIDTH = SEPSIS_CHALLENGE_COLUMNS.length;
const UNIT1 = SEPSIS_CHALLENGE_COLUMNS.indexOf('Unit1');
const UNIT2 = SEPSIS_CHALLENGE_COLUMNS.indexOf('Unit2');

/**
 * Unit of every row, in table order (the order of the dataset's rows): 0 = Unit1 (medical ICU), 1 = Unit2 (surgical
 * ICU), −1 = neither recorded. In set A a patient's unit is the same in every hour (5,344 Unit1, 5,470 Unit2, 9,522
 * neither).
 */
export function icuUnits(table: ChallengeTable): TransferUnits {
  const ofRow = new Int8Array(table.rowCount);
  for (let r = 0; r < table.rowCount; r++) {
    const base = r * WIDTH;
    ofRow[r] = table.values[base + UNIT1] === 1 ? 0 : table.values[base + UNIT2] === 1 ? 1 : -1;
  }
  return { names: ['Unit1', 'Unit2'], ofRow };
}

/** Reads the recipe's challenge file again for its units (a few seconds; the dataset keeps no unit column). */
export async function readIcuUnits(dataDir: string, file: string): Promise<TransferUnits> {
  const csv = await readChallengeCsv(join(dataDir, file), { requireLabel: true });
  return icuUnits(csv.table);
}
