/** The reader of a PhysioNet/CinC 2012 record file (`Time,Parameter,Value`): a stay's observations and descriptors. */
import type { Info } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { CodedError } from '@/errors/coded-error';
import { ICU_MORTALITY_OBSERVATIONS } from '@/features/icu-mortality-observations';
import { normaliseValue, type Observation } from '@/features/timeline';

/** A record file the reader refuses: the message names the file and line. */
export class Physionet2012RecordError extends CodedError {
  readonly code = 'PHYSIONET2012_RECORD';
}

/** The general descriptors but RecordID, as read from 00:00 lines by name; NaN when `-1` or absent. */
export interface Physionet2012Descriptors {
  Age: number;
  Gender: number;
  Height: number;
  ICUType: number;
  Weight: number;
}

export interface Physionet2012Record {
  recordId: string;
  /** Every line but RecordID, in file order: `-1` left out (missing), unit rules applied, time in minutes. */
  observations: Observation[];
  descriptors: Physionet2012Descriptors;
  /** The six descriptor lines are not the file's first six lines (PROVENANCE: 189 of set-a+b's 8,000 records). */
  interleavedDescriptors: boolean;
  /** Lines with an empty Parameter (PROVENANCE: 2,403 in set-c, none in a or b), dropped. */
  blankParameterLines: number;
}

const HEADER = ['Time', 'Parameter', 'Value'];
const DESCRIPTOR_NAMES = ['RecordID', 'Age', 'Gender', 'Height', 'ICUType', 'Weight'] as const;
const SPECS = new Map(ICU_MORTALITY_OBSERVATIONS.map((s) => [s.name, s]));
const TIME = /^(\d{1,3}):([0-5]\d)$/;

/** `hh:mm` since admission → minutes, or undefined when the text is not that. */
export function minutesOf(text: string): number | undefined {
  const m = TIME.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** The file's records as fields, with the line each starts on (for messages). */
interface Rows {
  fields: string[][];
  lines: number[];
}

/**
 * The challenge's files hold no quotes, and csv-parse took 2 s for set-a's 1.76 M lines against under 0.5 s for
 * splitting, so text without a double quote (hence no quoted field, and no separator or newline inside a field) is
 * split on newlines and commas; text with quotes (a spreadsheet's export) goes through csv-parse.
 */
function rowsOf(text: string, source: string): Rows {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: Rows = { fields: [], lines: [] };
  if (body.includes('"')) {
    try {
      // With `info: true` csv-parse yields `{ record, info }` per record; its types do not model that option.
      const records = parse(body, {
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
        info: true,
      }) as unknown as Array<{ record: string[]; info: Info }>;
      for (const { record, info } of records) {
        rows.fields.push(record);
        rows.lines.push(info.lines);
      }
      return rows;
    } catch (err) {
      throw new Physionet2012RecordError(`${source}: CSV syntax: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let line = 0;
  for (let start = 0; start < body.length;) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    line++;
    const content = body.slice(start, end).trim();
    start = end + 1;
    if (content === '') continue;
    const fields = content.split(',');
    for (let k = 0; k < fields.length; k++) fields[k] = fields[k].trim();
    rows.fields.push(fields);
    rows.lines.push(line);
  }
  return rows;
}

/** Parses a record file's text. `source` (the file's path) is named in errors. */
export function parseRecordFile(text: string, source: string): Physionet2012Record {
  const { fields: rows, lines } = rowsOf(text, source);
  if (rows.length === 0 || rows[0].join(',') !== HEADER.join(',')) {
    throw new Physionet2012RecordError(`${source}: the first line must be ${HEADER.join(',')}`);
  }
  let recordId: string | undefined;
  const descriptors: Physionet2012Descriptors = { Age: NaN, Gender: NaN, Height: NaN, ICUType: NaN, Weight: NaN };
  const seenDescriptor = new Set<string>();
  const observations: Observation[] = [];
  let blankParameterLines = 0;
  // Lines come in runs of one time: parse each time text once.
  let timeText = '';
  let time: number | undefined;
  for (let i = 1; i < rows.length; i++) {
    const line = lines[i];
    const row = rows[i];
    if (row.length !== 3)
      throw new Physionet2012RecordError(`${source} line ${line}: ${row.length} fields, expected 3`);
    const [rowTime, name, valueText] = row;
    if (rowTime !== timeText) {
      timeText = rowTime;
      time = minutesOf(rowTime);
    }
    if (time === undefined) {
      throw new Physionet2012RecordError(`${source} line ${line}: time must be hh:mm, got ${JSON.stringify(timeText)}`);
    }
    if (name === '') {
      blankParameterLines++;
      continue;
    }
    if (name === 'RecordID') {
      if (recordId !== undefined || time !== 0) {
        throw new Physionet2012RecordError(`${source} line ${line}: RecordID must appear once, at 00:00`);
      }
      recordId = valueText;
      continue;
    }
    const spec = SPECS.get(name);
    if (!spec) throw new Physionet2012RecordError(`${source} line ${line}: unknown parameter ${JSON.stringify(name)}`);
    const raw = valueText === '' ? NaN : Number(valueText);
    if (!Number.isFinite(raw)) {
      throw new Physionet2012RecordError(
        `${source} line ${line}: ${name} is not a number: ${JSON.stringify(valueText)}`,
      );
    }
    // `-1` is the challenge's "unknown", in the descriptors and in the time series alike: not an observation.
    const value = raw === -1 ? NaN : normaliseValue(spec, raw);
    // Descriptors are read by name wherever they stand among the 00:00 lines. The first Weight at 00:00 is the
    // admission weight: in the one record with two (set-b 149509), the second is the series' first measurement.
    if (time === 0 && name in descriptors && !seenDescriptor.has(name)) {
      seenDescriptor.add(name);
      descriptors[name as keyof Physionet2012Descriptors] = value;
    }
    if (!Number.isNaN(value)) observations.push({ name, time, value });
  }
  if (recordId === undefined) throw new Physionet2012RecordError(`${source}: no RecordID line at 00:00`);
  const firstSix = new Set(rows.slice(1, 7).map((r) => r[1]));
  return {
    recordId,
    observations,
    descriptors,
    interleavedDescriptors: !DESCRIPTOR_NAMES.every((d) => firstSix.has(d)),
    blankParameterLines,
  };
}
