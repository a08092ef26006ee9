/** Audit records for tests of the chain: each distinct by its index, named by a prefix so a test can find its own. */
import { createHash } from 'node:crypto';
import type { NewAuditRecord } from '@/audit/audit-record';

export function numberedRecord(i: number, prefix: string): NewAuditRecord {
  return {
    modelId: 'heart-failure',
    modelVersion: '1.0.0',
    onnxSha256: createHash('sha256').update('model').digest('hex'),
    inputs: [{ name: 'age', value: 40 + i }],
    vector: [40 + i],
    probability: 0.1 + (i % 80) / 100,
    positive: i % 2 === 0,
    riskBand: 'MODERATE',
    baseValue: -1.2,
    contributions: [{ name: 'age', value: 40 + i, contribution: 0.01 * i }],
    patientRef: `${prefix}-${i}`,
    requestId: `${prefix}-request-${i}`,
    latencyMs: 0.5,
    requester: 'key-under-test',
  };
}
