/**
 * The monitor through GraphQL: stays admitted, observed and discharged, alerts acknowledged and resolved (thin over the
 * monitor service), and stays read back with their observations, assessments and alerts (over the stay views).
 */
import 'reflect-metadata';
import { Arg, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Principal } from '@/access/roles';
import type { IngestResult, ObservationSource } from '@/monitoring/monitor-input';
import { hourEnd } from '@/monitoring/stay-course';
import { MAX_STAY_PAGE, type StayDetail } from '@/monitoring/stay-views';
import type { News2Result } from '@/monitoring/news2';
import type { QsofaResult } from '@/monitoring/qsofa';
import type { GraphQLContext } from './context';
import { Alert, AlertEvent, alertEventOf, type AlertRecord } from './monitor.alert.type';
import { Assessment } from './monitor.assessment.type';
import {
  AcknowledgeAlertInput,
  AdmitStayInput,
  DischargeStayInput,
  RecordObservationsInput,
  ResolveAlertInput,
  StayFilter,
} from './monitor.inputs';
import {
  RecordObservationsResult,
  Stay,
  StayConnection,
  StayFact,
  StayObservation,
  type StayRecord,
} from './monitor.stay.type';

/** Page size of `stays` when `first` is not given. */
export const DEFAULT_STAY_PAGE = 20;

/**
 * The cursor of one stay of a page. The stay views hand out only a page's endCursor; this mirrors their encoding
 * (base64url of the JSON `[admittedAt ISO, id]`), and a test checks the last edge's cursor equals the endCursor.
 */
export function stayCursor(stay: { admittedAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([stay.admittedAt.toISOString(), stay.id])).toString('base64url');
}

// Each stay's detail is loaded at most once per request, however many of its fields a page asks for.
const details = new WeakMap<GraphQLContext, Map<string, Promise<StayDetail | null>>>();

function detailOf(context: GraphQLContext, stayRef: string): Promise<StayDetail | null> {
  let cache = details.get(context);
  if (!cache) details.set(context, (cache = new Map()));
  let detail = cache.get(stayRef);
  if (!detail) cache.set(stayRef, (detail = context.services.stays.get(stayRef)));
  return detail;
}

/** The stay as stored now, after a change made in this request (a cached detail would be stale). */
async function freshDetail(context: GraphQLContext, stayRef: string): Promise<StayDetail> {
  details.get(context)?.delete(stayRef);
  const detail = await detailOf(context, stayRef);
  // The monitor has just stored this stay; its absence would be a bug, not the caller's doing.
  if (!detail) throw new Error(`stay ${stayRef} is not stored after a successful change`);
  return detail;
}

async function loaded<K extends 'observations' | 'assessments' | 'alerts'>(
  stay: StayRecord,
  key: K,
  context: GraphQLContext,
): Promise<StayDetail[K]> {
  const present = stay[key];
  if (present) return present as StayDetail[K];
  const detail = await detailOf(context, stay.stayRef);
  return (detail?.[key] ?? []) as StayDetail[K];
}

function alertRecordsOf(stay: Pick<StayDetail, 'stayRef' | 'unit' | 'alerts'>): AlertRecord[] {
  return stay.alerts.map((alert) => ({ ...alert, stay: { stayRef: stay.stayRef, unit: stay.unit } }));
}

// Runs only behind @Authorized, so a principal is present.
function originOf({ principal }: GraphQLContext): { source: ObservationSource; requester: string } {
  return { source: 'graphql', requester: (principal as Principal).keyId };
}

function actorOf({ principal }: GraphQLContext): string {
  return (principal as Principal).keyId;
}

function storedCount(result: IngestResult): number {
  return result.stored.reduce((n, s) => n + s.observations.filter((o) => o !== null).length, 0);
}

@Resolver(() => Stay)
export class MonitorResolver {
  @Authorized('read-stays')
  @Query(() => Stay, { nullable: true, description: 'One stay by its `stayRef`, or null when none has it.' })
  stay(@Arg('stayRef', () => String) stayRef: string, @Ctx() context: GraphQLContext): Promise<StayRecord | null> {
    return detailOf(context, stayRef);
  }

