/**
 * The `icu-mortality` training table: every stay of PhysioNet 2012 set-a and set-b, its vector from the timeline
 * function at 48 h, its in-hospital death, and the SAPS-I score the outcomes files carry (the severity-score baseline).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_WINDOW_MINUTES, icuMortalityFeatures, icuMortalityVector } from '@/features/icu-mortality';
import type { Dataset } from '../dataset';
import {
  loadPhysionet2012Set,
  PHYSIONET2012_DIR,
  PHYSIONET2012_TRAINING_SETS,
  type Physionet2012SetData,
} from './physionet2012';

export interface IcuMortalityTable {
  data: Dataset;
  /** SAPS-I of each row (NaN where the outcomes file has -1), in row order. */
  sapsI: Float64Array;
  recordIds: string[];
  /**
   * sha256 of the SHA256SUMS lines of the files read (Outcomes-a/b, set-a/, set-b/, in the manifest's order), every one
   * of which the loader checked against its line: PROVENANCE.md's aggregate, over both sets and their outcomes.
   */
  sha256: string;
  sets: Physionet2012SetData[];
}

/** Rows in set order (a, b), each set in RecordID order: 8,000 stays, vectors at `moment` minutes (48 h). */
export async function loadIcuMortalityTable(
  dataDir: string,
  moment: number = DEFAULT_WINDOW_MINUTES,
): Promise<IcuMortalityTable> {
  const sets: Physionet2012SetData[] = [];
  for (const set of PHYSIONET2012_TRAINING_SETS) sets.push(await loadPhysionet2012Set(dataDir, set));
  const stays = sets.flatMap((s) => s.stays);
  const featureNames = icuMortalityFeatures(moment).map((f) => f.name);
  const width = featureNames.length;
  const x = new Float32Array(stays.length * width);
  const y = new Uint8Array(stays.length);
  const sapsI = new Float64Array(stays.length);
  stays.forEach((stay, r) => {
    x.set(icuMortalityVector(stay.observations, moment), r * width);
    y[r] = stay.outcome.inHospitalDeath;
    sapsI[r] = stay.outcome.sapsI;
  });
  return {
    data: { featureNames, x, y },
    sapsI,
    recordIds: stays.map((s) => s.recordId),
    sha256: await trainingSetsDigest(dataDir),
    sets,
  };
}

/**
 * sha256 of the SHA256SUMS lines (with their newlines, in the manifest's order) of Outcomes-a/b and every set-a and
 * set-b record file: PROVENANCE.md's aggregate over what the model is trained on. The loader checks each file it reads
 * against its line, so the digest names the bytes read.
 */
export async function trainingSetsDigest(dataDir: string): Promise<string> {
  const manifest = await readFile(join(dataDir, PHYSIONET2012_DIR, 'SHA256SUMS'), 'utf8');
  const lines = manifest
    .split('\n')
    .filter((line) => / (Outcomes-[ab]\.txt|set-[ab]\/\d+\.txt)$/.test(line))
    .map((line) => `${line}\n`)
    .join('');
  return createHash('sha256').update(lines).digest('hex');
}
