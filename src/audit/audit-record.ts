/** An audit record: what the prediction service records of one answer, checked on the way in and out. */
import { z } from 'zod';
import { CodedError } from '@/errors/coded-error';
import { textProblem } from '@/errors/input-text';
import type { Prediction } from '@/db/generated/client';
import { riskBandSchema } from './risk-band';

/**
 * A record handed to `append` does not describe a prediction (a bug in the caller), or a stored one cannot be read
 * back.
 */
export class InvalidAuditRecordError extends CodedError {
  readonly code = 'INVALID_AUDIT_RECORD';
  constructor(message: string) {
    super(message);
  }
}

const featureValueSchema = z.object({ name: z.string().min(1), value: z.number().nullable() });

/**
 * The course a timeline model was asked about, as sent: each observation's code, instant (ISO-8601, UTC) and value
 * (before any unit rule), the admission instant (sent, or the earliest observation's) and the moment scored.
 */
export const auditCourseSchema = z.object({
  admittedAt: z.string().min(1),
  /** Minutes from admission: the end of the model's window, or the latest observation for a model without one. */
  moment: z.number().nonnegative(),
  observations: z.array(z.object({ name: z.string().min(1), time: z.string().min(1), value: z.number() })),
});
export type AuditCourse = z.infer<typeof auditCourseSchema>;

/**
 * What the prediction service records. Json columns cannot be checked by Postgres, so records are
 * checked here on the way in (and the stored Json on the way out).
 */
export const newAuditRecordSchema = z.object({
  modelId: z.string().min(1),
  modelVersion: z.string().min(1),
  onnxSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex sha256 of the ONNX file'),
  /** The request's features as received; null for "missing". Empty when the request sent a course. */
  inputs: z.array(featureValueSchema),
  /**
   * The course as received, for a request that sent observations to a timeline model; null (absent on older records)
   * otherwise. The chain hashes it only when present, so records without one keep their hashes.
   */
  course: auditCourseSchema.nullable().optional(),
  /** The model input in the card's order; null where the value was missing (JSON has no NaN). */
  vector: z.array(z.number().nullable()),
  probability: z.number().min(0).max(1),
  positive: z.boolean(),
  riskBand: riskBandSchema,
  /** Log-odds. */
  baseValue: z.number(),
  /** Log-odds contribution of each model input. */
  contributions: z.array(featureValueSchema.extend({ contribution: z.number() })),
  patientRef: z.string().nullable(),
  requestId: z.string().min(1),
  latencyMs: z.number().nonnegative(),
  /**
   * The id of the API key that asked (directly or through a dashboard session); null only on records older than access
   * control.
   */
  requester: z.string().min(1).nullable(),
});

export type NewAuditRecord = z.infer<typeof newAuditRecordSchema>;
export interface AuditRecord extends NewAuditRecord {
  id: string;
  createdAt: Date;
}

/** A record as Postgres will hand it to the chain: checked and given its id. */
export type CheckedRecord = NewAuditRecord & { id: string };

export function toAuditRecord(row: Prediction): AuditRecord {
  const parsed = newAuditRecordSchema.safeParse(row);
  if (!parsed.success)
    throw new InvalidAuditRecordError(`stored audit record ${row.id} cannot be read: ${z.prettifyError(parsed.error)}`);
  // A record without a course reads back as it was appended: without the field (the column holds NULL).
  const { course, ...record } = parsed.data;
  return { ...record, ...(course ? { course } : {}), id: row.id, createdAt: row.createdAt };
}

/**
 * The first text in `value` the database would not hand back as it was given ("path: problem"): a lone
 * surrogate is stored as U+FFFD and NUL is refused, so the hash over the original would never verify
 * again. Callers validate their input first; this is the last guard before the chain.
 */
export function unstorableText(value: unknown, path: string): string | undefined {
  const found = firstUnstorable(value);
  return found && `${[path, ...found.path].filter(Boolean).join('.')}: ${found.problem}`;
}

// The path is assembled only on the way back from a find: the walk covers every value of every record appended.
function firstUnstorable(value: unknown): { path: string[]; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem === undefined ? undefined : { path: [], problem };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key of Object.keys(value)) {
    const found = firstUnstorable((value as Record<string, unknown>)[key]);
    if (found) {
      found.path.unshift(key);
      return found;
    }
  }
  return undefined;
}
