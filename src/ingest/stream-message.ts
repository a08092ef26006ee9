/** The body of a stream message (JSON) read into the monitor's IngestBatch, or refused naming the offending field. */
import { z } from 'zod';
import { CodedError } from '@/errors/coded-error';
import { type FieldError } from '@/errors/invalid-input';
import { textProblem } from '@/errors/input-text';
import {
  OBSERVATION_STATUSES,
  type AdmitInput,
  type DischargeInput,
  type IngestBatch,
  type ObservationInput,
  type StayObservationsInput,
} from '@/monitoring/monitor-input';

/** A message that is not one the worker can read: it never will be, so it is dead-lettered, not retried. */
export class UnreadableMessageError extends CodedError {
  readonly code = 'UNREADABLE_MESSAGE';
  constructor(readonly fields: FieldError[]) {
    super(`unreadable message: ${fields.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
  }
}

export const MESSAGE_KINDS = ['recordObservations', 'admitStay', 'dischargeStay'] as const;

const text = z.string().superRefine((value, ctx) => {
  if (value.trim() === '') ctx.addIssue({ code: 'custom', message: 'must not be empty' });
  const problem = textProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

// Instants need their zone: a bare local time means different instants on different machines.
const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 date-time with a zone (Z or ±hh:mm)' })
  .transform((value) => new Date(value));

const observation = z.strictObject({
  name: text,
  time: instant,
  value: z.number({ error: 'must be a number (null only for status entered-in-error)' }).nullable(),
  unit: text.nullish(),
  id: text.nullish(),
  supersedes: text.nullish(),
  status: z.enum(OBSERVATION_STATUSES, { error: `must be one of ${OBSERVATION_STATUSES.join(', ')}` }).nullish(),
});

const recordObservations = z.strictObject({
  stayRef: text,
  observations: z.array(observation).min(1, 'must hold at least one observation'),
});

const admitStay = z.strictObject({
  stayRef: text,
  patientRef: text,
  unit: text,
  admittedAt: instant,
  facts: z.array(z.strictObject({ name: text, value: z.number(), unit: text.nullish() })).nullish(),
  spo2Scale: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).nullish(),
});

const dischargeStay = z.strictObject({ stayRef: text, dischargedAt: instant });

/** One or more kinds in one message are stored in one transaction: an admission with its first observations. */
const envelope = z
  .strictObject(
    {
      admitStay: admitStay.optional(),
      recordObservations: recordObservations.optional(),
      dischargeStay: dischargeStay.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `is not a kind of message; allowed: ${MESSAGE_KINDS.join(', ')} (one or more), a bare { stayRef, observations }, or a FHIR Bundle`
          : undefined,
    },
  )
  .refine((m) => m.admitStay || m.recordObservations || m.dischargeStay, {
    message: `must hold one of ${MESSAGE_KINDS.join(', ')}, a bare { stayRef, observations }, or a FHIR Bundle`,
  });

type Envelope = z.infer<typeof envelope>;

export interface ParseContext {
  /** The worker's name: the batch's requester. */
  requester: string;
  /**
   * Stable across redeliveries of this message and unique among messages (the worker's `messageKey`: stream name,
   * sequence and stored time):
   * an observation without an `id` gets `<messageKey>/<index>` as its source id, so a redelivered message is stored
   * once.
   */
  messageKey: string;
  /**
   * The hook for FHIR: reads a Bundle (resourceType "Bundle") into a batch, throwing InvalidInputError or its own
   * error when it cannot. Without it a Bundle is refused.
   */
  fromBundle?: (bundle: unknown) => IngestBatch;
}

/** Reads one message body; throws UnreadableMessageError naming every offending field and what it allows. */
export function parseStreamMessage(body: Uint8Array | string, context: ParseContext): IngestBatch {
  const textBody = typeof body === 'string' ? body : new TextDecoder('utf-8', { fatal: false }).decode(body);
  let json: unknown;
  try {
    json = JSON.parse(textBody);
  } catch (error) {
    throw new UnreadableMessageError([{ name: '(message)', message: `must be JSON: ${(error as Error).message}` }]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UnreadableMessageError([
      { name: '(message)', message: `must be a JSON object (${MESSAGE_KINDS.join(', ')}, or a FHIR Bundle)` },
    ]);
  }
  const record = json as Record<string, unknown>;
  if ('resourceType' in record) {
    if (record.resourceType !== 'Bundle') {
      throw new UnreadableMessageError([
        { name: 'resourceType', message: 'must be "Bundle" (FHIR resources are sent in a Bundle)' },
      ]);
    }
    if (!context.fromBundle) {
      throw new UnreadableMessageError([
        { name: 'resourceType', message: 'FHIR Bundles are not read by this worker (no FHIR mapping wired)' },
      ]);
    }
    return context.fromBundle(json);
  }
  // The GraphQL input's shape, { stayRef, observations }, is recordObservations without its envelope.
  const wrapped = 'stayRef' in record || 'observations' in record ? { recordObservations: record } : record;
  const bare = wrapped !== record;
  const parsed = envelope.safeParse(wrapped, { reportInput: true });
  if (!parsed.success) {
    throw new UnreadableMessageError(parsed.error.issues.flatMap((issue) => fieldErrors(issue, bare)));
  }
  return toBatch(parsed.data, context);
}

/** The fields each object allows, by the name it is held under, for naming them beside an unknown one. */
const ALLOWED_FIELDS: Record<string, readonly string[]> = {
  recordObservations: Object.keys(recordObservations.shape),
  observations: Object.keys(observation.shape),
  admitStay: Object.keys(admitStay.shape),
  facts: ['name', 'value', 'unit'],
  dischargeStay: Object.keys(dischargeStay.shape),
};

function fieldErrors(issue: z.core.$ZodIssue, bare: boolean): FieldError[] {
  const path = bare ? issue.path.slice(1) : issue.path;
  if (issue.code === 'unrecognized_keys') {
    const holder = [...issue.path].reverse().find((key) => typeof key === 'string');
    const allowed = holder === undefined ? undefined : ALLOWED_FIELDS[holder];
    return issue.keys.map((key) => ({
      name: fieldPath([...path, key]),
      message: allowed ? `is not a field here; allowed: ${allowed.join(', ')}` : issue.message,
    }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return [{ name: fieldPath(path), message: 'is required' }];
  return [{ name: fieldPath(path), message: issue.message }];
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(message)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function toBatch(message: Envelope, context: ParseContext): IngestBatch {
  const batch: IngestBatch = { source: 'nats', requester: context.requester };
  if (message.admitStay) {
    const a = message.admitStay;
    const admission: AdmitInput = {
      stayRef: a.stayRef,
      patientRef: a.patientRef,
      unit: a.unit,
      admittedAt: a.admittedAt,
      facts: a.facts,
      spo2Scale: a.spo2Scale,
    };
    batch.admissions = [admission];
  }
  if (message.recordObservations) {
    const r = message.recordObservations;
    const stay: StayObservationsInput = {
      stayRef: r.stayRef,
      observations: r.observations.map((o, index): ObservationInput => ({
        name: o.name,
        time: o.time,
        value: o.value,
        unit: o.unit,
        sourceId: o.id ?? `${context.messageKey}/${index}`,
        supersedes: o.supersedes,
        status: o.status,
      })),
    };
    batch.observations = [stay];
  }
  if (message.dischargeStay) {
    const discharge: DischargeInput = { ...message.dischargeStay };
    batch.discharges = [discharge];
  }
  return batch;
}

/** The stays a batch touches: the worker keeps one stay's messages in order by them. */
export function stayRefsOf(batch: IngestBatch): string[] {
  const refs = new Set<string>();
  for (const a of batch.admissions ?? []) refs.add(a.stayRef);
  for (const o of batch.observations ?? []) refs.add(o.stayRef);
  for (const d of batch.discharges ?? []) refs.add(d.stayRef);
  return [...refs];
}
