/**
 * One audit record as its page shows it: the record (when the viewer may read it), its model's card while the model is
 * served, and the key that asked.
 */
import type { ApiKeyRecord, ApiKeyStore } from '@/access/api-keys';
import { readableRecords, type Principal } from '@/access/roles';
import type { AuditLog } from '@/audit/audit-log';
import type { AuditRecord } from '@/audit/audit-record';
import type { ModelCard } from '@/inference/model-card';
import type { ModelRegistry } from '@/inference/model-registry';

/** What the record page needs of the process's services. */
export interface AuditRecordServices {
  registry: Pick<ModelRegistry, 'load'>;
  audit: Pick<AuditLog, 'get'>;
  keys: Pick<ApiKeyStore, 'get'>;
}

export interface AuditRecordDetail {
  record: AuditRecord;
  /** The card of the model that answered; null once the model is no longer served. */
  card: ModelCard | null;
  /** The key that asked; null when none was recorded (before access control) or it is gone. */
  requesterKey: ApiKeyRecord | null;
}

/** The record with this id, or null when there is none the viewer may read. */
export async function auditRecordDetail(
  services: AuditRecordServices,
  viewer: Principal,
  id: string,
): Promise<AuditRecordDetail | null> {
  const { registry, audit, keys } = services;
  // Another key's record reads as not found for a clinician: its existence is not theirs to know.
  const record = await audit.get(id, readableRecords(viewer));
  if (!record) return null;
  const model = (await registry.load()).get(record.modelId);
  const requesterKey = record.requester ? await keys.get(record.requester) : null;
  return { record, card: model?.card ?? null, requesterKey };
}
