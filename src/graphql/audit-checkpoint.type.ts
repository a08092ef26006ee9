/**
 * A signed checkpoint of the audit chain as the API hands it out: the same fields, names and values as GET
 * /api/audit/checkpoint.
 */
import 'reflect-metadata';
import { SafeIntResolver } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType('AuditCheckpoint', {
  description:
    "The audit chain's head, signed with the server's Ed25519 key. Keep every one you fetch outside this system (a file, a SIEM, a write-once bucket): `npm run audit:verify -- --checkpoint <file>` later proves that the chain still holds each kept hash at its sequence, so records removed from its end or a chain rewritten from the start are found.",
})
export class AuditCheckpoint {
  @Field(() => SafeIntResolver, { description: 'Records in the chain when it was signed (0 for an empty chain).' })
  sequence!: number;

  @Field(() => String, { description: 'SHA-256 (hex) of record `sequence` in the chain; 64 zeros for an empty chain.' })
  hash!: string;

  @Field(() => String, { description: 'When it was signed: ISO-8601 UTC, exactly as signed.' })
  time!: string;

  @Field(() => String, { description: 'SHA-256 (hex) of the signing public key (DER, SPKI): which key signed it.' })
  keyId!: string;

  @Field(() => String, {
    description:
      'Ed25519 signature (base64) over "clinical-risk-console audit checkpoint v1\\n" and the canonical JSON of {hash, sequence, time}.',
  })
  signature!: string;
}
