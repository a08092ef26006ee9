/** Reads a small numeric CSV table (header row) into a Dataset, checking the header and every cell. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { CodedError } from '@/errors/coded-error';
import type { Dataset } from '../dataset';

/** A table whose header or cells do not match its spec; the message names the file, row and column. */
export class DatasetFormatError extends CodedError {
  readonly code = 'DATASET_FORMAT';
}

export interface CsvTableSpec {
  /** Feature name → source column. */
  columns: Record<string, string>;
  label: string;
  /** Source columns in which 0 means "not measured". */
  zeroMeansMissing?: string[];
}

export interface LoadedTable {
  data: Dataset;
  sha256: string;
  rows: number;
  positives: number;
}

export function sha256(bytes: Buffer | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readCsvTable(path: string, spec: CsvTableSpec): LoadedTable {
  const bytes = readFileSync(path);
  const records: string[][] = parse(bytes, { skip_empty_lines: true, trim: true });
  const [header, ...body] = records;
  const index = new Map(header.map((name, i) => [name, i]));
  const featureNames = Object.keys(spec.columns);
  const wanted = [...Object.values(spec.columns), spec.label];
  const absent = wanted.filter((c) => !index.has(c));
  if (absent.length > 0)
    throw new DatasetFormatError(`${path}: missing column(s) ${absent.join(', ')}; found ${header.join(', ')}`);

  const zeroMissing = new Set(spec.zeroMeansMissing ?? []);
  const f = featureNames.length;
  const x = new Float32Array(body.length * f);
  const y = new Uint8Array(body.length);
  body.forEach((record, r) => {
    featureNames.forEach((name, j) => {
      const column = spec.columns[name];
      const value = parseCell(record[index.get(column)!], path, r, column);
      x[r * f + j] = zeroMissing.has(column) && value === 0 ? NaN : value;
    });
    const label = parseCell(record[index.get(spec.label)!], path, r, spec.label);
    if (label !== 0 && label !== 1)
      throw new DatasetFormatError(`${path} row ${r + 2}: ${spec.label} must be 0 or 1, got ${label}`);
    y[r] = label;
  });
  const positives = y.reduce((a, b) => a + b, 0);
  return { data: { featureNames, x, y }, sha256: sha256(bytes), rows: body.length, positives };
}

function parseCell(text: string | undefined, path: string, row: number, column: string): number {
  const value = text === undefined || text === '' ? NaN : Number(text);
  if (!Number.isFinite(value))
    throw new DatasetFormatError(`${path} row ${row + 2}: ${column} is not a number (${JSON.stringify(text)})`);
  return value;
}
