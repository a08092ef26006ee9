import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetFormatError, readCsvTable, sha256 } from '@/training/datasets/csv-table';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'csv-table-')), 't.csv');
  writeFileSync(path, text);
  return path;
}

describe('readCsvTable', () => {
  const spec = { columns: { glucose: 'Glucose', age: 'Age' }, label: 'Outcome', zeroMeansMissing: ['Glucose'] };

  it('reads CRLF files without a final newline, maps columns and reads 0 as missing where told', () => {
    const text = 'Age,Glucose,Outcome\r\n30,0,1\r\n0,120,0';
    const table = readCsvTable(file(text), spec);
    expect(table.data.featureNames).toEqual(['glucose', 'age']);
    expect(Array.from(table.data.x)).toEqual([NaN, 30, 120, 0]); // Age 0 stays a value
    expect(Array.from(table.data.y)).toEqual([1, 0]);
    expect(table.rows).toBe(2);
    expect(table.positives).toBe(1);
    expect(table.sha256).toBe(sha256(Buffer.from(text)));
  });

  it('names a missing column and a bad cell', () => {
    expect(() => readCsvTable(file('Age,Outcome\n1,0\n'), spec)).toThrow(/missing column\(s\) Glucose/);
    expect(() => readCsvTable(file('Age,Glucose,Outcome\n1,x,0\n'), spec)).toThrow(DatasetFormatError);
    expect(() => readCsvTable(file('Age,Glucose,Outcome\n1,2,3\n'), spec)).toThrow(/Outcome must be 0 or 1/);
  });
});
