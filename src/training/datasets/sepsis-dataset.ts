/**
 * Loads a PhysioNet/CinC 2019 challenge set as the labelled sepsis dataset: read, build patient-hours, check
 * provenance.
 */
import { basename, join } from 'node:path';
import { readChallengeCsv } from './sepsis';
import { buildSepsisDataset, type BuildOptions, type SepsisDataset } from './sepsis-patient-hours';
import { KNOWN_SEPSIS_FILES, provenanceMismatches, SepsisDataIntegrityError } from './sepsis-provenance';

export interface LoadOptions extends BuildOptions {
  /** File under `<dataDir>/physionet2019/`; set A by default (set B is held out for external validation). */
  file?: string;
  /** Check sha256 and counts against KNOWN_SEPSIS_FILES (default: when the file is listed there). */
  verify?: boolean;
}

/** Loads a challenge set as a labelled dataset of carried-forward patient-hours, checked against its provenance. */
export async function loadSepsisDataset(dataDir: string, options: LoadOptions = {}): Promise<SepsisDataset> {
  const file = options.file ?? 'setA.csv.gz';
  const path = join(dataDir, 'physionet2019', file);
  const facts = KNOWN_SEPSIS_FILES[basename(file)];
  options.onProgress?.({ phase: 'read', done: 0, total: 1 });
  const csv = await readChallengeCsv(path, { requireLabel: true });
  options.onProgress?.({ phase: 'parse', done: 1, total: 1 });
  const data: SepsisDataset = {
    ...buildSepsisDataset(csv.table, options),
    source: { path, sha256: csv.sha256, bytes: csv.bytes },
  };
  if (options.verify ?? facts !== undefined) {
    if (!facts) throw new SepsisDataIntegrityError(`${path}: no documented facts for ${file} to verify against`);
    const mismatches = provenanceMismatches(data, facts);
    if (mismatches.length > 0) {
      throw new SepsisDataIntegrityError(`${path} does not match its PROVENANCE.md: ${mismatches.join('; ')}`);
    }
  }
  return data;
}
