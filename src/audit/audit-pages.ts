/** Reading the audit log a page at a time: filters, keyset cursors and the checks on page requests. */
import { CodedError } from '@/errors/coded-error';
import { textProblem } from '@/errors/input-text';
import type { Prisma } from '@/db/generated/client';
import type { AuditRecord } from './audit-record';
import type { RiskBand } from './risk-band';

/** `after` is not a cursor this log handed out. */
export class InvalidCursorError extends CodedError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly cursor: string) {
    super('after: not a valid cursor; pass the endCursor of a previous page, or nothing for the first page');
  }
}

/** A page size or filter outside what `list` accepts. */
export class InvalidPageRequestError extends CodedError {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string) {
    super(message);
  }
}

export const MAX_PAGE_SIZE = 100;

/** Every given field narrows the list; the time range is half-open: from ≤ createdAt < to. */
export interface AuditFilter {
  /** Only records this key asked for (a clinician sees no others). */
  requester?: string;
  modelId?: string;
  patientRef?: string;
  riskBand?: RiskBand;
  from?: Date;
  to?: Date;
}

/** Which records a reader may see: all, or only those one key asked for (src/access/roles.ts readableRecords). */
export interface RecordScope {
  requester?: string;
}

export interface AuditPage {
  records: AuditRecord[];
  hasNextPage: boolean;
  /** Pass as `after` for the next page; null on an empty page. */
  endCursor: string | null;
  /** Records matching the filter, on all pages. */
  totalCount: number;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Cursor {
  createdAt: Date;
  id: string;
}

// createdAt is stored with millisecond precision (schema.prisma), so a Date round-trips it exactly.
export function encodeCursor(record: Cursor): string {
  return Buffer.from(`${record.createdAt.toISOString()}|${record.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (rest.length > 0 || !id || !UUID.test(id) || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) {
    throw new InvalidCursorError(cursor);
  }
  return { createdAt, id: id.toLowerCase() };
}

/** Records strictly after `cursor` in newest-first order. */
export function olderThan(cursor: Cursor): Prisma.PredictionWhereInput {
  return { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] };
}

/** Longest text a filter may match: no stored patientRef (the longest text filtered on) exceeds 128 characters. */
export const MAX_FILTER_TEXT_LENGTH = 128;

/**
 * Why each text value of `filter` cannot be matched, by field name; empty when all can. Postgres refuses
 * NUL and lone surrogates in a query (a 500, not an answer), so they are refused here like on the way in.
 */
export function filterTextProblems(filter: AuditFilter): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const key of ['requester', 'modelId', 'patientRef'] as const) {
    const text = filter[key];
    if (text === undefined) continue;
    const problem =
      typeof text !== 'string'
        ? 'must be text'
        : text.length > MAX_FILTER_TEXT_LENGTH
          ? `must be at most ${MAX_FILTER_TEXT_LENGTH} characters; got ${text.length}`
          : textProblem(text);
    if (problem) problems[key] = problem;
  }
  return problems;
}

export function filterWhere(filter: AuditFilter): Prisma.PredictionWhereInput {
  const [problem] = Object.entries(filterTextProblems(filter));
  if (problem) throw new InvalidPageRequestError(`${problem[0]}: ${problem[1]}`);
  for (const key of ['from', 'to'] as const) {
    const date = filter[key];
    if (date !== undefined && !(date instanceof Date && !Number.isNaN(date.getTime()))) {
      throw new InvalidPageRequestError(`${key}: must be a valid date-time`);
    }
  }
  return {
    requester: filter.requester,
    modelId: filter.modelId,
    patientRef: filter.patientRef,
    riskBand: filter.riskBand,
    createdAt: filter.from || filter.to ? { gte: filter.from, lt: filter.to } : undefined,
  };
}

/** Newest first, with the id breaking ties: the order of every page and of exports. */
export const NEWEST_FIRST: Prisma.PredictionOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];
