/** Specification of the challenge CSV reader and the sepsis dataset: format checks, the fused build against the reference path, and set A against its PROVENANCE. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { fitsKind, vectorize } from '@/features/feature-set';
import {
  blankImplausible,
  carryForward,
  plausibleRange,
  SEPSIS_CHALLENGE_COLUMNS,
  sepsisFeatureSet,
  type ChallengeColumn,
} from '@/features/sepsis';
import {
  buildSepsisDataset,
  ChallengeCsvError,
  KNOWN_SEPSIS_FILES,
  loadSepsisDataset,
  parseChallengeCsv,
  patientRows,
  provenanceMismatches,
  readChallengeCsv,
  SepsisDataIntegrityError,
  type ChallengeTable,
  type SepsisDataset,
} from '@/training/datasets/sepsis';

const HEADER = ['patient_id', ...SEPSIS_CHALLENGE_COLUMNS].join(',');
// jest runs this file in a vm context where each read of a global (`Object`, `Number`) costs ~0.5 µs:
// the loops over set A's 34M values use these copies.
const same = Object.is;
const isNaNumber = Number.isNaN;
type Hour = Partial<Record<ChallengeColumn, number>>;

/** A CSV in the challenge layout; unspecified columns empty. */
function csv(patients: [string, Hour[]][], header: readonly string[] = ['patient_id', ...SEPSIS_CHALLENGE_COLUMNS]): string {
  const lines = patients.flatMap(([id, hours]) =>
    hours.map((h) =>
      header
        .map((c) => {
          if (c === 'patient_id') return id;
          const v = h[c as ChallengeColumn];
          return v === undefined || Number.isNaN(v) ? '' : String(v);
        })
        .join(','),
    ),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}

const twoPatients: [string, Hour[]][] = [
  ['p1', [
    { ICULOS: 1, HR: 80, Age: 70, Gender: 1, HospAdmTime: -2, SepsisLabel: 0 },
    { ICULOS: 2, Temp: 38.25, Age: 70, Gender: 1, HospAdmTime: -2, SepsisLabel: 1 },
  ]],
  ['p2', [{ ICULOS: 3, FiO2: 0.5, Age: 45, Gender: 0, Unit1: 1, SepsisLabel: 0 }]],
];

/** The reference rows: per patient, blankImplausible (unless kept) → carryForward → vectorize. */
function referenceRow(table: ChallengeTable, p: number, implausible: 'missing' | 'keep'): Float32Array[] {
  const rows = patientRows(table, p).map((r) => (implausible === 'missing' ? blankImplausible(r).row : r));
  return carryForward(rows).map((s) => vectorize(sepsisFeatureSet, s));
}

/** Number of values that differ (NaN equals NaN) between the dataset's rows of patient p and the reference. */
function mismatches(data: SepsisDataset, table: ChallengeTable, p: number, implausible: 'missing' | 'keep'): number {
  const f = data.featureNames.length;
  let bad = 0;
  referenceRow(table, p, implausible).forEach((expected, k) => {
    const r = data.patientOffsets[p] + k;
    for (let j = 0; j < f; j++) if (!same(data.x[r * f + j], expected[j])) bad++;
  });
  return bad;
}

describe('parseChallengeCsv', () => {
  it('reads patients, rows and values; empty fields and absent optional columns are NaN', () => {
    const t = parseChallengeCsv(csv(twoPatients));
    expect(t.patientIds).toEqual(['p1', 'p2']);
    expect(Array.from(t.patientOffsets)).toEqual([0, 2, 3]);
    expect(t.rowCount).toBe(3);
    expect(t.absentColumns).toEqual([]);
    const rows = [...patientRows(t, 0), ...patientRows(t, 1)];
    expect(rows.map((r) => [r.ICULOS, r.HR, r.Temp, r.FiO2, r.Unit1, r.SepsisLabel])).toEqual([
      [1, 80, NaN, NaN, NaN, 0],
      [2, NaN, 38.25, NaN, NaN, 1],
      [3, NaN, NaN, 0.5, 1, 0],
    ]);
  });

  it('names every missing required column, and the expected header, in one error', () => {
    const header = ['patient_id', ...SEPSIS_CHALLENGE_COLUMNS.filter((c) => !['HR', 'Lactate', 'ICULOS'].includes(c))];
    expect(() => parseChallengeCsv(csv(twoPatients, header), { source: 'upload.csv' })).toThrow(
      new ChallengeCsvError(`upload.csv: missing column(s) HR, Lactate, ICULOS; expected header ${HEADER}`),
    );
    expect(() => parseChallengeCsv(csv(twoPatients, SEPSIS_CHALLENGE_COLUMNS))).toThrow(/missing column\(s\) patient_id;/);
    expect(() => parseChallengeCsv('')).toThrow(/empty file/);
  });

  it('lets Unit1, Unit2 and (unless labels are required) SepsisLabel be left out; other columns in any order, extras ignored', () => {
    const header = ['Extra', ...[...SEPSIS_CHALLENGE_COLUMNS].reverse().filter((c) => !['Unit1', 'Unit2', 'SepsisLabel'].includes(c)), 'patient_id'];
    const t = parseChallengeCsv(csv(twoPatients, header));
    expect(t.absentColumns).toEqual(['Unit1', 'Unit2', 'SepsisLabel']);
    expect(t.ignoredColumns).toEqual(['Extra']);
    expect(patientRows(t, 0).map((r) => [r.HR, r.Temp, r.SepsisLabel])).toEqual([[80, NaN, NaN], [NaN, 38.25, NaN]]);
    expect(() => parseChallengeCsv(csv(twoPatients, header), { requireLabel: true })).toThrow(/missing column\(s\) SepsisLabel;/);
    expect(() => buildSepsisDataset(t)).toThrow(ChallengeCsvError);
  });

  it('reads quoted CSV (csv-parse), CRLF, a BOM, blank lines and NaN text exactly like the plain format', () => {
    const plain = parseChallengeCsv(csv(twoPatients));
    const text = csv(twoPatients);
    const variants = [
      text.trimEnd().split('\n').map((l) => l.split(',').map((f) => `"${f}"`).join(',')).join('\n') + '\n',
      text.replace(/\n/g, '\r\n'),
      '\uFEFF' + text,
      text.replace('\n', '\n\n  \n'),
      text.replace(/,(?=,)/g, ',NaN'),
    ];
    for (const variant of variants) expect(parseChallengeCsv(variant)).toEqual(plain);
  });

  it('refuses malformed rows with the line and column', () => {
    const text = csv(twoPatients);
    const lines = text.split('\n');
    const withLine = (i: number, line: string) => [...lines.slice(0, i), line, ...lines.slice(i + 1)].join('\n');
    expect(() => parseChallengeCsv(withLine(1, lines[1].replace(',80,', ',eighty,')), { source: 's' })).toThrow(
      's line 2: HR is not a number: "eighty"',
    );
    expect(() => parseChallengeCsv(withLine(1, lines[1] + ',1'))).toThrow(/line 2: 43 fields, the header has 42/);
    expect(() => parseChallengeCsv(text.replace(/(\n)(p1[^\n]*)\n(p1[^\n]*)/, '$1$3\n$2'))).toThrow(/ICULOS 1 of patient p1 does not follow 2/);
    expect(() => parseChallengeCsv(text + lines[1] + '\n')).toThrow(/line 5: rows of patient p1 are not contiguous/);
    expect(() => parseChallengeCsv(withLine(1, lines[1].replace(/^p1/, '')))).toThrow(/line 2: empty patient_id/);
    expect(() => parseChallengeCsv(csv([['p', [{ HR: 80, SepsisLabel: 0 }]]]))).toThrow(/ICULOS is empty/);
    expect(() => parseChallengeCsv(csv([['p', [{ ICULOS: 1, SepsisLabel: 2 }]]]))).toThrow(/SepsisLabel must be 0 or 1, got 2/);
    expect(() => parseChallengeCsv(csv([['p', [{ ICULOS: 1 }]]]), { requireLabel: true })).toThrow(/SepsisLabel must be 0 or 1/);
  });

  it('reads the same table from .csv and .csv.gz files (gzip by its bytes) and hashes the bytes as stored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sepsis-csv-'));
    try {
      const text = csv(twoPatients);
      await writeFile(join(dir, 'hours.csv'), text);
      await writeFile(join(dir, 'hours.data'), gzipSync(text));
      const plain = await readChallengeCsv(join(dir, 'hours.csv'));
      const gz = await readChallengeCsv(join(dir, 'hours.data'));
      expect(gz.table).toEqual(plain.table);
      expect(plain.table).toEqual(parseChallengeCsv(text));
      expect(plain.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(gz.sha256).not.toBe(plain.sha256);
      expect(plain.bytes).toBe(Buffer.byteLength(text));
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('buildSepsisDataset', () => {
  it('gives groups, offsets, ICULOS, raw labels and counts', () => {
    const data = buildSepsisDataset(parseChallengeCsv(csv(twoPatients), { requireLabel: true }));
    expect(data.featureNames).toHaveLength(43);
    expect(data.x).toHaveLength(3 * 43);
    expect(Array.from(data.groups)).toEqual([0, 0, 1]);
    expect(data.patientIds).toEqual(['p1', 'p2']);
    expect(Array.from(data.iculos)).toEqual([1, 2, 3]);
    expect(Array.from(data.y)).toEqual([0, 1, 0]);
    expect(data.sepsisLabel).toEqual(data.y);
    expect(data.sepsisLabel).not.toBe(data.y);
    expect(data.stats).toEqual({
      rows: 3, patients: 2, positiveRows: 1, septicPatients: 1, septicFromFirstHour: 0, blanked: {}, blankedTotal: 0,
    });
    expect(data.source).toBeNull();
  });

  it('blanks implausible values by default (the last plausible one carries forward) and keeps them on request', () => {
    const text = csv([['p', [
      { ICULOS: 1, FiO2: 0.4, SepsisLabel: 0 },
      { ICULOS: 2, FiO2: 10, Potassium: 27.5, SepsisLabel: 0 },
    ]]]);
    const table = parseChallengeCsv(text, { requireLabel: true });
    const fio2 = (d: SepsisDataset) => [0, 1].map((r) => d.x[r * 43 + d.featureNames.indexOf('fio2')]);
    const screened = buildSepsisDataset(table);
    expect(fio2(screened)).toEqual([0.4, 0.4].map(Math.fround));
    expect(screened.stats.blanked).toEqual({ FiO2: 1, Potassium: 1 });
    expect(screened.stats.blankedTotal).toBe(2);
    const kept = buildSepsisDataset(table, { implausible: 'keep' });
    expect(fio2(kept)).toEqual([Math.fround(0.4), 10]);
    expect(kept.stats.blankedTotal).toBe(0);
  });

  it('equals carryForward + vectorize, value for value, on random tables', () => {
    const value = (c: ChallengeColumn) => {
      const range = plausibleRange(c);
      if (!range) return fc.constantFrom(NaN, 0, 1);
      const span = range.max - range.min;
      // Some values fall outside the range, to exercise the screening.
      return fc.option(fc.double({ min: range.min - span / 4, max: range.max + span / 4, noNaN: true }), { nil: NaN, freq: 2 });
    };
    const measured = SEPSIS_CHALLENGE_COLUMNS.filter((c) => !['ICULOS', 'SepsisLabel'].includes(c));
    const hourArb = fc.record({
      ...Object.fromEntries(measured.map((c) => [c, value(c)])),
      gap: fc.integer({ min: 1, max: 3 }),
      SepsisLabel: fc.constantFrom(0, 1),
    });
    const patientsArb = fc.array(fc.array(hourArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }).map((ps) =>
      ps.map((hours, p): [string, Hour[]] => {
        let t = p; // a later patient may start at an earlier ICULOS than the previous one ended
        return [`p${p}`, hours.map(({ gap, ...h }) => ({ ...h, ICULOS: (t += gap) }) as Hour)];
      }),
    );
    fc.assert(
      fc.property(patientsArb, fc.constantFrom('missing' as const, 'keep' as const), (patients, implausible) => {
        const table = parseChallengeCsv(csv(patients), { requireLabel: true });
        const data = buildSepsisDataset(table, { implausible });
        expect(data.x).toHaveLength(table.rowCount * 43);
        for (let p = 0; p < patients.length; p++) expect(mismatches(data, table, p, implausible)).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

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
    console.log(`set A loaded in ${seconds.toFixed(1)} s; implausible values blanked: ${JSON.stringify(data.stats.blanked)}`);
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
    for (let r = 0; r < data.y.length; r++) for (const j of required) if (isNaNumber(data.x[r * f + j])) missingRequired++;
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
