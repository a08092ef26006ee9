/** The inputs of the monitor's mutations (admit, record, discharge, answer alerts) and of the stays filter. */
import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { ObservationStatus } from '@/monitoring/monitor-input';
import { ObservationStatusEnum } from './monitor.enums';

const INSTANT = 'an ISO-8601 instant with a time zone (RFC 3339), e.g. `2026-03-01T14:30:00Z`';
const REF = '1 to 128 characters';

@InputType('StayFactInput', {
  description: 'A fact of the stay known at admission (age, gender, height, ICU type, weight at admission), by code.',
})
export class StayFactInput {
  @Field(() => String, { description: 'A fact code of the monitor, e.g. `Age`, `Gender`.' })
  name!: string;

  @Field(() => Float, { description: "The value, in `unit` when given, else in the code's unit." })
  value!: number;

  @Field(() => String, {
    nullable: true,
    description: "The UCUM unit of `value` (e.g. `[lb_av]`), converted to the code's unit; absent: the code's unit.",
  })
  unit?: string | null;
}

@InputType('AdmitStayInput', { description: 'An admission to a unit: the stay the monitor watches.' })
export class AdmitStayInput {
  @Field(() => String, { description: `The hospital's encounter id (${REF}); unique across stays.` })
  stayRef!: string;

  @Field(() => String, { description: `Your patient identifier (${REF}).` })
  patientRef!: string;

  @Field(() => String, {
    description: `The unit (ward) admitted to (${REF}); the ward board and \`stays\` filter by it.`,
  })
  unit!: string;

  @Field(() => DateTimeResolver, {
    description: `Admission: hour 1 of the stay starts here. ${INSTANT}.`,
  })
  admittedAt!: Date;

  @Field(() => [StayFactInput], { nullable: true, description: 'Facts of the stay at admission; none when absent.' })
  facts?: StayFactInput[] | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "NEWS2's SpO₂ scale: 1 (the default), or 2 only for hypercapnic respiratory failure when a clinician says so.",
  })
  spo2Scale?: number | null;
}

@InputType('StayObservationInput', {
  description:
    "One observation of a stay, by monitor code, in the code's unit or a UCUM unit convertible to it. A correction (AMENDED) or withdrawal (ENTERED_IN_ERROR) names the observation it supersedes.",
})
export class StayObservationInput {
  @Field(() => String, { description: 'A monitor code, e.g. `HR`, `Resp`, `O2Sat`, `SBP`, `Temp`, `Consciousness`.' })
  name!: string;

  @Field(() => DateTimeResolver, {
    description: `When it was taken: ${INSTANT}; not before admission nor after discharge.`,
  })
  time!: Date;

  @Field(() => Float, {
    nullable: true,
    description: "The value, in `unit` when given, else in the code's unit; null only for ENTERED_IN_ERROR.",
  })
  value?: number | null;

  @Field(() => String, { nullable: true, description: "The UCUM unit of `value`; absent: the code's unit." })
  unit?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Your id of this observation (${REF}): a redelivered observation with the same id is stored once (counted in \`duplicates\`). Absent: one is made, and no redelivery is recognised.`,
  })
  id?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The `id` you gave the observation this one corrects or withdraws (AMENDED or ENTERED_IN_ERROR only).',
  })
  supersedes?: string | null;

  @Field(() => ObservationStatusEnum, { nullable: true, description: 'FINAL when absent.' })
  status?: ObservationStatus | null;
}

@InputType('RecordObservationsInput', {
  description:
    'Observations of one admitted stay, stored whole or not at all; each hour with new data is assessed. Field errors name them as `observations[0].observations[i] (CODE)`.',
})
export class RecordObservationsInput {
  @Field(() => String, { description: 'The stay (`Stay.stayRef`), admitted first with `admitStay`.' })
  stayRef!: string;

  @Field(() => [StayObservationInput], { description: '1 to 20,000 observations, in any order.' })
  observations!: StayObservationInput[];
}

@InputType('DischargeStayInput', { description: 'The end of a stay; its open and acknowledged alerts are resolved.' })
export class DischargeStayInput {
  @Field(() => String)
  stayRef!: string;

  @Field(() => DateTimeResolver, { description: `Discharge, not before admission: ${INSTANT}.` })
  dischargedAt!: Date;
}

@InputType('AcknowledgeAlertInput', { description: 'Taking an OPEN alert on.' })
export class AcknowledgeAlertInput {
  @Field(() => ID, { description: '`Alert.id`.' })
  alertId!: string;

  @Field(() => String, { description: 'What is being done about it: 1 to 2000 characters, kept in the alert chain.' })
  note!: string;
}

@InputType('ResolveAlertInput', { description: 'Closing an OPEN or ACKNOWLEDGED alert.' })
export class ResolveAlertInput {
  @Field(() => ID, { description: '`Alert.id`.' })
  alertId!: string;

  @Field(() => String, { description: 'Why it is closed: 1 to 2000 characters, kept in the alert chain.' })
  note!: string;
}

@InputType('StayFilter', { description: 'Every given condition must hold.' })
export class StayFilter {
  @Field(() => String, { nullable: true, description: 'Stays of this unit.' })
  unit?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: not discharged; false: discharged; absent: both.' })
  active?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Stays of this patient (`AdmitStayInput.patientRef`).' })
  patientRef?: string | null;
}
