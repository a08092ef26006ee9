/**
 * An AuditLog kept in memory, for testing the prediction service without a database; append is all or nothing like the
 * real one.
 */
import { randomUUID } from 'node:crypto';
import type { RecordScope } from '@/audit/audit-pages';
import type { AuditLog } from '@/audit/audit-log';
import type { AuditRecord, NewAuditRecord } from '@/audit/audit-record';

export class MemoryAuditLog implements AuditLog {
  readonly records: AuditRecord[] = [];

  async append(records: NewAuditRecord[]): Promise<AuditRecord[]> {
    const stored = records.map((r) => ({ ...r, id: randomUUID(), createdAt: new Date() }));
    this.records.push(...stored);
    return stored;
  }

  async get(id: string, scope: RecordScope = {}): Promise<AuditRecord | null> {
    return (
      this.records.find((r) => r.id === id && (scope.requester === undefined || r.requester === scope.requester)) ??
      null
    );
  }

  async list(): Promise<never> {
    throw new Error('not used by these tests');
  }

  async count(): Promise<never> {
    throw new Error('not used by these tests');
  }

  stream(): AsyncIterable<AuditRecord> {
    throw new Error('not used by these tests');
  }
}
