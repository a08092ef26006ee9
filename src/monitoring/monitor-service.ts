/**
 * The monitor: stays admitted and discharged, observations stored once however often delivered, hours assessed and
 * alerts raised in the same transaction, and every change announced on Postgres NOTIFY once committed.
 */
import { CodedError } from '@/errors/coded-error';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import { withDatabaseErrors } from '@/db/database';
import type { Prisma, PrismaClient } from '@/db/generated/client';
import type { ModelRegistry } from '@/inference/model-registry';
import type { AuditRecord } from '@/audit/audit-record';
import type { PredictionService } from '@/prediction/prediction-service';
import { moveAlert, resolveAtDischarge, type AlertMoveInput, type RaisedAlert } from './alerts';
import { assessStay, type AssessedStay } from './assessment';
import { encodeEvent, LIVE_EVENTS_CHANNEL, type LiveEvent } from './live-events';
import { checkBatch, type CheckedAdmission, type CheckedObservation } from './ingest-validation';
import type {
  AdmitInput,
  DischargeInput,
  IngestBatch,
  IngestResult,
  ObservationSource,
  StayObservationsInput,
} from './monitor-input';
import { MONITORED_MODELS, MonitorVocabulary, type MonitoredModel } from './vocabulary';

/** Stay hours after an acknowledgement during which the same kind of alert is not raised again. */
export const DEFAULT_SUPPRESSION_HOURS = 4;

/**
 * A batch whose only fault is naming stays not (yet) admitted. Apart from other refusals because a stream may deliver
 * observations before their admission: the worker retries these for a while instead of rejecting them at once.
 */
