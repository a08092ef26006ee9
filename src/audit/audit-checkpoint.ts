/**
 * Signed checkpoints of the audit chain, after Certificate Transparency's signed tree heads (RFC 6962):
 * the server signs the head `{sequence, hash, time}` with an Ed25519 key kept outside the database,
 * and outside systems keep the checkpoints. The chain alone shows a record changed in place; a kept
 * checkpoint also shows the chain cut short after it, or rewritten consistently from the start.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, GENESIS_HASH, type ChainHead, type ChainReport } from './audit-chain';

/** What is signed names its purpose and format, so a signature over anything else never passes as one. */
const SIGNED_PREFIX = 'clinical-risk-console audit checkpoint v1\n';

const HEX64 = /^[0-9a-f]{64}$/;

/** A checkpoint as the API hands it out and `audit:verify --checkpoint` reads it back. */
export const auditCheckpointSchema = z.object({
  /** Records in the chain when it was signed (0 for an empty chain). */
  sequence: z.number().int().nonnegative(),
  /** The hash of record `sequence` (GENESIS_HASH for an empty chain). */
  hash: z.string().regex(HEX64, 'must be 64 lowercase hex digits'),
  /** When it was signed, ISO-8601 UTC. */
  time: z.iso.datetime(),
  /** Which key signed it: SHA-256 (hex) of the public key's DER (SPKI) encoding. */
  keyId: z.string().regex(HEX64, 'must be 64 lowercase hex digits'),
  /** Ed25519 signature (base64) of the prefix and the canonical JSON of {hash, sequence, time}. */
  signature: z.base64(),
});

export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;

function signedBytes(head: ChainHead, time: string): Buffer {
  return Buffer.from(`${SIGNED_PREFIX}${canonicalJson({ hash: head.hash, sequence: head.sequence, time })}`, 'utf8');
}

/** The key id of a public key (or of the public half of a private one). */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Signs `head` as of `time` with an Ed25519 private key. */
export function signCheckpoint(head: ChainHead, time: Date, privateKey: KeyObject): AuditCheckpoint {
  const at = time.toISOString();
  return {
    sequence: head.sequence,
    hash: head.hash,
    time: at,
    keyId: keyIdOf(privateKey),
    signature: sign(null, signedBytes(head, at), privateKey).toString('base64'),
  };
}

/** Whether `publicKey` signed exactly this checkpoint. */
export function checkpointSignatureHolds(checkpoint: AuditCheckpoint, publicKey: KeyObject): boolean {
  if (checkpoint.keyId !== keyIdOf(publicKey)) return false;
  return verify(null, signedBytes(checkpoint, checkpoint.time), publicKey, Buffer.from(checkpoint.signature, 'base64'));
}

/**
 * How a kept checkpoint disagrees with the chain: `signature`, it was not signed by the trusted key (or
 * was edited); `truncated`, the chain now ends before it; `rewritten`, another hash stands at its sequence.
 */
export type CheckpointFindingKind = 'signature' | 'truncated' | 'rewritten';

export interface CheckpointFinding {
  kind: CheckpointFindingKind;
  checkpoint: AuditCheckpoint;
  reason: string;
}

/**
 * Checks each kept checkpoint against the trusted keys (all the keys the server has signed with: a
 * rotated key's checkpoints still count, each checked with the key its keyId names) and against the
 * chain as walked (`report`, whose `hashesAt` must hold every checkpoint's sequence that the chain
 * reaches). Empty: every one holds.
 */
export function checkCheckpoints(
  checkpoints: readonly AuditCheckpoint[],
  report: ChainReport,
  trustedKeys: readonly KeyObject[],
): CheckpointFinding[] {
  const byId = new Map(trustedKeys.map((key) => [keyIdOf(key), key]));
  const findings: CheckpointFinding[] = [];
  for (const checkpoint of checkpoints) {
    const finding = (kind: CheckpointFindingKind, reason: string) => findings.push({ kind, checkpoint, reason });
    const { sequence, hash, time } = checkpoint;
    const key = byId.get(checkpoint.keyId);
    if (!key || !checkpointSignatureHolds(checkpoint, key)) {
      const which = key
        ? `its signature does not hold under the trusted key ${checkpoint.keyId.slice(0, 16)}… (it was edited)`
        : `it names key ${checkpoint.keyId.slice(0, 16)}…, which is not a trusted key`;
      finding('signature', `the checkpoint of ${time} (sequence ${sequence}) does not verify: ${which}`);
      continue;
    }
    if (sequence > report.head.sequence) {
      finding(
        'truncated',
        `the checkpoint of ${time} vouches for ${sequence} records, but the chain now ends at ${report.head.sequence} (records removed from its end)`,
      );
      continue;
    }
    const stored = sequence === 0 ? GENESIS_HASH : report.hashesAt.get(sequence);
    if (stored === undefined)
      finding(
        'rewritten',
        `the checkpoint of ${time} vouches for sequence ${sequence}, which the chain no longer holds`,
      );
    else if (stored !== hash)
      finding(
        'rewritten',
        `the checkpoint of ${time} says sequence ${sequence} has hash ${hash}, but the chain holds ${stored} (the chain was rewritten)`,
      );
  }
  return findings;
}