  @Authorized('read-stays')
  @Query(() => StayConnection, {
    description: 'Stays matching the filter, latest admission first, a page at a time.',
  })
  async stays(
    @Arg('filter', () => StayFilter, { nullable: true }) filter: StayFilter | null | undefined,
    @Arg('first', () => Int, {
      nullable: true,
      defaultValue: DEFAULT_STAY_PAGE,
      description: `Page size, 1 to ${MAX_STAY_PAGE}.`,
    })
    first: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description: "A previous page's `pageInfo.endCursor` (or an edge's cursor).",
    })
    after: string | null | undefined,
    @Ctx() { services }: GraphQLContext,
  ): Promise<StayConnection> {
    const page = await services.stays.list(
      { unit: filter?.unit, active: filter?.active, patientRef: filter?.patientRef },
      first ?? DEFAULT_STAY_PAGE,
      after ?? null,
    );
    return {
      edges: page.stays.map((stay) => ({ cursor: stayCursor(stay), node: stay })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @Authorized('record-observations')
  @Mutation(() => Stay, {
    description:
      'Admits a stay to a unit. Admitting it again with the same details changes nothing and returns it; other details for a stayRef on record are refused. Clinician or admin keys.',
  })
  async admitStay(
    @Arg('input', () => AdmitStayInput) input: AdmitStayInput,
    @Ctx() context: GraphQLContext,
  ): Promise<StayRecord> {
    await context.services.monitor.admitStay(
      {
        stayRef: input.stayRef,
        patientRef: input.patientRef,
        unit: input.unit,
        admittedAt: input.admittedAt,
        facts: input.facts?.map(({ name, value, unit }) => ({ name, value, unit })) ?? null,
        // The monitor refuses any scale but 1 and 2, naming the field.
        spo2Scale: (input.spo2Scale ?? null) as 1 | 2 | null,
      },
      originOf(context),
    );
    return freshDetail(context, input.stayRef);
  }

  @Authorized('record-observations')
  @Mutation(() => RecordObservationsResult, {
    description:
      "Stores observations of an admitted stay, whole or not at all (every refusal is named, nothing is stored), and assesses each hour with new data: the timeline models' predictions (stored as audit records), NEWS2 and qSOFA; alerts are raised as due. An observation whose `id` is already on record is not stored again. Clinician or admin keys.",
  })
  async recordObservations(
    @Arg('input', () => RecordObservationsInput) input: RecordObservationsInput,
    @Ctx() context: GraphQLContext,
  ): Promise<RecordObservationsResult> {
    const result = await context.services.monitor.recordObservations(
      {
        stayRef: input.stayRef,
        observations: input.observations.map((o) => ({
          name: o.name,
          time: o.time,
          value: o.value ?? null,
          unit: o.unit,
          sourceId: o.id,
          supersedes: o.supersedes,
          status: o.status,
        })),
      },
      originOf(context),
    );
    const stay = await freshDetail(context, input.stayRef);
    const raised = new Set(result.alertsRaised.map((a) => a.alertId));
    return {
      stored: storedCount(result),
      duplicates: result.duplicates,
      assessedHours: result.assessed.find((a) => a.stayRef === input.stayRef)?.hours ?? [],
      alertsRaised: alertRecordsOf(stay).filter((a) => raised.has(a.id)),
      stay,
    };
  }

  @Authorized('record-observations')
  @Mutation(() => Stay, {
    description:
      'Discharges a stay: no observation after `dischargedAt` is taken, and its open and acknowledged alerts are resolved. Discharging it again at the same instant changes nothing. Clinician or admin keys.',
  })
  async dischargeStay(
    @Arg('input', () => DischargeStayInput) input: DischargeStayInput,
    @Ctx() context: GraphQLContext,
  ): Promise<StayRecord> {
    await context.services.monitor.dischargeStay(
      { stayRef: input.stayRef, dischargedAt: input.dischargedAt },
      originOf(context),
    );
    return freshDetail(context, input.stayRef);
  }

  @Authorized('manage-alerts')
  @Mutation(() => Alert, {
    description:
      'Acknowledges an OPEN alert, with a note, as the calling key; the same kind is not raised again for the stay within 4 stay hours. Clinician or admin keys.',
  })
  async acknowledgeAlert(
    @Arg('input', () => AcknowledgeAlertInput) input: AcknowledgeAlertInput,
    @Ctx() context: GraphQLContext,
  ): Promise<AlertRecord> {
    const alert = await context.services.monitor.acknowledgeAlert({
      alertId: input.alertId,
      actor: actorOf(context),
      note: input.note,
    });
    details.get(context)?.delete(alert.stay.stayRef);
    return alert;
  }

  @Authorized('manage-alerts')
  @Mutation(() => Alert, {
    description: 'Resolves an OPEN or ACKNOWLEDGED alert, with a note, as the calling key. Clinician or admin keys.',
  })
  async resolveAlert(
    @Arg('input', () => ResolveAlertInput) input: ResolveAlertInput,
    @Ctx() context: GraphQLContext,
  ): Promise<AlertRecord> {
    const alert = await context.services.monitor.resolveAlert({
      alertId: input.alertId,
      actor: actorOf(context),
      note: input.note,
    });
    details.get(context)?.delete(alert.stay.stayRef);
    return alert;
  }

  @FieldResolver(() => [StayFact], { description: 'Facts of the stay given at admission (age, gender, ...).' })
  facts(@Root() stay: StayRecord, @Ctx() { services }: GraphQLContext): StayFact[] {
    const facts = stay.facts as { name: string; value: number; unit?: string | null; sentValue: number }[];
    return facts.map((f) => ({
      name: f.name,
      value: f.value,
      unit: services.monitor.vocabulary.get(f.name)?.ucum ?? null,
      sentValue: f.sentValue,
      sentUnit: f.unit ?? null,
    }));
  }

  @FieldResolver(() => [StayObservation], {
    description: 'Every observation stored for the stay, corrections and withdrawals included, in order of arrival.',
  })
  async observations(@Root() stay: StayRecord, @Ctx() context: GraphQLContext): Promise<StayObservation[]> {
    const rows = await loaded(stay, 'observations', context);
    const idOf = new Map(rows.map((o) => [o.seq, o.id]));
    const supersededBy = new Map<bigint, string>();
    for (const o of rows) if (o.supersedes !== null) supersededBy.set(o.supersedes, o.id);
    const { vocabulary } = context.services.monitor;
    return rows.map((o) => ({
      id: o.id,
      name: o.name,
      time: o.time,
      value: o.value,
      unit: vocabulary.get(o.name)?.ucum ?? null,
      sentValue: o.sentValue,
      sentUnit: o.sentUnit,
      status: o.status === 'entered_in_error' ? 'entered-in-error' : o.status,
      source: o.source,
      sourceId: o.sourceId,
      supersedes: o.supersedes === null ? null : (idOf.get(o.supersedes) ?? null),
      supersededBy: supersededBy.get(o.seq) ?? null,
      inForce: !supersededBy.has(o.seq) && o.value !== null,
      requester: o.requester,
      receivedAt: o.receivedAt,
    }));
  }

  @FieldResolver(() => [Assessment], {
    description: "The stay's hourly assessments, in hour order: each hour's latest revision, or every revision.",
  })
  async assessments(
    @Root() stay: StayRecord,
    @Arg('allRevisions', () => Boolean, {
      defaultValue: false,
      description: "true: every revision of every hour (revision order within an hour); false: each hour's latest.",
    })
    allRevisions: boolean,
    @Ctx() context: GraphQLContext,
  ): Promise<Assessment[]> {
    const rows = await loaded(stay, 'assessments', context);
    // Rows come in (hour, revision) order: the last row of an hour is its latest revision.
    const shown = allRevisions ? rows : rows.filter((a, i) => rows[i + 1]?.hour !== a.hour);
    const icuThreshold = shown.some((a) => a.icuMortalityPredictionId)
      ? (await context.services.registry.get('icu-mortality')).card.threshold.value
      : null;
    return shown.map((a) => ({
      hour: a.hour,
      revision: a.revision,
      at: hourEnd(stay.admittedAt, a.hour),
      createdAt: a.createdAt,
      sepsis:
        a.sepsisPredictionId && a.sepsisProbability !== null
          ? {
              predictionId: a.sepsisPredictionId,
              probability: a.sepsisProbability,
              positive: a.sepsisPositive === true,
            }
          : null,
      icuMortality:
        a.icuMortalityPredictionId && a.icuMortalityProbability !== null && icuThreshold !== null
          ? {
              predictionId: a.icuMortalityPredictionId,
              probability: a.icuMortalityProbability,
              positive: a.icuMortalityProbability >= icuThreshold,
            }
          : null,
      news2: a.news2 as unknown as News2Result,
      qsofa: a.qsofa as unknown as QsofaResult,
    }));
  }

  @FieldResolver(() => [Alert], { description: "The stay's alerts, in the order raised, whatever their state." })
  async alerts(@Root() stay: StayRecord, @Ctx() context: GraphQLContext): Promise<AlertRecord[]> {
    const alerts = await loaded(stay, 'alerts', context);
    return alertRecordsOf({ stayRef: stay.stayRef, unit: stay.unit, alerts });
  }
}

@Resolver(() => Alert)
export class AlertResolver {
  @FieldResolver(() => String, { description: 'The stay alerted on (`Stay.stayRef`).' })
  stayRef(@Root() alert: AlertRecord): string {
    return alert.stay.stayRef;
  }

  @FieldResolver(() => String, { description: "The stay's unit (ward)." })
  unit(@Root() alert: AlertRecord): string {
    return alert.stay.unit;
  }

  @FieldResolver(() => [AlertEvent], { description: 'Every move of the alert, in chain order: the raising first.' })
  async events(@Root() alert: AlertRecord, @Ctx() context: GraphQLContext): Promise<AlertEvent[]> {
    const events =
      alert.events ??
      (await detailOf(context, alert.stay.stayRef))?.alerts.find((a) => a.id === alert.id)?.events ??
      [];
    return events.map(alertEventOf);
  }
}
