/**
 * One audit record as a CSV row: the stored fields as columns, the inputs, contributions (log-odds) and course as JSON
 * cells so every model fits one header.
 */
import { stringify } from 'csv-stringify/sync';
import type { AuditRecord } from '@/audit/audit-record';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'created_at',
  'model_id',
  'model_version',
  'onnx_sha256',
  'patient_ref',
  'probability',
  'positive',
  'risk_band',
  'base_value_log_odds',
  'inputs_json',
  'contributions_log_odds_json',
  'request_id',
  'requester_key_id',
  'latency_ms',
  // Last, so a reader of the older header finds every column where it was; empty for a row of features.
  'course_json',
] as const;

export function auditCsvRow(r: AuditRecord): Record<(typeof AUDIT_CSV_COLUMNS)[number], string | number> {
  return {
    id: r.id,
    created_at: r.createdAt.toISOString(),
    model_id: r.modelId,
    model_version: r.modelVersion,
    onnx_sha256: r.onnxSha256,
    patient_ref: r.patientRef ?? '',
    // Full precision: an export must reproduce what was stored, not what a page displays.
    probability: r.probability,
    positive: r.positive ? 'true' : 'false',
    risk_band: r.riskBand,
    base_value_log_odds: r.baseValue,
    inputs_json: JSON.stringify(r.inputs),
    contributions_log_odds_json: JSON.stringify(r.contributions),
    request_id: r.requestId,
    requester_key_id: r.requester ?? '',
    latency_ms: r.latencyMs,
    course_json: r.course ? JSON.stringify(r.course) : '',
  };
}

/** Rows per chunk written: one web-stream chunk per row costs more than the rows themselves. */
const ROWS_PER_CHUNK = 500;

/**
 * The CSV file of `records`, header first, in chunks of ROWS_PER_CHUNK rows as they are read, so a
 * large export never sits in memory whole; an error from `records` ends the iteration with it, so a
 * download fails instead of ending short. Formulas are escaped: a patientRef such as =HYPERLINK(…)
 * must stay text when the file is opened in a spreadsheet.
 */
export async function* auditCsvChunks(records: AsyncIterable<AuditRecord>): AsyncIterable<Buffer> {
  const options = { columns: [...AUDIT_CSV_COLUMNS], escape_formulas: true };
  let rows: ReturnType<typeof auditCsvRow>[] = [];
  let header = true;
  for await (const record of records) {
    rows.push(auditCsvRow(record));
    if (rows.length === ROWS_PER_CHUNK) {
      yield Buffer.from(stringify(rows, { ...options, header }));
      header = false;
      rows = [];
    }
  }
  if (rows.length > 0 || header) yield Buffer.from(stringify(rows, { ...options, header }));
}
