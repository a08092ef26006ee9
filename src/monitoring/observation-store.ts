/**
 * A batch's observations against their stays: placed (admitted, inside the stay, what each supersedes resolved) and
 * inserted in order, a (source, source id) already stored skipped, so a redelivery is stored once.
 */
import type { FieldError } from '@/errors/invalid-input';
import type { Prisma } from '@/db/generated/client';
import type { CheckedObservation } from './ingest-validation';
import type { IngestBatch, ObservationSource } from './monitor-input';

type Tx = Prisma.TransactionClient;

/** Said of a stay no admission names; the monitor tells such a batch apart (UnknownStayError). */
export const NOT_ADMITTED = 'is not admitted';

/** A stay as the placing reads it. */
export interface PlacingStay {
  id: string;
  admittedAt: Date;
  dischargedAt: Date | null;
}

export type PlacedObservation = CheckedObservation & { stayId: string; supersedesSeq: bigint | null };

/**
 * Checks each observation against its stay (admitted, not before admission nor after discharge) and resolves what
 * it supersedes; a withdrawal takes the time of the observation it withdraws, so its hour is re-assessed.
 */
export async function placeObservations(
  tx: Tx,
  source: ObservationSource,
  stays: ReadonlyMap<string, PlacingStay>,
  observations: CheckedObservation[],
  errors: FieldError[],
): Promise<PlacedObservation[]> {
  const targets = [...new Set(observations.filter((o) => o.supersedes).map((o) => o.supersedes as string))];
  // Most batches correct nothing: no query for them.
  const found =
    targets.length === 0
      ? []
      : await tx.observation.findMany({
          where: { source, sourceId: { in: targets } },
          select: { seq: true, sourceId: true, stayId: true, time: true },
        });
  const superseded = new Map(found.map((o) => [o.sourceId, o]));
  const inBatch = new Set(observations.map((o) => o.sourceId));
  const placed: PlacedObservation[] = [];
  const reported = new Set<string>();
  for (const o of observations) {
    const stay = stays.get(o.stayRef);
    if (!stay) {
      const name = o.field.replace(/\.observations\[\d+\].*$/, '.stayRef');
      if (!reported.has(name))
        errors.push({
          name,
          message: `stay ${o.stayRef} ${NOT_ADMITTED}; admit it first (admitStay, or an Encounter in the Bundle)`,
        });
      reported.add(name);
      continue;
    }
    if (o.time < stay.admittedAt) {
      errors.push({
        name: o.field,
        message: `time ${o.time.toISOString()} is before the stay's admission at ${stay.admittedAt.toISOString()}`,
      });
      continue;
    }
    if (stay.dischargedAt && o.time > stay.dischargedAt) {
      errors.push({
        name: o.field,
        message: `time ${o.time.toISOString()} is after the stay's discharge at ${stay.dischargedAt.toISOString()}`,
      });
      continue;
    }
    let supersedesSeq: bigint | null = null;
    let time = o.time;
    if (o.supersedes) {
      const target = superseded.get(o.supersedes);
      if (target && target.stayId !== stay.id) {
        errors.push({ name: o.field, message: `supersedes ${o.supersedes}, an observation of another stay` });
        continue;
      }
      if (!target && !inBatch.has(o.supersedes)) {
        errors.push({
          name: o.field,
          message: `supersedes ${o.supersedes}: no observation from ${source} has that id`,
        });
        continue;
      }
      if (target) {
        supersedesSeq = target.seq;
        if (o.status === 'entered-in-error') time = target.time;
      }
    }
    placed.push({ ...o, time, stayId: stay.id, supersedesSeq });
  }
  return placed;
}

/** Inserts in order; a (source, sourceId) already stored is skipped. Returns each one's id, or null for a repeat. */
export async function insertObservations(
  tx: Tx,
  batch: Pick<IngestBatch, 'source' | 'requester'>,
  placed: PlacedObservation[],
): Promise<(string | null)[]> {
  const row = (o: (typeof placed)[number], supersedes: bigint | null) => ({
    stayId: o.stayId,
    name: o.name,
    time: o.time,
    value: o.value,
    sentValue: o.sentValue,
    sentUnit: o.sentUnit,
    status: o.status === 'entered-in-error' ? ('entered_in_error' as const) : o.status,
    source: batch.source,
    sourceId: o.sourceId,
    supersedes,
    requester: batch.requester,
  });
  const ids: (string | null)[] = new Array(placed.length).fill(null);
  // Observations superseding one in the same batch wait for its seq; the rest go in one statement.
  const direct = placed.map((o, k) => ({ o, k })).filter(({ o }) => !o.supersedes || o.supersedesSeq !== null);
  const inserted = await tx.observation.createManyAndReturn({
    data: direct.map(({ o }) => row(o, o.supersedesSeq)),
    skipDuplicates: true,
    select: { id: true, sourceId: true, seq: true },
  });
  const seqOf = new Map(inserted.map((r) => [r.sourceId, r]));
  for (const { o, k } of direct) ids[k] = seqOf.get(o.sourceId)?.id ?? null;
  for (const [k, o] of placed.entries()) {
    if (!o.supersedes || o.supersedesSeq !== null) continue;
    const target =
      seqOf.get(o.supersedes) ??
      (await tx.observation.findFirst({
        where: { source: batch.source, sourceId: o.supersedes },
        select: { seq: true, time: true },
      }));
    const [r] = await tx.observation.createManyAndReturn({
      data: [row(o, target ? target.seq : null)],
      skipDuplicates: true,
      select: { id: true, sourceId: true, seq: true },
    });
    if (r) seqOf.set(r.sourceId, r);
    ids[k] = r?.id ?? null;
  }
  return ids;
}
