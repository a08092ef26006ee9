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
import { checkBatch, type CheckedAdmission } from './ingest-validation';
import { insertObservations, NOT_ADMITTED, placeObservations } from './observation-store';
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
          const placed = await placeObservations(tx, batch.source, stays, observations, errors);
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

          const storedIds = await insertObservations(tx, batch, placed);
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
}

async function notify(tx: Tx, event: LiveEvent): Promise<void> {
  // Delivered to listeners only when the transaction commits: an event never announces data that was rolled back.
  await tx.$queryRawUnsafe('SELECT pg_notify($1, $2)::text', LIVE_EVENTS_CHANNEL, encodeEvent(event));
}
