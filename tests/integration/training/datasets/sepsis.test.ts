/** Specification of the challenge CSV reader: format checks, quoted and plain text read alike, plain and gzip files. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SEPSIS_CHALLENGE_COLUMNS } from '@/features/sepsis';
import { ChallengeCsvError, parseChallengeCsv, patientRows, readChallengeCsv } from '@/training/datasets/sepsis';
import { buildSepsisDataset } from '@/training/datasets/sepsis-patient-hours';
import { csv, twoPatients } from '../../../support/challenge-tables';

const HEADER = ['patient_id', ...SEPSIS_CHALLENGE_COLUMNS].join(',');

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
    expect(() => parseChallengeCsv(csv(twoPatients, SEPSIS_CHALLENGE_COLUMNS))).toThrow(
      /missing column\(s\) patient_id;/,
    );
    expect(() => parseChallengeCsv('')).toThrow(/empty file/);
  });

  it('lets Unit1, Unit2 and (unless labels are required) SepsisLabel be left out; other columns in any order, extras ignored', () => {
    const header = [
      'Extra',
      ...[...SEPSIS_CHALLENGE_COLUMNS].reverse().filter((c) => !['Unit1', 'Unit2', 'SepsisLabel'].includes(c)),
      'patient_id',
    ];
    const t = parseChallengeCsv(csv(twoPatients, header));
    expect(t.absentColumns).toEqual(['Unit1', 'Unit2', 'SepsisLabel']);
    expect(t.ignoredColumns).toEqual(['Extra']);
    expect(patientRows(t, 0).map((r) => [r.HR, r.Temp, r.SepsisLabel])).toEqual([
      [80, NaN, NaN],
      [NaN, 38.25, NaN],
    ]);
    expect(() => parseChallengeCsv(csv(twoPatients, header), { requireLabel: true })).toThrow(
      /missing column\(s\) SepsisLabel;/,
    );
    expect(() => buildSepsisDataset(t)).toThrow(ChallengeCsvError);
  });

  it('reads quoted CSV (csv-parse), CRLF, a BOM, blank lines and NaN text exactly like the plain format', () => {
    const plain = parseChallengeCsv(csv(twoPatients));
    const text = csv(twoPatients);
    const variants = [
      text
        .trimEnd()
        .split('\n')
        .map((l) =>
          l
            .split(',')
            .map((f) => `"${f}"`)
            .join(','),
        )
        .join('\n') + '\n',
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
    expect(() => parseChallengeCsv(text.replace(/(\n)(p1[^\n]*)\n(p1[^\n]*)/, '$1$3\n$2'))).toThrow(
      /ICULOS 1 of patient p1 does not follow 2/,
    );
    expect(() => parseChallengeCsv(text + lines[1] + '\n')).toThrow(/line 5: rows of patient p1 are not contiguous/);
    expect(() => parseChallengeCsv(withLine(1, lines[1].replace(/^p1/, '')))).toThrow(/line 2: empty patient_id/);
    expect(() => parseChallengeCsv(csv([['p', [{ HR: 80, SepsisLabel: 0 }]]]))).toThrow(/ICULOS is empty/);
    expect(() => parseChallengeCsv(csv([['p', [{ ICULOS: 1, SepsisLabel: 2 }]]]))).toThrow(
      /SepsisLabel must be 0 or 1, got 2/,
    );
    expect(() => parseChallengeCsv(csv([['p', [{ ICULOS: 1 }]]]), { requireLabel: true })).toThrow(
      /SepsisLabel must be 0 or 1/,
    );
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
