/** An alert on a stay and its chained moves, as the API shows them; resolvers return the monitor's alert rows. */
import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AlertStateName } from '@/monitoring/alert-chain';
import type { AlertKindName } from '@/monitoring/alerts';
import type { StayDetail } from '@/monitoring/stay-views';
import { AlertKindEnum, AlertStateEnum } from './monitor.enums';

type AlertEventRow = StayDetail['alerts'][number]['events'][number];

/** An alert row as resolvers hand it over: its stay always, its events when already loaded. */
export type AlertRecord = Omit<StayDetail['alerts'][number], 'events'> & {
  stay: { stayRef: string; unit: string };
  events?: AlertEventRow[];
};

@ObjectType('AlertEvent', {
  description:
    "One move of an alert (raised, acknowledged, resolved), append-only and chained: `hash` covers the previous event's hash and this event's content.",
})
export class AlertEvent {
  @Field(() => AlertStateEnum, { nullable: true, description: 'The state before; null for the raising.' })
  fromState!: AlertStateName | null;

  @Field(() => AlertStateEnum)
  toState!: AlertStateName;

  @Field(() => String, {
    description: 'Who moved it: an API key id, `monitor` for the raising, or whoever discharged the stay.',
  })
  actor!: string;

  @Field(() => String, { nullable: true, description: "The mover's note (for the raising, the reason)." })
  note!: string | null;

  @Field(() => DateTimeResolver)
  at!: Date;

  @Field(() => Int, { description: 'Place in the chain of all alert events, from 1 without gaps.' })
  sequence!: number;

  @Field(() => String, { description: 'SHA-256 (lowercase hex) of the previous hash and this event.' })
  hash!: string;
}

/** An event row as the API shows it (the chain's sequence is a bigint in the database). */
export function alertEventOf(row: AlertEventRow): AlertEvent {
  return {
    fromState: row.fromState,
    toState: row.toState,
    actor: row.actor,
    note: row.note,
    at: row.at,
    sequence: Number(row.sequence),
    hash: row.hash,
  };
}

@ObjectType('Alert', {
  description:
    "An alert on a stay, raised by an hour's assessment: at most one open per stay and kind, and none of a kind again within 4 stay hours of acknowledging one. Moved by people with `acknowledgeAlert` and `resolveAlert`; resolved at discharge.",
})
export class Alert {
  @Field(() => ID)
  id!: string;

  @Field(() => AlertKindEnum)
  kind!: AlertKindName;

  @Field(() => AlertStateEnum)
  state!: AlertStateName;

  @Field(() => Int, { description: 'The hour of the stay whose assessment raised it (`Assessment.hour`).' })
  hour!: number;

  @Field(() => String, {
    description:
      'Why, in words a clinician checks, e.g. `NEWS2 11 ≥ 5` or `sepsis risk 0.0412 ≥ the model’s threshold 0.0275`.',
  })
  reason!: string;

  @Field(() => DateTimeResolver)
  raisedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'null until acknowledged.' })
  acknowledgedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'The API key id that acknowledged it; null until then.' })
  acknowledgedBy!: string | null;

  @Field(() => String, { nullable: true })
  acknowledgeNote!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'null until resolved.' })
  resolvedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'The API key id (or worker) that resolved it, or discharged the stay; null until then.',
  })
  resolvedBy!: string | null;

  @Field(() => String, { nullable: true, description: '`discharged` when resolved at discharge.' })
  resolveNote!: string | null;
}
