/**
 * Subscriptions to the ward's live events: each subscribes to the process's LiveEvents (one LISTEN per process) and
 * maps the payload; served over SSE at /api/graphql/stream (sse-handler.ts).
 */
import 'reflect-metadata';
import { Arg, Authorized, Root, Subscription, Resolver } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { CodedError } from '@/errors/coded-error';
import type { AlertEvent, LiveEvents, WardEvent } from '@/monitoring/live-events';
import type { GraphQLContext } from './context';
import { AlertRaised, alertRaisedOf, WardUpdate, wardUpdateOf } from './live-event.type';

/** A subscription reached a server built without live events (Apollo on /api/graphql serves none). */
export class LiveEventsUnavailableError extends CodedError {
  readonly code = 'SUBSCRIPTIONS_UNAVAILABLE';
  constructor() {
    super('subscriptions are served over Server-Sent Events at /api/graphql/stream, not here');
  }
}

type UnitArgs = { unit?: string | null };

function liveOf(context: GraphQLContext): LiveEvents {
  if (!context.services.live) throw new LiveEventsUnavailableError();
  return context.services.live;
}

const UNIT_DESCRIPTION = 'Only this ward (unit); every ward when omitted.';

@Resolver()
export class LiveEventsResolver {
  @Authorized('read-stays')
  @Subscription(() => WardUpdate, {
    description:
      'Every committed change to a stay (admitted, observations, assessed, discharged, alert), from the moment of ' +
      'subscribing. Ends with an error when the subscriber falls too far behind or the server lost its database ' +
      'connection for a while: subscribe again and re-read the ward.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, UnitArgs, GraphQLContext>) =>
      liveOf(context).subscribe({ type: 'ward', unit: args.unit }),
  })
  wardUpdated(
    @Root() event: WardEvent,
    @Arg('unit', () => String, { nullable: true, description: UNIT_DESCRIPTION }) _unit?: string | null,
  ): WardUpdate {
    return wardUpdateOf(event);
  }

  @Authorized('read-stays')
  @Subscription(() => AlertRaised, {
    description:
      'Every alert opened (state open), from the moment of subscribing. Ends with an error when the subscriber falls ' +
      'too far behind or the server lost its database connection for a while: subscribe again and re-read the alerts.',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, UnitArgs, GraphQLContext>) =>
      liveOf(context).subscribe({ type: 'alert', unit: args.unit, state: 'open' }),
  })
  alertRaised(
    @Root() event: AlertEvent,
    @Arg('unit', () => String, { nullable: true, description: UNIT_DESCRIPTION }) _unit?: string | null,
  ): AlertRaised {
    return alertRaisedOf(event);
  }
}
