/**
 * Loads a PhysioNet/CinC 2012 set (set-a, set-b) as `icu-mortality` training stays: record files joined to their
 * outcomes, implausible values screened out, files checked against SHA256SUMS.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '@/errors/coded-error';
import { ICU_MORTALITY_OBSERVATIONS } from '@/features/icu-mortality-observations';
import { validateObservations, type Observation } from '@/features/timeline';
import { parseOutcomesFile, type Physionet2012Outcome } from './physionet2012-outcomes';
import { parseRecordFile, type Physionet2012Descriptors } from './physionet2012-record';

export const PHYSIONET2012_DIR = 'physionet2012';
/** The sets the team may train and tune on; set-c is held out (PROVENANCE.md §4) and not in the data folder. */
export const PHYSIONET2012_TRAINING_SETS = ['a', 'b'] as const;
export type Physionet2012Set = 'a' | 'b' | 'c';

/** A record whose RecordID line disagrees with its file name. */
export class Physionet2012RecordIdError extends CodedError {
  readonly code = 'PHYSIONET2012_RECORD_ID';
}

/** A set whose record files and outcome rows do not pair up one to one. */
export class Physionet2012SetMismatchError extends CodedError {
  readonly code = 'PHYSIONET2012_SET_MISMATCH';
}

/** A data file whose bytes differ from SHA256SUMS. */
export class Physionet2012IntegrityError extends CodedError {
  readonly code = 'PHYSIONET2012_INTEGRITY';
}

export interface Physionet2012Stay {
  recordId: string;
  set: Physionet2012Set;
  /** The plausible observations, in file order (what the API's validation would accept). */
  observations: Observation[];
  descriptors: Physionet2012Descriptors;
  interleavedDescriptors: boolean;
  outcome: Physionet2012Outcome;
}

export interface Physionet2012SetData {
  set: Physionet2012Set;
  /** In RecordID order. */
  stays: Physionet2012Stay[];
  /** Per code, the values dropped as implausible (outside the code's range after the unit rules). */
  screenedOut: Record<string, number>;
  blankParameterLines: number;
  /** Files checked against SHA256SUMS (0 when the folder has none). */
  verifiedFiles: number;
}

export interface LoadOptions {
  /** Check every file against `physionet2012/SHA256SUMS` (default: when that file exists). */
  verify?: boolean;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `<path> → sha256` from a `sha256sum` manifest. */
function readManifest(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (m) sums.set(m[2], m[1]);
  }
  return sums;
}

/** Reads `<dataDir>/physionet2012/set-<set>/*.txt` and `Outcomes-<set>.txt`: stays, each paired with its outcome. */
export async function loadPhysionet2012Set(
  dataDir: string,
  set: Physionet2012Set,
  options: LoadOptions = {},
): Promise<Physionet2012SetData> {
  const root = join(dataDir, PHYSIONET2012_DIR);
  const manifestPath = join(root, 'SHA256SUMS');
  const verify = options.verify ?? existsSync(manifestPath);
  const sums = verify ? readManifest(await readFile(manifestPath, 'utf8')) : new Map<string, string>();
  let verifiedFiles = 0;
  const check = (relative: string, bytes: Buffer) => {
    if (!verify) return;
    const expected = sums.get(relative);
    if (expected === undefined) throw new Physionet2012IntegrityError(`${relative} is not listed in ${manifestPath}`);
    if (sha256(bytes) !== expected) throw new Physionet2012IntegrityError(`${relative} differs from ${manifestPath}`);
    verifiedFiles++;
  };

  const outcomesName = `Outcomes-${set}.txt`;
  const outcomesBytes = await readFile(join(root, outcomesName));
  check(outcomesName, outcomesBytes);
  const outcomes = new Map(
    parseOutcomesFile(outcomesBytes.toString('utf8'), join(root, outcomesName)).map((o) => [o.recordId, o]),
  );

  const dir = `set-${set}`;
  const files = (await readdir(join(root, dir))).filter((f) => f.endsWith('.txt')).sort();
  const screenedOut: Record<string, number> = {};
  let blankParameterLines = 0;
  const stays: Physionet2012Stay[] = [];
  const withoutOutcome: string[] = [];
  // Read a few files at a time: one await per file made reading a set's 4,000 files I/O-latency bound.
  const READ_AHEAD = 64;
  for (let start = 0; start < files.length; start += READ_AHEAD) {
    const batch = files.slice(start, start + READ_AHEAD);
    const contents = await Promise.all(batch.map((file) => readFile(join(root, dir, file))));
    batch.forEach((file, k) => {
      const path = join(root, dir, file);
      check(`${dir}/${file}`, contents[k]);
      const record = parseRecordFile(contents[k].toString('utf8'), path);
      if (`${record.recordId}.txt` !== file) {
        throw new Physionet2012RecordIdError(`${path}: its RecordID line says ${record.recordId}, its name ${file}`);
      }
      blankParameterLines += record.blankParameterLines;
      const { observations, errors } = validateObservations(ICU_MORTALITY_OBSERVATIONS, record.observations);
      // Field names are `observations[i] (code)`: count the refusals per code.
      for (const e of errors) {
        const code = /\((.*)\)$/.exec(e.name)?.[1] ?? e.name;
        screenedOut[code] = (screenedOut[code] ?? 0) + 1;
      }
      const outcome = outcomes.get(record.recordId);
      if (!outcome) {
        withoutOutcome.push(record.recordId);
        return;
      }
      outcomes.delete(record.recordId);
      stays.push({
        recordId: record.recordId,
        set,
        observations,
        descriptors: record.descriptors,
        interleavedDescriptors: record.interleavedDescriptors,
        outcome,
      });
    });
  }
  if (withoutOutcome.length > 0 || outcomes.size > 0) {
    const list = (ids: string[]) => `${ids.length} (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`;
    throw new Physionet2012SetMismatchError(
      `set-${set}: records without an outcome row: ${list(withoutOutcome)}; outcome rows without a record: ${list([...outcomes.keys()])}`,
    );
  }
  stays.sort((x, y) => Number(x.recordId) - Number(y.recordId));
  return { set, stays, screenedOut, blankParameterLines, verifiedFiles };
}
