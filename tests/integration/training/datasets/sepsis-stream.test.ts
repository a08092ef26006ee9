/** Specification of the streaming challenge reader: the whole-file reader's patients and refusals, one patient at a time. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChallengeCsvError, parseChallengeCsv, patientRows } from '@/training/datasets/sepsis';
import { streamChallengePatients, type ChallengePatient } from '@/training/datasets/sepsis-stream';
import { csv, twoPatients, type Hour } from '../../../support/challenge-tables';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sepsis-stream-'));
});
afterAll(() => rm(dir, { recursive: true }));

let files = 0;
async function streamed(content: string | Buffer, options = {}): Promise<ChallengePatient[]> {
  const path = join(dir, `f${files++}`);
  await writeFile(path, content);
  const patients: ChallengePatient[] = [];
  for await (const patient of streamChallengePatients(path, options)) patients.push(patient);
  return patients;
}

/** What the whole-file reader makes of the same text, in the streaming reader's shape. */
function wholeFile(text: string): ChallengePatient[] {
  const table = parseChallengeCsv(text);
  return table.patientIds.map((id, p) => ({ id, rows: patientRows(table, p), firstRow: table.patientOffsets[p] }));
}

describe('streamChallengePatients', () => {
  it('yields the patients, rows and values of the whole-file reader, from plain, gzip, quoted, CRLF, BOM and blank-line text', async () => {
    const text = csv(twoPatients);
    const expected = wholeFile(text);
    expect(expected.map((p) => [p.id, p.rows.length, p.firstRow])).toEqual([
      ['p1', 2, 0],
      ['p2', 1, 2],
    ]);
    const quoted =
      text
        .trimEnd()
        .split('\n')
        .map((l) =>
          l
            .split(',')
            .map((f) => `"${f}"`)
            .join(','),
        )
        .join('\n') + '\n';
    for (const variant of [text, gzipSync(text), quoted, text.replace(/\n/g, '\r\n'), '\uFEFF' + text]) {
      expect(await streamed(variant)).toEqual(expected);
    }
    // Blank lines are skipped; firstRow counts data rows, not lines.
    expect(await streamed(text.replace('\n', '\n\n  \n'))).toEqual(expected);
  });

  it('holds a stay longer than its starting buffer whole', async () => {
    const hours: Hour[] = Array.from({ length: 300 }, (_, h) => ({ ICULOS: h + 1, HR: 60 + (h % 50) }));
    const text = csv([
      ['long', hours],
      ['short', [{ ICULOS: 1 }]],
    ]);
    expect(await streamed(text)).toEqual(wholeFile(text));
  });

  it('refuses what the whole-file reader refuses, naming the file line', async () => {
    const text = csv(twoPatients);
    const lines = text.split('\n');
    const refusal = (content: string) => streamed(content).then(() => undefined);
    await expect(refusal(text + lines[1] + '\n')).rejects.toThrow(/line 5: rows of patient p1 are not contiguous/);
    await expect(refusal(text.replace(/(\n)(p1[^\n]*)\n(p1[^\n]*)/, '$1$3\n$2'))).rejects.toThrow(
      /line 3: ICULOS 1 of patient p1 does not follow 2; rows must be in hour order/,
    );
    await expect(refusal(text.replace(',80,', ',eighty,'))).rejects.toThrow(/line 2: HR is not a number: "eighty"/);
    await expect(refusal(text.replace('\n', '\n\n'))).resolves.toBeUndefined();
    await expect(refusal(text.replace(/\n$/, '') + '\n' + lines[3] + '\n')).rejects.toThrow(
      /line 5: ICULOS 3 of patient p2 does not follow 3/,
    );
    await expect(refusal('')).rejects.toThrow(/empty file/);
    await expect(refusal('patient_id,"HR\n')).rejects.toThrow(ChallengeCsvError);
    await expect(refusal('patient_id,"HR\n')).rejects.toThrow(/CSV syntax/);
  });

  it('ends with the error of a file it cannot read or unzip, rather than waiting', async () => {
    const gz = gzipSync(csv(twoPatients));
    await expect(streamed(gz.subarray(0, gz.length - 20))).rejects.toThrow(/unexpected end of file/);
    const missing = streamChallengePatients(join(dir, 'absent.csv'));
    await expect(missing.next()).rejects.toThrow(/ENOENT/);
  });
});
