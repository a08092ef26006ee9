/** The PhysioNet/CinC 2019 hourly CSV reader (training and batch scoring): the challenge table of patients' hours. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { CodedError } from '@/errors/coded-error';
import { SEPSIS_CHALLENGE_COLUMNS, type ChallengeColumn, type ChallengeRow } from '@/features/sepsis';

export const PATIENT_ID_COLUMN = 'patient_id';

/** Columns a file may leave out: Unit1/Unit2 are not used by the model; SepsisLabel only where labels are required. */
const OPTIONAL_COLUMNS: ReadonlySet<ChallengeColumn> = new Set<ChallengeColumn>(['Unit1', 'Unit2', 'SepsisLabel']);

/*
 * Module-scope copies for the per-value loops (790k rows × 41 columns): imported bindings compile to
 * getter calls, and under jest, which runs modules in a vm context, every read of a global (`NaN`,
 * `Number`) costs about 0.5 µs. Measured under jest: set A's load went from 42 s to a few seconds.
 */
const NAN = Number.NaN;
const isNaNumber = Number.isNaN;
const isFiniteNumber = Number.isFinite;
const toNumber = Number;
const COLUMNS: readonly ChallengeColumn[] = [...SEPSIS_CHALLENGE_COLUMNS];
const WIDTH = COLUMNS.length;
const ICULOS = SEPSIS_CHALLENGE_COLUMNS.indexOf('ICULOS');
const LABEL = SEPSIS_CHALLENGE_COLUMNS.indexOf('SepsisLabel');

/** A challenge CSV (or table) the reader refuses: the message names the source, line and column. */
export class ChallengeCsvError extends CodedError {
  readonly code = 'CHALLENGE_CSV';
}

/** Hourly rows of many patients, each patient's rows contiguous and in ICULOS order. */
export interface ChallengeTable {
  /** One per patient, in file order. */
  patientIds: string[];
  /** Rows of patient p are [patientOffsets[p], patientOffsets[p + 1]); length patients + 1. */
  patientOffsets: Int32Array;
  /** Row-major `rowCount × SEPSIS_CHALLENGE_COLUMNS.length`, NaN where empty or where the file lacks the column. */
  values: Float64Array;
  rowCount: number;
  /** Optional challenge columns the file did not have (all NaN in `values`). */
  absentColumns: ChallengeColumn[];
  /** Header columns that are neither `patient_id` nor a challenge column; their values were not read. */
  ignoredColumns: string[];
}

export interface ParseOptions {
  /** Training needs SepsisLabel; a file to be scored may leave it out. */
  requireLabel?: boolean;
  /** Named in error messages. */
  source?: string;
}

export function challengeRow(table: ChallengeTable, r: number): ChallengeRow {
  return challengeRowAt(table.values, r * WIDTH);
}

/** Values per row in a buffer the reader fills: one per challenge column. */
export const CHALLENGE_ROW_WIDTH = WIDTH;

/** The row held at `values[base … base + CHALLENGE_ROW_WIDTH)`, by column name. */
export function challengeRowAt(values: Float64Array, base: number): ChallengeRow {
  const row = {} as Record<ChallengeColumn, number>;
  for (let c = 0; c < WIDTH; c++) row[COLUMNS[c]] = values[base + c];
  return row;
}

/** The rows of the table's p-th patient, in hour order: what `carryForward` takes. */
export function patientRows(table: ChallengeTable, p: number): ChallengeRow[] {
  const rows: ChallengeRow[] = [];
  for (let r = table.patientOffsets[p]; r < table.patientOffsets[p + 1]; r++) rows.push(challengeRow(table, r));
  return rows;
}

/**
 * Parses the text of a challenge CSV (`patient_id` + the challenge columns, any order; empty or `NaN` =
 * missing). csv-parse took 6.5 s for set A's 790k × 42 fields here, so text without a double quote, which
 * therefore has no quoted field and no separator or newline inside a field, is split on `\n` and `,`
 * directly (≈ 1 s, identical records); text with quotes (a spreadsheet export) goes through csv-parse.
 */
