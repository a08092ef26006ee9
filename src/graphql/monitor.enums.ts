/** The monitor's GraphQL enums, registered from the monitor's own value lists so the two cannot drift. */
import 'reflect-metadata';
import { registerEnumType } from 'type-graphql';
import type { AlertStateName } from '@/monitoring/alert-chain';
import type { AlertKindName } from '@/monitoring/alerts';
import type { ObservationSource, ObservationStatus } from '@/monitoring/monitor-input';

/** GraphQL names → the monitor's status values (FHIR's Observation.status). */
export const ObservationStatusEnum = {
  FINAL: 'final',
  AMENDED: 'amended',
  ENTERED_IN_ERROR: 'entered-in-error',
} as const satisfies Record<string, ObservationStatus>;

registerEnumType(ObservationStatusEnum, {
  name: 'ObservationStatus',
  description: "An observation's status, as FHIR's Observation.status names it.",
  valuesConfig: {
    FINAL: { description: 'A new observation (the default).' },
    AMENDED: { description: 'Corrects the observation named by `supersedes`: this value replaces it.' },
    ENTERED_IN_ERROR: {
      description: 'Withdraws the observation named by `supersedes`: its value no longer counts; sent without a value.',
    },
  },
});

export const ObservationSourceEnum = {
  GRAPHQL: 'graphql',
  FHIR: 'fhir',
  NATS: 'nats',
  REPLAY: 'replay',
} as const satisfies Record<string, ObservationSource>;

registerEnumType(ObservationSourceEnum, {
  name: 'ObservationSource',
  description: 'The way in an observation (or an admission) arrived by.',
  valuesConfig: {
    GRAPHQL: { description: 'This API (`recordObservations`, `admitStay`).' },
    FHIR: { description: 'FHIR R4 at /api/fhir.' },
    NATS: { description: 'The NATS JetStream worker.' },
    REPLAY: { description: '`npm run replay`.' },
  },
});

export const AlertKindEnum = {
  SEPSIS: 'sepsis',
  NEWS2: 'news2',
  QSOFA: 'qsofa',
} as const satisfies Record<string, AlertKindName>;

registerEnumType(AlertKindEnum, {
  name: 'AlertKind',
  description: 'What raised an alert; at most one alert of each kind is open for a stay at a time.',
  valuesConfig: {
    SEPSIS: { description: "The sepsis model's probability reached the model's decision threshold." },
    NEWS2: {
      description: 'NEWS2 of 5 or more (or at least 5 from the parameters scored), or one parameter scoring 3.',
    },
    QSOFA: { description: 'qSOFA of 2 or more (or at least 2 from the criteria judged).' },
  },
});

export const AlertStateEnum = {
  OPEN: 'open',
  ACKNOWLEDGED: 'acknowledged',
  RESOLVED: 'resolved',
} as const satisfies Record<string, AlertStateName>;

registerEnumType(AlertStateEnum, {
  name: 'AlertState',
  description: 'Where an alert is: OPEN → ACKNOWLEDGED → RESOLVED (an open alert may be resolved directly).',
  valuesConfig: {
    OPEN: { description: 'Raised, not yet answered.' },
    ACKNOWLEDGED: { description: 'Someone has taken it on (`acknowledgeAlert`).' },
    RESOLVED: { description: 'Closed (`resolveAlert`, or at discharge).' },
  },
});
