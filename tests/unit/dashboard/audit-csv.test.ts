/** The CSV export's row: a course is a JSON cell of its own, last, and empty for a row of features. */
import { AUDIT_CSV_COLUMNS, auditCsvRow } from '@/dashboard/audit-csv';
import type { AuditRecord } from '@/audit/audit-record';
import { numberedRecord } from '../../support/audit-records';

const stored = (extra: Partial<AuditRecord> = {}): AuditRecord => ({
  ...numberedRecord(1, 'csv'),
  id: '3f2b8c1e-0000-4000-8000-000000000001',
  createdAt: new Date('2026-03-01T08:00:00Z'),
  ...extra,
});

it('adds course_json after every older column, empty without a course', () => {
  expect(AUDIT_CSV_COLUMNS.at(-1)).toBe('course_json');
  expect(AUDIT_CSV_COLUMNS.indexOf('latency_ms')).toBe(AUDIT_CSV_COLUMNS.length - 2);
  expect(auditCsvRow(stored()).course_json).toBe('');
  const course = { admittedAt: '2026-03-01T08:00:00.000Z', moment: 2880, observations: [] };
  expect(JSON.parse(String(auditCsvRow(stored({ inputs: [], course })).course_json))).toEqual(course);
});
