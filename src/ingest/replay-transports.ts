/**
 * The ways a replay reaches the Console: GraphQL and FHIR over HTTP, NATS JetStream, or in-process (direct); each sends
 * a plan's admission, its steps in order and its discharge.
 */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { CodedError } from '@/errors/coded-error';
import type { IngestBatch, IngestResult } from '@/monitoring/monitor-input';
import type { MonitorVocabulary } from '@/monitoring/vocabulary';
import { ensureStream, OBSERVATION_STREAM, unitSubject, type StreamNames } from './observation-stream';
import { fhirDischargeBundle, fhirStepBundle } from './replay-fhir';
import type { ReplayPlan, ReplayStep } from './replay-plan';

/** The Console (or the stream) refused or failed what a replay sent; the message is the receiver's own. */
export class ReplaySendError extends CodedError {
  readonly code = 'REPLAY_SEND';
}

export interface ReplayTransport {
  readonly name: string;
  admit(plan: ReplayPlan): Promise<void>;
  /** `index` is the step's place in `plan.steps`. */
  record(plan: ReplayPlan, step: ReplayStep, index: number): Promise<void>;
  discharge(plan: ReplayPlan): Promise<void>;
  close(): Promise<void>;
}

export const TRANSPORTS = ['graphql', 'fhir', 'nats', 'direct'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

// The monitor's inputs as JSON (GraphQL variables and stream messages): instants as ISO text, the sender's id as `id`.
export function admitStayJson(plan: ReplayPlan) {
  return {
    stayRef: plan.stayRef,
    patientRef: plan.patientRef,
    unit: plan.unit,
    admittedAt: plan.admittedAt.toISOString(),
    facts: plan.facts.map((f) => ({ name: f.name, value: f.value })),
  };
}

export function recordObservationsJson(plan: ReplayPlan, step: ReplayStep) {
  return {
    stayRef: plan.stayRef,
    observations: step.observations.map((o) => ({
      name: o.name,
      time: o.time.toISOString(),
      value: o.value,
      id: o.sourceId,
    })),
  };
}

export function dischargeStayJson(plan: ReplayPlan) {
  return { stayRef: plan.stayRef, dischargedAt: plan.dischargedAt.toISOString() };
}

/** An HTTP sender: `fetch` is injectable for tests. */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

// The mutations' results are not read: `__typename` is the one selection every object type has.
export const GRAPHQL_OPERATIONS = {
  admitStay: 'mutation AdmitStay($input: AdmitStayInput!) { admitStay(input: $input) { __typename } }',
  recordObservations:
    'mutation RecordObservations($input: RecordObservationsInput!) { recordObservations(input: $input) { __typename } }',
  dischargeStay: 'mutation DischargeStay($input: DischargeStayInput!) { dischargeStay(input: $input) { __typename } }',
} as const;

export interface HttpTarget {
  /** The Console's base URL, e.g. http://localhost:3000. */
  url: string;
  key: string;
  fetch?: Fetch;
}

function endpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** A request that got no answer (refused, reset, bad host): the cause says which. */
async function request(send: Fetch, url: string, init: Parameters<Fetch>[1], what: string) {
  try {
    return await send(url, init);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new ReplaySendError(
      `${what}: no answer from ${url}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`,
      {
        cause: error,
      },
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** GraphQL mutations over HTTP; a GraphQL error is thrown with its message (and field errors when given). */
export function graphqlTransport(target: HttpTarget): ReplayTransport {
  const send = target.fetch ?? (fetch as unknown as Fetch);
  const url = endpoint(target.url, '/api/graphql');
  async function mutate(operation: keyof typeof GRAPHQL_OPERATIONS, input: unknown): Promise<void> {
    const response = await request(
      send,
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${target.key}` },
        body: JSON.stringify({ query: GRAPHQL_OPERATIONS[operation], variables: { input } }),
      },
      operation,
    );
    const text = await response.text();
    const body = parseJson(text) as
      { errors?: { message: string; extensions?: { fields?: { name: string; message: string }[] } }[] } | undefined;
    if (body?.errors && body.errors.length > 0) {
      const messages = body.errors.map((e) => {
        const fields = e.extensions?.fields?.map((f) => `${f.name}: ${f.message}`).join('; ');
        return fields ? `${e.message} (${fields})` : e.message;
      });
      throw new ReplaySendError(`${operation}: ${messages.join('; ')}`);
    }
    if (!response.ok || body === undefined)
      throw new ReplaySendError(`${operation}: HTTP ${response.status} from ${url}: ${text.slice(0, 300)}`);
  }
  return {
    name: 'graphql',
    admit: (plan) => mutate('admitStay', admitStayJson(plan)),
    record: (plan, step) => mutate('recordObservations', recordObservationsJson(plan, step)),
    discharge: (plan) => mutate('dischargeStay', dischargeStayJson(plan)),
    close: async () => undefined,
  };
}

/** FHIR transactions at /api/fhir; a refusal is thrown with the OperationOutcome's diagnostics. */
export function fhirTransport(target: HttpTarget & { vocabulary: MonitorVocabulary }): ReplayTransport {
  const send = target.fetch ?? (fetch as unknown as Fetch);
  const url = endpoint(target.url, '/api/fhir');
  // The first bundle of a stay carries its admission: FHIR has no separate admit call.
  const admitted = new Set<string>();
  async function post(bundle: Bundle, what: string): Promise<void> {
    const response = await request(
      send,
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/fhir+json',
          Accept: 'application/fhir+json',
          Authorization: `Bearer ${target.key}`,
        },
        body: JSON.stringify(bundle),
      },
      what,
    );
    const text = await response.text();
    if (response.ok) return;
    const outcome = parseJson(text) as OperationOutcome | undefined;
    const diagnostics =
      outcome?.resourceType === 'OperationOutcome'
        ? (outcome.issue ?? []).map((i) => i.diagnostics ?? i.details?.text ?? i.code).join('; ')
        : text.slice(0, 300);
    throw new ReplaySendError(`${what}: HTTP ${response.status} from ${url}: ${diagnostics}`);
  }
  return {
    name: 'fhir',
    admit: async () => undefined,
    async record(plan, step) {
      const first = !admitted.has(plan.stayRef);
      await post(fhirStepBundle(target.vocabulary, plan, step, first), `${plan.stayRef} hour ${step.hour}`);
      admitted.add(plan.stayRef);
    },
    async discharge(plan) {
      const first = !admitted.has(plan.stayRef);
      await post(fhirDischargeBundle(target.vocabulary, plan, first), `${plan.stayRef} discharge`);
      admitted.add(plan.stayRef);
    },
    close: async () => undefined,
  };
}

/** The stream the worker reads, and its subjects (one per unit). */
export interface NatsTarget {
  servers: string;
  /** The stream, its subjects' prefix (`<prefix>.<unit>`) and consumer: the worker's unless a test gives its own. */
  names?: StreamNames;
}

/** Messages on JetStream, each awaited until the stream acknowledges it; the stream is made as the worker makes it. */
export async function natsTransport(options: NatsTarget): Promise<ReplayTransport> {
  const names = options.names ?? OBSERVATION_STREAM;
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: options.servers, name: 'crc-replay' });
  } catch (error) {
    throw new ReplaySendError(`cannot connect to NATS at ${options.servers}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    await ensureStream(await jetstreamManager(nc), { names });
  } catch (error) {
    await nc.close();
    throw new ReplaySendError(`NATS JetStream at ${options.servers}: ${(error as Error).message}`, { cause: error });
  }
  const js = jetstream(nc);
  async function publish(plan: ReplayPlan, msgID: string, message: unknown): Promise<void> {
    const h = natsHeaders();
    h.set('Content-Type', 'application/json');
    await js.publish(unitSubject(plan.unit, names), JSON.stringify(message), { msgID, headers: h });
  }
  return {
    name: 'nats',
    admit: (plan) => publish(plan, `${plan.stayRef}/admit`, { admitStay: admitStayJson(plan) }),
    // The msgID names the step by its hour: JetStream drops a redelivery of it within the stream's duplicate window.
    record: (plan, step) =>
      publish(plan, `${plan.stayRef}/${step.hour}`, { recordObservations: recordObservationsJson(plan, step) }),
    discharge: (plan) => publish(plan, `${plan.stayRef}/discharge`, { dischargeStay: dischargeStayJson(plan) }),
    close: () => nc.drain(),
  };
}

/** Whatever stores a batch: the monitor (MonitorService.ingest), built by the caller. */
export interface BatchIngest {
  ingest(batch: IngestBatch): Promise<IngestResult>;
}

/** In-process, through the monitor itself: measurements without a server. */
export function directTransport(monitor: BatchIngest, requester = 'replay'): ReplayTransport {
  const origin = { source: 'replay' as const, requester };
  return {
    name: 'direct',
    async admit(plan) {
      await monitor.ingest({
        ...origin,
        admissions: [
          {
            stayRef: plan.stayRef,
            patientRef: plan.patientRef,
            unit: plan.unit,
            admittedAt: plan.admittedAt,
            facts: plan.facts,
          },
        ],
      });
    },
    async record(plan, step) {
      await monitor.ingest({
        ...origin,
        observations: [
          {
            stayRef: plan.stayRef,
            observations: step.observations.map((o) => ({
              name: o.name,
              time: o.time,
              value: o.value,
              sourceId: o.sourceId,
            })),
          },
        ],
      });
    },
    async discharge(plan) {
      await monitor.ingest({ ...origin, discharges: [{ stayRef: plan.stayRef, dischargedAt: plan.dischargedAt }] });
    },
    close: async () => undefined,
  };
}
