/**
 * An AuditLog kept in memory with a working `list` (filters, newest-first keyset pages, cursor and page-size errors),
 * for testing its readers without a database.
 */
import { randomUUID } from 'node:crypto';
import {
  InvalidCursorError,
  InvalidPageRequestError,
  MAX_PAGE_SIZE,
  type AuditFilter,
  type AuditPage,
  type RecordScope,
} from '@/audit/audit-pages';
import { type AuditLog } from '@/audit/audit-log';
import { type AuditRecord, type NewAuditRecord } from '@/audit/audit-record';

// The Prisma log's cursor format, so that a reader cannot tell the two apart.
function encode(record: AuditRecord): string {
  return Buffer.from(`${record.createdAt.toISOString()}|${record.id}`, 'utf8').toString('base64url');
}

function newestFirst(a: AuditRecord, b: AuditRecord): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export class PagedMemoryAuditLog implements AuditLog {
  readonly records: AuditRecord[] = [];

  /** `now` stamps createdAt; a test passes a ticking clock to make the order deterministic. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  async append(records: NewAuditRecord[]): Promise<AuditRecord[]> {
    const stored = records.map((r) => ({ ...r, id: randomUUID(), createdAt: this.now() }));
    this.records.push(...stored);
    return stored;
  }

  async get(id: string, scope: RecordScope = {}): Promise<AuditRecord | null> {
    return (
      this.records.find((r) => r.id === id && (scope.requester === undefined || r.requester === scope.requester)) ??
      null
    );
  }

  async list(filter: AuditFilter, first: number, after?: string | null): Promise<AuditPage> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new InvalidPageRequestError(`first: must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${first}`);
    }
    const matching = this.matching(filter);
    let start = 0;
    if (after) {
      const cursor = this.records.find((r) => encode(r) === after);
      if (!cursor) throw new InvalidCursorError(after);
      // Keyset: continue with the first record after the cursor's position in the order.
      start = matching.filter((r) => newestFirst(r, cursor) <= 0).length;
    }
    const records = matching.slice(start, start + first);
    const last = records.at(-1);
    return {
      records,
      hasNextPage: start + first < matching.length,
      endCursor: last ? encode(last) : null,
      totalCount: matching.length,
    };
  }

  async count(filter: AuditFilter): Promise<number> {
    return this.matching(filter).length;
  }

  async *stream(filter: AuditFilter): AsyncIterable<AuditRecord> {
    yield* this.matching(filter);
  }

  private matching(filter: AuditFilter): AuditRecord[] {
    return this.records
      .filter(
        (r) =>
          (filter.requester === undefined || r.requester === filter.requester) &&
          (filter.modelId === undefined || r.modelId === filter.modelId) &&
          (filter.patientRef === undefined || r.patientRef === filter.patientRef) &&
          (filter.riskBand === undefined || r.riskBand === filter.riskBand) &&
          (filter.from === undefined || r.createdAt >= filter.from) &&
          (filter.to === undefined || r.createdAt < filter.to),
      )
      .sort(newestFirst);
  }
}