export class UnknownStayError extends CodedError {
  readonly code = 'STAY_NOT_FOUND';
  constructor(readonly fields: FieldError[]) {
    super(`unknown stay: ${fields.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
  }
}

const NOT_ADMITTED = 'is not admitted';

const MINUTE_MS = 60_000;

type Tx = Prisma.TransactionClient;

// Stays of one batch are locked in stayRef order, so two batches never wait on each other's locks crosswise.
async function lockStays(tx: Tx, stayRefs: Iterable<string>): Promise<void> {
  for (const ref of [...new Set(stayRefs)].sort())
    await tx.$queryRawUnsafe('SELECT pg_advisory_xact_lock(7340, hashtext($1))::text', ref);
}

function sameAdmission(stored: StoredStay, a: CheckedAdmission): boolean {
  const facts = (list: { name: string; value: number }[]) =>
    JSON.stringify([...list].map((f) => [f.name, f.value]).sort());
  return (
    stored.patientRef === a.patientRef &&
    stored.unit === a.unit &&
    stored.admittedAt.getTime() === a.admittedAt.getTime() &&
    stored.spo2Scale === a.spo2Scale &&
    facts(stored.facts as { name: string; value: number }[]) === facts(a.facts)
  );
}

type StoredStay = Awaited<ReturnType<Tx['stay']['findFirstOrThrow']>>;

function assessedStay(stay: StoredStay): AssessedStay {
  return {
    id: stay.id,
    stayRef: stay.stayRef,
    patientRef: stay.patientRef,
    unit: stay.unit,
    admittedAt: stay.admittedAt,
    facts: (stay.facts as { name: string; value: number }[]).map((f) => ({ name: f.name, value: f.value })),
    spo2Scale: stay.spo2Scale === 2 ? 2 : 1,
  };
}

export interface MonitorOptions {
  suppressionHours?: number;
}

export class MonitorService {
  private readonly suppressionHours: number;

  private constructor(
    private readonly prisma: PrismaClient,
    private readonly registry: ModelRegistry,
    private readonly prediction: PredictionService,
    readonly vocabulary: MonitorVocabulary,
    options: MonitorOptions,
  ) {
    this.suppressionHours = options.suppressionHours ?? DEFAULT_SUPPRESSION_HOURS;
  }

  /** The monitor over the registry's timeline models; its vocabulary is derived from their cards. */
  static async create(
    prisma: PrismaClient,
    registry: ModelRegistry,
    prediction: PredictionService,
    options: MonitorOptions = {},
  ): Promise<MonitorService> {
    const cards: Partial<Record<MonitoredModel, Awaited<ReturnType<ModelRegistry['get']>>['card']>> = {};
    for (const model of await registry.list())
      if ((MONITORED_MODELS as readonly string[]).includes(model.card.id))
        cards[model.card.id as MonitoredModel] = model.card;
    return new MonitorService(prisma, registry, prediction, MonitorVocabulary.fromCards(cards), options);
  }

  /**
   * Stores a batch whole or not at all: admissions, then observations (each assessed stay's hours scored, alerts
   * raised), then discharges. Nothing is stored when any part is refused; every refusal is named.
   */
  async ingest(batch: IngestBatch): Promise<IngestResult> {
    const checked = checkBatch(this.vocabulary, batch);
    const { admissions, observations, discharges } = checked.batch;
    let stored: AuditRecord[] = [];
    const result = await this.refusingFirst(checked.errors, () =>
      this.prisma.$transaction(
        async (tx) => {
          const refs = [
            ...admissions.map((a) => a.stayRef),
            ...observations.map((o) => o.stayRef),
            ...discharges.map((d) => d.stayRef),
          ];
          await lockStays(tx, refs);
          const stays = new Map<string, StoredStay>(
            (await tx.stay.findMany({ where: { stayRef: { in: [...new Set(refs)] } } })).map((s) => [s.stayRef, s]),
          );
          // What needed no stored data was checked already; what the stored stays say is added, then all refused.
          const errors: FieldError[] = [...checked.errors];
          const admitted: string[] = [];
          admissions.forEach((a, i) => {
            const existing = stays.get(a.stayRef);
            if (existing && !sameAdmission(existing, a))
              errors.push({
                name: `admissions[${i}].stayRef`,
                message: `stay ${a.stayRef} is already admitted (unit ${existing.unit}, patient ${existing.patientRef}, at ${existing.admittedAt.toISOString()}) with other details`,
              });
          });
          for (const a of admissions) {
            if (stays.has(a.stayRef)) continue;
            const stay = await tx.stay.create({
              data: {
                stayRef: a.stayRef,
                patientRef: a.patientRef,
                unit: a.unit,
                admittedAt: a.admittedAt,
                facts: a.facts as unknown as Prisma.InputJsonValue,
                spo2Scale: a.spo2Scale,
                admittedBy: batch.requester,
                source: batch.source,
              },
            });
            stays.set(a.stayRef, stay);
            admitted.push(a.stayRef);
          }
          const placed = await this.placeObservations(tx, batch.source, stays, observations, errors);
          const dischargeAt = new Map<string, Date>();
          discharges.forEach((d) => {
            const stay = stays.get(d.stayRef);
            if (!stay) errors.push({ name: `${d.field}.stayRef`, message: `stay ${d.stayRef} ${NOT_ADMITTED}` });
            else if (d.dischargedAt < stay.admittedAt)
              errors.push({
                name: `${d.field}.dischargedAt`,
                message: `${d.dischargedAt.toISOString()} is before admission at ${stay.admittedAt.toISOString()}`,
              });
            else if (stay.dischargedAt && stay.dischargedAt.getTime() !== d.dischargedAt.getTime())
              errors.push({
                name: `${d.field}.dischargedAt`,
                message: `stay ${d.stayRef} was already discharged at ${stay.dischargedAt.toISOString()}`,
              });
            else if (!stay.dischargedAt) dischargeAt.set(d.stayRef, d.dischargedAt);
          });
          if (errors.length > 0 && errors.every((e) => e.message.includes(NOT_ADMITTED)))
            throw new UnknownStayError(errors);
          if (errors.length > 0) throw new InvalidInputError(errors);

          const storedIds = await this.insertObservations(tx, batch, placed);
          const result: IngestResult = {
            admitted,
            stored: [],
            duplicates: storedIds.filter((id) => id === null).length,
            discharged: [],
            assessed: [],
            alertsRaised: [],
          };
          const byStay = new Map<string, ({ id: string } | null)[]>();
          placed.forEach((o, k) => {
            const list = byStay.get(o.stayRef) ?? [];
            list.push(storedIds[k] === null ? null : { id: storedIds[k] as string });
            byStay.set(o.stayRef, list);
          });
          result.stored = [...byStay].map(([stayRef, list]) => ({ stayRef, observations: list }));

          const touched = [...new Set(placed.filter((_, k) => storedIds[k] !== null).map((o) => o.stayRef))].sort();
          const raised: RaisedAlert[] = [];
          for (const ref of touched) {
            const stay = stays.get(ref) as StoredStay;
            const assessment = await assessStay(
              tx,
              {
                registry: this.registry,
                prediction: this.prediction,
                vocabulary: this.vocabulary,
                suppressionHours: this.suppressionHours,
              },
              assessedStay(stay),
            );
            stored = stored.concat(assessment.records);
            if (assessment.hours.length > 0) result.assessed.push({ stayRef: ref, hours: assessment.hours });
            raised.push(...assessment.alerts);
            await notify(tx, {
              type: 'ward',
              unit: stay.unit,
              stayRef: ref,
              hour: assessment.hours.at(-1) ?? null,
              reason: assessment.hours.length > 0 ? 'assessed' : 'observations',
            });
          }
          for (const a of raised) {
            result.alertsRaised.push({ stayRef: a.stayRef, alertId: a.alertId, kind: a.kind });
            await notify(tx, {
              type: 'alert',
              unit: a.unit,
              stayRef: a.stayRef,
              alertId: a.alertId,
              kind: a.kind,
              state: 'open',
              hour: a.hour,
              reason: a.reason,
            });
          }
          for (const ref of admitted)
            if (!touched.includes(ref))
              await notify(tx, {
                type: 'ward',
                unit: (stays.get(ref) as StoredStay).unit,
                stayRef: ref,
                hour: null,
                reason: 'admitted',
              });
          for (const [ref, at] of dischargeAt) {
            const stay = stays.get(ref) as StoredStay;
            await tx.stay.update({ where: { id: stay.id }, data: { dischargedAt: at } });
            await resolveAtDischarge(tx, stay.id, batch.requester);
            result.discharged.push(ref);
            await notify(tx, { type: 'ward', unit: stay.unit, stayRef: ref, hour: null, reason: 'discharged' });
          }
          return result;
        },
        // Scoring a day of a stay's hours at once (a backfill) takes seconds; the default 5 s would cut it off.
        { timeout: 120_000, maxWait: 30_000 },
      ),
    );
    if (stored.length > 0) this.prediction.reportStored(stored);
    return result;
  }

  /**
   * Runs the transaction; when the batch already had errors the database could not add to (it is unreachable), those
   * errors are the answer, since the batch would be refused whatever the database said.
   */
  private async refusingFirst<T>(errors: FieldError[], work: () => Promise<T>): Promise<T> {
    try {
      return await withDatabaseErrors(work);
    } catch (error) {
      if (errors.length > 0 && !(error instanceof InvalidInputError) && !(error instanceof UnknownStayError))
        throw new InvalidInputError(errors);
      throw error;
    }
  }

  /**
   * Checks each observation against its stay (admitted, not before admission nor after discharge) and resolves what
   * it supersedes; a withdrawal takes the time of the observation it withdraws, so its hour is re-assessed.
   */
  private async placeObservations(
    tx: Tx,
    source: ObservationSource,
    stays: Map<string, StoredStay>,
    observations: CheckedObservation[],
    errors: FieldError[],
  ): Promise<(CheckedObservation & { stayId: string; supersedesSeq: bigint | null })[]> {
    const targets = [...new Set(observations.filter((o) => o.supersedes).map((o) => o.supersedes as string))];
    const superseded = new Map(
      (
        await tx.observation.findMany({
          where: { source, sourceId: { in: targets } },
          select: { seq: true, sourceId: true, stayId: true, time: true },
        })
      ).map((o) => [o.sourceId, o]),
    );
    const inBatch = new Set(observations.map((o) => o.sourceId));
    const placed: (CheckedObservation & { stayId: string; supersedesSeq: bigint | null })[] = [];
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
  private async insertObservations(
    tx: Tx,
    batch: Pick<IngestBatch, 'source' | 'requester'>,
    placed: (CheckedObservation & { stayId: string; supersedesSeq: bigint | null })[],
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

  async admitStay(input: AdmitInput, origin: { source: ObservationSource; requester: string }): Promise<IngestResult> {
    return this.ingest({ ...origin, admissions: [input] });
  }

  async recordObservations(
    input: StayObservationsInput,
    origin: { source: ObservationSource; requester: string },
  ): Promise<IngestResult> {
    return this.ingest({ ...origin, observations: [input] });
  }

  async dischargeStay(
    input: DischargeInput,
    origin: { source: ObservationSource; requester: string },
  ): Promise<IngestResult> {
    return this.ingest({ ...origin, discharges: [input] });
  }

  async acknowledgeAlert(input: AlertMoveInput) {
    return this.move('acknowledged', input);
  }

  async resolveAlert(input: AlertMoveInput) {
    return this.move('resolved', input);
  }

  private async move(to: 'acknowledged' | 'resolved', input: AlertMoveInput) {
    const errors: FieldError[] = [];
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.alertId))
      errors.push({ name: 'alertId', message: 'must be an alert id (a UUID)' });
    const note = typeof input.note === 'string' ? input.note.trim() : '';
    if (note.length === 0 || note.length > 2000)
      errors.push({ name: 'note', message: `a note of 1 to 2000 characters is required; got ${note.length}` });
    if (errors.length > 0) throw new InvalidInputError(errors);
    return withDatabaseErrors(() =>
      this.prisma.$transaction(async (tx) => {
        const moved = await moveAlert(
          tx,
          to,
          { ...input, alertId: input.alertId.toLowerCase(), note },
          async (stayId) => {
            const last = await tx.assessment.aggregate({ where: { stayId }, _max: { hour: true } });
            return last._max.hour ?? 0;
          },
        );
        const stay = await tx.stay.findUniqueOrThrow({ where: { id: moved.stayId } });
        await notify(tx, {
          type: 'alert',
          unit: stay.unit,
          stayRef: stay.stayRef,
          alertId: moved.id,
          kind: moved.kind,
          state: to,
          hour: moved.hour,
          reason: moved.reason,
        });
        await notify(tx, { type: 'ward', unit: stay.unit, stayRef: stay.stayRef, hour: null, reason: 'alert' });
        return tx.alert.findUniqueOrThrow({
          where: { id: moved.id },
          include: { stay: { select: { stayRef: true, unit: true } } },
        });
      }),
    );
  }

  /** Minutes since admission of an instant (for views). */
  static minutesSince(admittedAt: Date, time: Date): number {
    return (time.getTime() - admittedAt.getTime()) / MINUTE_MS;
  }
}

async function notify(tx: Tx, event: LiveEvent): Promise<void> {
  // Delivered to listeners only when the transaction commits: an event never announces data that was rolled back.
  await tx.$queryRawUnsafe('SELECT pg_notify($1, $2)::text', LIVE_EVENTS_CHANNEL, encodeEvent(event));
}
