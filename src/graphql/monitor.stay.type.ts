/**
 * A stay as the API shows it (admission, facts, observations as stored, assessments, alerts), a page of stays, and what
 * recording observations did. Resolvers return the monitor's stay rows; the detail fields are resolved in
 * monitor.resolver.ts from the stay's detail, loaded once per request.
 */
import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { ObservationSource, ObservationStatus } from '@/monitoring/monitor-input';
import type { StayDetail, StaySummary } from '@/monitoring/stay-views';
import { PageInfo } from './prediction-connection.type';
import { Alert, type AlertRecord } from './monitor.alert.type';
import { ObservationSourceEnum, ObservationStatusEnum } from './monitor.enums';

/** A stay row as resolvers hand it over; the detail lists are present when already loaded. */
export type StayRecord = StaySummary & Partial<Pick<StayDetail, 'observations' | 'assessments' | 'alerts'>>;

@ObjectType('StayFact', { description: 'A fact of the stay given at admission.' })
export class StayFact {
  @Field(() => String, { description: 'The fact code, e.g. `Age`.' })
  name!: string;

  @Field(() => Float, { description: "The value in the code's unit (`unit`)." })
  value!: number;

  @Field(() => String, {
    nullable: true,
    description: "The code's UCUM unit; null for a code without one (a category).",
  })
  unit!: string | null;

  @Field(() => Float, { description: 'The value as sent.' })
  sentValue!: number;

  @Field(() => String, { nullable: true, description: "The UCUM unit as sent; null: sent in the code's unit." })
  sentUnit!: string | null;
}

@ObjectType('StayObservation', {
  description:
    'One observation of the stay as stored (append-only): a correction or withdrawal is a new observation superseding the one it names.',
})
export class StayObservation {
  @Field(() => ID, { description: "The monitor's id of the observation." })
  id!: string;

  @Field(() => String, { description: 'The monitor code, e.g. `HR`.' })
  name!: string;

  @Field(() => DateTimeResolver, { description: 'When it was taken (a withdrawal: the withdrawn one’s time).' })
  time!: Date;

  @Field(() => Float, {
    nullable: true,
    description: "The value in the code's unit (`unit`); null for a withdrawal (ENTERED_IN_ERROR).",
  })
  value!: number | null;

  @Field(() => String, { nullable: true, description: "The code's UCUM unit; null for a code without one." })
  unit!: string | null;

  @Field(() => Float, { nullable: true, description: 'The value as sent; null for a withdrawal.' })
  sentValue!: number | null;

  @Field(() => String, { nullable: true, description: "The UCUM unit as sent; null: sent in the code's unit." })
  sentUnit!: string | null;

  @Field(() => ObservationStatusEnum)
  status!: ObservationStatus;

  @Field(() => ObservationSourceEnum)
  source!: ObservationSource;

  @Field(() => String, {
    description: "The sender's id of the observation (`StayObservationInput.id`), unique within its source.",
  })
  sourceId!: string;

  @Field(() => ID, {
    nullable: true,
    description: '`id` of the observation this one corrects or withdraws; null for a new observation.',
  })
  supersedes!: string | null;

  @Field(() => ID, {
    nullable: true,
    description: '`id` of the observation that corrects or withdraws this one; null while none does.',
  })
  supersededBy!: string | null;

  @Field(() => Boolean, {
    description: 'The value counts in assessments: not superseded, and not a withdrawal.',
  })
  inForce!: boolean;

  @Field(() => String, { description: 'Who sent it: an API key id, or a worker’s name.' })
  requester!: string;

  @Field(() => DateTimeResolver, { description: 'When the monitor stored it.' })
  receivedAt!: Date;
}

@ObjectType('Stay', {
  description:
    'One admission to a unit, watched by the monitor: its observations are assessed hour by hour (hour h covers (h−1)·60 < minutes from admission ≤ h·60).',
})
export class Stay {
  @Field(() => String, { description: "The hospital's encounter id." })
  stayRef!: string;

  @Field(() => String)
  patientRef!: string;

  @Field(() => String, { description: 'The unit (ward).' })
  unit!: string;

  @Field(() => DateTimeResolver, { description: 'Admission: hour 1 starts here.' })
  admittedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'null while the stay is active.' })
  dischargedAt!: Date | null;

  @Field(() => Int, { description: "NEWS2's SpO₂ scale for the stay: 1, or 2 for hypercapnic respiratory failure." })
  spo2Scale!: number;
}

@ObjectType('StayEdge')
export class StayEdge {
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this stay.' })
  cursor!: string;

  @Field(() => Stay)
  node!: StayRecord;
}

@ObjectType('StayConnection', { description: 'A page of stays, latest admission first.' })
export class StayConnection {
  @Field(() => [StayEdge])
  edges!: StayEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Stays matching the filter, on every page.' })
  totalCount!: number;
}

@ObjectType('RecordObservationsResult', { description: 'What recording a batch of observations did.' })
export class RecordObservationsResult {
  @Field(() => Int, { description: 'Observations stored now.' })
  stored!: number;

  @Field(() => Int, {
    description: 'Observations already on record (same `id`), not stored again; a redelivery assesses nothing.',
  })
  duplicates!: number;

  @Field(() => [Int], {
    description: 'The hours of the stay assessed (re-assessments included), in order; empty when nothing new arrived.',
  })
  assessedHours!: number[];

  @Field(() => [Alert], { description: 'Alerts those assessments raised.' })
  alertsRaised!: AlertRecord[];

  @Field(() => Stay, { description: 'The stay after recording.' })
  stay!: StayRecord;
}