export function parseChallengeCsv(text: string, options: ParseOptions = {}): ChallengeTable {
  const source = options.source ?? 'CSV';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records = body.includes('"') ? quotedRecords(body, source) : plainRecords(body);
  const first = records.next();
  if (first.done) throw emptyChallengeCsv(source);
  const reader = new ChallengeRecordReader(first.value.fields, { ...options, source }, records.unit);

  // Sized once: `capacity` bounds the number of records, so the buffer never grows.
  const values = new Float64Array(records.capacity * WIDTH).fill(NAN);
  const patientIds: string[] = [];
  const offsets: number[] = [];
  let rowCount = 0;
  for (const { fields, at } of records) {
    if (reader.read(fields, at, values, rowCount * WIDTH)) {
      patientIds.push(reader.patientId);
      offsets.push(rowCount);
    }
    rowCount++;
  }
  const header = reader.header;
  offsets.push(rowCount);
  return {
    patientIds,
    patientOffsets: Int32Array.from(offsets),
    values: values.subarray(0, rowCount * WIDTH),
    rowCount,
    absentColumns: header.absent,
    ignoredColumns: header.ignored,
  };
}

/** The refusal of a file without even a header line. */
export function emptyChallengeCsv(source: string): ChallengeCsvError {
  return new ChallengeCsvError(`${source}: empty file, expected a header line ${expectedHeader()}`);
}

/**
 * Checks and reads the records of a challenge CSV one at a time, in file order: the whole-file parser and the
 * streaming reader of `npm run score` share it, so they accept and refuse the same files with the same messages.
 */
export class ChallengeRecordReader {
  readonly header: Header;
  /** The patient of the record last read. */
  patientId = '';
  private readonly source: string;
  private readonly requireLabel: boolean;
  /** Every patient met so far: a patient's rows must stand together (O(patients), not O(rows)). */
  private readonly seen = new Set<string>();
  private previousHour = NAN;
  private records = 0;

  /**
   * @param headerFields the header record as read
   * @param unit what `at` counts in messages: lines (the plain splitter, the streaming reader) or records (csv-parse)
   */
  constructor(
    headerFields: string[],
    options: ParseOptions,
    private readonly unit: 'line' | 'record',
  ) {
    this.source = options.source ?? 'CSV';
    this.requireLabel = options.requireLabel ?? false;
    this.header = readHeader(headerFields, this.requireLabel, this.source);
  }

  /**
   * Reads one data record into `values[base … base + WIDTH)` (fields the file lacks are left as they are: NaN in a
   * fresh buffer), refusing it with a ChallengeCsvError naming `at`; true when the record starts a new patient.
   */
  read(fields: string[], at: number, values: Float64Array, base: number): boolean {
    const { header, source, unit } = this;
    if (fields.length !== header.fieldCount) {
      throw new ChallengeCsvError(
        `${source} ${unit} ${at}: ${fields.length} fields, the header has ${header.fieldCount}`,
      );
    }
    const id = fields[header.patientField].trim();
    if (id === '') throw new ChallengeCsvError(`${source} ${unit} ${at}: empty ${PATIENT_ID_COLUMN}`);
    const starts = this.records === 0 || id !== this.patientId;
    if (starts) {
      // Carry-forward walks a patient's hours in file order, so a patient split across the file is refused.
      if (this.seen.has(id))
        throw new ChallengeCsvError(`${source} ${unit} ${at}: rows of patient ${id} are not contiguous`);
      this.seen.add(id);
      this.patientId = id;
      this.previousHour = NAN;
    }
    for (let c = 0; c < WIDTH; c++) {
      const field = header.fieldOf[c];
      if (field < 0) continue;
      const value = parseNumber(fields[field]);
      if (value === undefined) {
        throw new ChallengeCsvError(
          `${source} ${unit} ${at}: ${COLUMNS[c]} is not a number: ${JSON.stringify(fields[field])}`,
        );
      }
      values[base + c] = value;
    }
    const hour = values[base + ICULOS];
    if (isNaNumber(hour)) throw new ChallengeCsvError(`${source} ${unit} ${at}: ICULOS is empty (every hour needs it)`);
    if (hour <= this.previousHour) {
      throw new ChallengeCsvError(
        `${source} ${unit} ${at}: ICULOS ${hour} of patient ${id} does not follow ${this.previousHour}; rows must be in hour order`,
      );
    }
    this.previousHour = hour;
    const label = values[base + LABEL];
    if (header.fieldOf[LABEL] >= 0 && !(label === 0 || label === 1 || (isNaNumber(label) && !this.requireLabel))) {
      throw new ChallengeCsvError(
        `${source} ${unit} ${at}: SepsisLabel must be 0 or 1, got ${fields[header.fieldOf[LABEL]]}`,
      );
    }
    this.records++;
    return starts;
  }
}

export interface ChallengeCsvFile {
  path: string;
  /** Of the file's bytes as stored (compressed if it is gzip). */
  sha256: string;
  bytes: number;
  table: ChallengeTable;
}

