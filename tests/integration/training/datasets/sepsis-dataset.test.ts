/**
 * Specification of the sepsis dataset on set A: its PROVENANCE, the build against the reference path, and rows the
 * service would accept.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fitsKind } from '@/features/feature-set';
import { plausibleRange, SEPSIS_CHALLENGE_COLUMNS, sepsisFeatureSet } from '@/features/sepsis';
import { readChallengeCsv, type ChallengeTable } from '@/training/datasets/sepsis';
import type { SepsisDataset } from '@/training/datasets/sepsis-patient-hours';
import {
  KNOWN_SEPSIS_FILES,
  provenanceMismatches,
  SepsisDataIntegrityError,
} from '@/training/datasets/sepsis-provenance';
import { loadSepsisDataset } from '@/training/datasets/sepsis-dataset';
import { mismatches } from '../../../support/challenge-tables';

// jest runs this file in a vm context where each read of a global (`Number`) costs ~0.5 µs:
// the loops over set A's 34M values use this copy.
const isNaNumber = Number.isNaN;

const SET_A = join(__dirname, '../../../../data/physionet2019/setA.csv.gz');
const withData = existsSync(SET_A) ? describe : describe.skip;

withData('set A (data/physionet2019/setA.csv.gz)', () => {
  let data: SepsisDataset;
  let table: ChallengeTable;
  let seconds: number;

  beforeAll(async () => {
    const started = performance.now();
    data = await loadSepsisDataset(join(__dirname, '../../../../data'));
    seconds = (performance.now() - started) / 1000;
    table = (await readChallengeCsv(SET_A, { requireLabel: true })).table;
  });

  it('matches PROVENANCE.md: sha256, 790,215 rows, 20,336 patients, 17,136 positive rows, 1,790 septic patients', () => {
    expect(data.source?.sha256).toBe('5a42c15f166f2ccaf084dfa9e0c3123b88674648fa15030db3413d518d24367d');
    expect(data.source?.bytes).toBe(11_932_852);
    expect(data.stats).toMatchObject({ rows: 790_215, patients: 20_336, positiveRows: 17_136, septicPatients: 1_790 });
    expect(data.stats.septicFromFirstHour).toBe(203);
    expect(provenanceMismatches(data, KNOWN_SEPSIS_FILES['setA.csv.gz'])).toEqual([]);
    console.log(
      `set A loaded in ${seconds.toFixed(1)} s; implausible values blanked: ${JSON.stringify(data.stats.blanked)}`,
    );
  });

  it('refuses a file that does not match its documented facts', async () => {
    const facts = { ...KNOWN_SEPSIS_FILES['setA.csv.gz'], septicPatients: 1_791 };
    expect(provenanceMismatches(data, facts)).toEqual(['septicPatients: expected 1791, got 1790']);
    await expect(loadSepsisDataset('/nonexistent', { verify: true })).rejects.toThrow(/ENOENT/);
    expect(new SepsisDataIntegrityError('x').code).toBe('SEPSIS_DATA_INTEGRITY');
  });

  it('has one group per patient, contiguous and in order, ICULOS increasing within each, labels never falling back to 0', () => {
    expect(data.patientIds[0]).toBe('p000001');
    expect(data.patientIds[data.patientIds.length - 1]).toBe('p020643');
    let bad = 0;
    for (let r = 1; r < data.y.length; r++) {
      const same = data.groups[r] === data.groups[r - 1];
      if (!same && data.groups[r] !== data.groups[r - 1] + 1) bad++;
      if (same && (data.iculos[r] <= data.iculos[r - 1] || data.y[r] < data.y[r - 1])) bad++;
    }
    expect(bad).toBe(0);
    expect(data.groups[data.groups.length - 1]).toBe(20_335);
    expect(data.sepsisLabel).toEqual(data.y);
  });

  it('equals carryForward + vectorize on every 10th patient', () => {
    let bad = 0;
    for (let p = 0; p < table.patientIds.length; p += 10) bad += mismatches(data, table, p, 'missing');
    expect(bad).toBe(0);
  });

  it('has every row within the input ranges: each is a request the service would accept', () => {
    const f = data.featureNames.length;
    const outside = new Map<string, number>();
    sepsisFeatureSet.inputs.forEach((s, j) => {
      // x is float32: compare against the float32 bounds the model will see.
      const [min, max] = [Math.fround(s.min), Math.fround(s.max)];
      for (let r = 0; r < data.y.length; r++) {
        const v = data.x[r * f + j];
        if (v < min || v > max) outside.set(s.name, (outside.get(s.name) ?? 0) + 1);
      }
    });
    expect(Object.fromEntries(outside)).toEqual({});
    const required = sepsisFeatureSet.inputs.flatMap((s, j) => (s.required ? [j] : []));
    let missingRequired = 0;
    for (let r = 0; r < data.y.length; r++)
      for (const j of required) if (isNaNumber(data.x[r * f + j])) missingRequired++;
    expect(missingRequired).toBe(0);
  });

  it('has only the codes of gender (0 female, 1 male: both used) and whole hours in iculos: the kinds the specs declare', () => {
    expect(sepsisFeatureSet.inputs.filter((s) => s.kind !== 'continuous').map((s) => [s.name, s.kind])).toEqual([
      ['gender', 'binary'],
      ['iculos', 'integer'],
    ]);
    const f = data.featureNames.length;
    const offenders: Record<string, number> = {};
    const genders = new Set<number>();
    sepsisFeatureSet.inputs.forEach((s, j) => {
      for (let r = 0; r < data.y.length; r++) {
        const v = data.x[r * f + j];
        if (!isNaNumber(v) && !fitsKind(s, v)) offenders[s.name] = (offenders[s.name] ?? 0) + 1;
        if (s.name === 'gender') genders.add(v);
      }
    });
    expect(offenders).toEqual({});
    expect([...genders].sort()).toEqual([0, 1]);
  });

  it('has ranges covering ≥ 99.9 % of the recorded values of every column but FiO2 (≥ 99.7 %, documented)', () => {
    const coverage: Record<string, number> = {};
    SEPSIS_CHALLENGE_COLUMNS.forEach((c, j) => {
      const range = plausibleRange(c);
      if (!range) return;
      let recorded = 0;
      let inside = 0;
      for (let r = 0; r < table.rowCount; r++) {
        const v = table.values[r * SEPSIS_CHALLENGE_COLUMNS.length + j];
        if (isNaNumber(v)) continue;
        recorded++;
        if (v >= range.min && v <= range.max) inside++;
      }
      if (recorded > 0) coverage[c] = inside / recorded;
    });
    // The 37 screened columns (every input but ICULOS) less EtCO2, never recorded in set A.
    expect(Object.keys(coverage)).toHaveLength(36);
    const { FiO2, ...others } = coverage;
    expect(FiO2).toBeGreaterThanOrEqual(0.997);
    for (const [c, share] of Object.entries(others)) expect([c, share >= 0.999]).toEqual([c, true]);
    expect(data.stats.blankedTotal).toBe(389);
  });
});
