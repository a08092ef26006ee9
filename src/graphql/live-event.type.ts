/** The GraphQL shapes of live events (src/monitoring/live-events.ts): the NOTIFY payloads' fields, as they are. */
import 'reflect-metadata';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { AlertEvent, WardEvent } from '@/monitoring/live-events';

@ObjectType('WardUpdate', {
  description:
    'Something changed on a stay of a ward, committed: re-read the stay (this event carries no clinical values).',
})
export class WardUpdate {
  @Field(() => String, { description: 'The ward (unit) the stay is on.' })
  unit!: string;

  @Field(() => String, { description: "The stay's reference, as it was admitted." })
  stayRef!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The hour of the stay it concerns (hours since admission), if any.',
  })
  hour!: number | null;

  @Field(() => String, {
    description: 'What changed: admitted, observations, assessed, discharged or alert.',
  })
  reason!: string;
}

@ObjectType('AlertRaised', { description: 'An alert was opened on a stay, committed.' })
export class AlertRaised {
  @Field(() => String, { description: 'The ward (unit) the stay is on.' })
  unit!: string;

  @Field(() => String, { description: "The stay's reference, as it was admitted." })
  stayRef!: string;

  @Field(() => ID, { description: 'The alert, to acknowledge or resolve it.' })
  alertId!: string;

  @Field(() => String, { description: 'Which score raised it: sepsis, news2 or qsofa.' })
  kind!: string;

  @Field(() => String, { description: 'open (alertRaised delivers open alerts only); later: acknowledged, resolved.' })
  state!: string;

  @Field(() => Int, { description: 'The hour of the stay (hours since admission) whose assessment raised it.' })
  hour!: number;

  @Field(() => String, { description: 'Why, in words (the score and the threshold it crossed).' })
  reason!: string;
}

export function wardUpdateOf(event: WardEvent): WardUpdate {
  return Object.assign(new WardUpdate(), {
    unit: event.unit,
    stayRef: event.stayRef,
    hour: event.hour,
    reason: event.reason,
  });
}

export function alertRaisedOf(event: AlertEvent): AlertRaised {
  return Object.assign(new AlertRaised(), {
    unit: event.unit,
    stayRef: event.stayRef,
    alertId: event.alertId,
    kind: event.kind,
    state: event.state,
    hour: event.hour,
    reason: event.reason,
  });
}