/** Reads a challenge CSV from disk, plain or gzip (recognised by its magic bytes, whatever the name). */
export async function readChallengeCsv(
  path: string,
  options: Omit<ParseOptions, 'source'> = {},
): Promise<ChallengeCsvFile> {
  const raw = await readFile(path);
  const isGzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  const text = (isGzip ? gunzipSync(raw) : raw).toString('utf8');
  return {
    path,
    sha256: createHash('sha256').update(raw).digest('hex'),
    bytes: raw.length,
    table: parseChallengeCsv(text, { ...options, source: path }),
  };
}

interface RawRecord {
  fields: string[];
  /** Line number (plain text) or record number (csv-parse), for error messages. */
  at: number;
}

/**
 * Records in order, with an upper bound on the number of data records after the header (to size the value buffer once).
 */
interface RecordSource extends IterableIterator<RawRecord> {
  capacity: number;
  /** Names `at` in messages. */
  unit: 'line' | 'record';
}

function plainRecords(text: string): RecordSource {
  let newlines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines++;
  function* walk(): Generator<RawRecord> {
    let line = 0;
    for (let start = 0; start < text.length;) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      line++;
      let content = text.slice(start, end);
      start = end + 1;
      if (content.endsWith('\r')) content = content.slice(0, -1);
      if (content.length === 0 || content.trim().length === 0) continue;
      yield { fields: content.split(','), at: line };
    }
  }
  // Lines after the header, not counting the empty piece after a final newline.
  return Object.assign(walk(), {
    capacity: Math.max(0, newlines - (text.endsWith('\n') ? 1 : 0)),
    unit: 'line' as const,
  });
}

function quotedRecords(text: string, source: string): RecordSource {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true });
  } catch (err) {
    throw new ChallengeCsvError(`${source}: CSV syntax: ${err instanceof Error ? err.message : String(err)}`);
  }
  function* walk(): Generator<RawRecord> {
    for (let i = 0; i < records.length; i++) yield { fields: records[i], at: i + 1 };
  }
  return Object.assign(walk(), { capacity: Math.max(0, records.length - 1), unit: 'record' as const });
}

export interface Header {
  fieldCount: number;
  patientField: number;
  /** For each challenge column, its field index, or −1 when the file lacks it. */
  fieldOf: Int32Array;
  absent: ChallengeColumn[];
  ignored: string[];
}

function readHeader(raw: string[], requireLabel: boolean, source: string): Header {
  const names = raw.map((name) => name.trim());
  const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicates.length > 0)
    throw new ChallengeCsvError(`${source}: duplicate header column(s) ${[...new Set(duplicates)].join(', ')}`);
  const fieldOf = Int32Array.from(SEPSIS_CHALLENGE_COLUMNS, (c) => names.indexOf(c));
  const optional = (c: ChallengeColumn) => OPTIONAL_COLUMNS.has(c) && !(requireLabel && c === 'SepsisLabel');
  const missing = [
    ...(names.includes(PATIENT_ID_COLUMN) ? [] : [PATIENT_ID_COLUMN]),
    ...SEPSIS_CHALLENGE_COLUMNS.filter((c, i) => fieldOf[i] < 0 && !optional(c)),
  ];
  if (missing.length > 0) {
    throw new ChallengeCsvError(
      `${source}: missing column(s) ${missing.join(', ')}; expected header ${expectedHeader()}`,
    );
  }
  const known = new Set<string>([PATIENT_ID_COLUMN, ...SEPSIS_CHALLENGE_COLUMNS]);
  return {
    fieldCount: names.length,
    patientField: names.indexOf(PATIENT_ID_COLUMN),
    fieldOf,
    absent: SEPSIS_CHALLENGE_COLUMNS.filter((_, i) => fieldOf[i] < 0),
    ignored: names.filter((name) => !known.has(name)),
  };
}

function expectedHeader(): string {
  return [PATIENT_ID_COLUMN, ...SEPSIS_CHALLENGE_COLUMNS].join(',');
}

/** The field's number, NaN when empty or `NaN`, undefined when it is not a number. */
function parseNumber(text: string): number | undefined {
  if (text.length === 0) return NAN;
  const value = toNumber(text);
  // Number('') and Number('  ') are 0, so a blank field must be told apart from a real 0.
  if (isFiniteNumber(value)) return value === 0 && text.trim() === '' ? NAN : value;
  const trimmed = text.trim();
  if (trimmed === 'NaN' || trimmed === 'nan') return NAN; // the challenge's own .psv spelling
  return undefined;
}
