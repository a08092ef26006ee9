/**
 * POST /api/fhir as a function: bearer keys from an in-memory store, a fake monitor, and FHIR answers — a
 * transaction-response (or batch-response) Bundle, or an OperationOutcome naming each bad entry.
 */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { DatabaseUnavailableError } from '@/db/database';
import { InvalidInputError } from '@/errors/invalid-input';
import { handleFhirRequest, MAX_FHIR_BODY_BYTES, type FhirMonitor } from '@/ingest/fhir-endpoint';
import type { IngestBatch, IngestResult } from '@/monitoring/monitor-input';
import { UnknownStayError } from '@/monitoring/monitor-service';
import { MemoryApiKeyStore } from '../../support/memory-api-keys';
import {
  age,
  bloodPressure,
  changed,
  encounter,
  heartRate,
  patient,
  temperature,
  transaction,
  vocabulary,
} from '../../support/fhir-bundles';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const nothing: IngestResult = {
  admitted: [],
  stored: [],
  duplicates: 0,
  discharged: [],
  assessed: [],
  alertsRaised: [],
};

function setup(ingest: (batch: IngestBatch) => Promise<IngestResult> = async () => nothing) {
  const keys = new MemoryApiKeyStore();
  const batches: IngestBatch[] = [];
  const monitor: FhirMonitor = {
    vocabulary,
    ingest: async (batch) => {
      batches.push(batch);
      return ingest(batch);
    },
  };
  const logged: unknown[] = [];
  const logger = { error: (...args: unknown[]) => void logged.push(args) } as never;
  const handle = (request: Request) => handleFhirRequest(request, async () => ({ keys, monitor, logger }));
  return { keys, batches, logged, handle };
}

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request('http://localhost/api/fhir', {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function fhirBody<T>(response: Response): Promise<T> {
  expect(response.headers.get('content-type')).toBe(FHIR_JSON);
  return (await response.json()) as T;
}

describe('a stored transaction', () => {
  const bundle = transaction(patient, encounter, age, temperature, bloodPressure, heartRate);
  const result: IngestResult = {
    ...nothing,
    admitted: ['enc-2001'],
    stored: [{ stayRef: 'enc-2001', observations: [{ id: 'o-1' }, { id: 'o-2' }, { id: 'o-3' }, { id: 'o-4' }, null] }],
    duplicates: 1,
  };

  it('hands the monitor one batch from the key that sent it, and answers a transaction-response', async () => {
    const { keys, batches, handle } = setup(async () => result);
    const { authorization, keyId } = await keys.bearer('clinician');
    const response = await handle(post(bundle, { authorization }));
    expect(response.status).toBe(200);
    const answer = await fhirBody<Bundle>(response);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ source: 'fhir', requester: keyId });
    expect(batches[0].observations![0].observations.map((o) => o.name)).toEqual(['Temp', 'SBP', 'DBP', 'MAP', 'HR']);
    expect(answer.resourceType).toBe('Bundle');
    expect(answer.type).toBe('transaction-response');
    expect(answer.entry!.map((e) => [e.response!.status, e.response!.location])).toEqual([
      ['200 OK', undefined],
      ['201 Created', 'Encounter/enc-2001'],
      ['201 Created', undefined],
      ['201 Created', 'Observation/o-1'],
      ['201 Created', 'Observation/o-2'],
      ['200 OK', undefined],
    ]);
  });

  it('names every stored id of a blood pressure panel and says a redelivery was already on record', async () => {
    const { keys, handle } = setup(async () => result);
    const { authorization } = await keys.bearer('admin');
    const answer = await fhirBody<Bundle>(await handle(post(bundle, { authorization })));
    const note = (i: number) => answer.entry![i].response!.outcome!.issue[0];
    expect(note(4)).toEqual({
      severity: 'information',
      code: 'informational',
      diagnostics: 'stored as Observation/o-2, Observation/o-3, Observation/o-4',
    });
    expect(note(5).diagnostics).toMatch(/^already on record \(a redelivery\)/);
    expect(note(0).diagnostics).toMatch(/^Patient resources are not stored/);
  });

  it('answers a batch with a batch-response, and an admission already on record with 200 OK', async () => {
    const { keys, handle } = setup();
    const { authorization } = await keys.bearer('clinician');
    const answer = await fhirBody<Bundle>(
      await handle(post({ ...transaction(encounter), type: 'batch' }, { authorization })),
    );
    expect(answer.type).toBe('batch-response');
    expect(answer.entry![0].response).toMatchObject({ status: '200 OK', location: 'Encounter/enc-2001' });
  });

  it('takes application/json too', async () => {
    const { keys, handle } = setup();
    const { authorization } = await keys.bearer('clinician');
    const response = await handle(post(transaction(heartRate), { authorization, 'content-type': 'application/json' }));
    expect(response.status).toBe(200);
  });
});

describe('refusals as OperationOutcomes', () => {
  async function refused(request: Request, status: number, ingest?: () => Promise<IngestResult>) {
    const context = setup(ingest);
    const response = await context.handle(request);
    expect(response.status).toBe(status);
    return { outcome: await fhirBody<OperationOutcome>(response), ...context };
  }

  async function authorized(role: 'clinician' | 'auditor' = 'clinician') {
    return (await new MemoryApiKeyStore().bearer(role)).authorization;
  }

  it('answers 400 with an issue per bad entry when the bundle is not one it reads; nothing reaches the monitor', async () => {
    const context = setup();
    const { authorization } = await context.keys.bearer('clinician');
    const bad = transaction(
      heartRate,
      changed(temperature, { effectiveDateTime: '2026-03-01' }),
      changed(heartRate, { id: 'hr-2', status: 'cancelled' }),
    );
    const response = await context.handle(post(bad, { authorization }));
    expect(response.status).toBe(400);
    expect(context.batches).toEqual([]);
    expect((await fhirBody<OperationOutcome>(response)).issue).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: expect.stringMatching(/^entry 1: "2026-03-01" must carry a time and a time zone/),
        expression: ['Bundle.entry[1].resource.effectiveDateTime'],
      },
      {
        severity: 'error',
        code: 'not-supported',
        diagnostics: expect.stringMatching(/^entry 2: cancelled observations are not kept/),
        expression: ['Bundle.entry[2].resource.status'],
      },
    ]);
  });

  it('refuses a history Bundle with 400', async () => {
    const context = setup();
    const { authorization } = await context.keys.bearer('clinician');
    const response = await context.handle(post({ ...transaction(heartRate), type: 'history' }, { authorization }));
    expect(response.status).toBe(400);
    expect((await fhirBody<OperationOutcome>(response)).issue[0]).toMatchObject({
      code: 'not-supported',
      expression: ['Bundle.type'],
    });
  });

  it("answers 422 with the monitor's refusal mapped back to the entries and elements it came from", async () => {
    const context = setup(async () => {
      throw new InvalidInputError([
        { name: 'observations[0].observations[1] (SBP)', message: '400 is above the largest SBP, 300 (mm[Hg])' },
        { name: 'admissions[0].unit', message: 'must be 1 to 100 characters' },
      ]);
    });
    const { authorization } = await context.keys.bearer('clinician');
    const response = await context.handle(post(transaction(encounter, heartRate, bloodPressure), { authorization }));
    expect(response.status).toBe(422);
    expect((await fhirBody<OperationOutcome>(response)).issue).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: 'entry 2: SBP: 400 is above the largest SBP, 300 (mm[Hg])',
        expression: ['Bundle.entry[2].resource.component[0].valueQuantity'],
      },
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: 'entry 0: must be 1 to 100 characters',
        expression: ['Bundle.entry[0].resource.location[0].location.display'],
      },
    ]);
  });

  it('answers 422 not-found on each Observation of a stay that is not admitted', async () => {
    const context = setup(async () => {
      throw new UnknownStayError([{ name: 'observations[0].stayRef', message: 'stay enc-2001 is not admitted' }]);
    });
    const { authorization } = await context.keys.bearer('clinician');
    const response = await context.handle(post(transaction(heartRate, temperature), { authorization }));
    expect(response.status).toBe(422);
    expect((await fhirBody<OperationOutcome>(response)).issue.map((i) => [i.code, i.expression])).toEqual([
      ['not-found', ['Bundle.entry[0].resource.encounter.reference']],
      ['not-found', ['Bundle.entry[1].resource.encounter.reference']],
    ]);
  });

  it('answers 401 without a key, or with one it does not know, with a Bearer challenge', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: await authorized() },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ];
    for (const headers of cases) {
      const response = await setup().handle(post(transaction(heartRate), headers));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="clinical-risk-console"');
      expect((await fhirBody<OperationOutcome>(response)).issue[0]).toMatchObject({ severity: 'error', code: 'login' });
    }
  });

  it('answers 403 to a key whose role may not record observations', async () => {
    const context = setup();
    const { authorization } = await context.keys.bearer('auditor');
    const response = await context.handle(post(transaction(heartRate), { authorization }));
    expect(response.status).toBe(403);
    expect((await fhirBody<OperationOutcome>(response)).issue[0]).toEqual({
      severity: 'error',
      code: 'forbidden',
      diagnostics: 'the auditor role may not admit stays or record observations; roles that may: clinician, admin',
    });
    expect(context.batches).toEqual([]);
  });

  it('answers 503 transient while the database is unavailable, and nothing is stored', async () => {
    const context = setup(async () => {
      throw new DatabaseUnavailableError('connection refused');
    });
    const { authorization } = await context.keys.bearer('clinician');
    const response = await context.handle(post(transaction(heartRate), { authorization }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await fhirBody<OperationOutcome>(response)).issue[0]).toMatchObject({ code: 'transient' });
  });

  it('answers 503 when the services cannot be built or the key cannot be checked for the same reason', async () => {
    const down = async () => {
      throw new DatabaseUnavailableError('connection refused');
    };
    expect((await handleFhirRequest(post(transaction(heartRate)), down)).status).toBe(503);
    const keys = new MemoryApiKeyStore();
    keys.authenticate = down;
    const response = await handleFhirRequest(
      post(transaction(heartRate), { authorization: 'Bearer crc_abc' }),
      async () => ({
        keys,
        monitor: { vocabulary, ingest: async () => nothing },
        logger: { error: () => undefined } as never,
      }),
    );
    expect(response.status).toBe(503);
  });

  it('answers 415 to a body that is not JSON by its content type', async () => {
    const { outcome } = await refused(post('<Bundle/>', { 'content-type': 'application/fhir+xml' }), 415);
    expect(outcome.issue[0]).toMatchObject({
      code: 'not-supported',
      diagnostics: expect.stringContaining('application/fhir+json'),
    });
  });

  it('answers 400 to a body that is not valid JSON', async () => {
    const context = setup();
    const { authorization } = await context.keys.bearer('clinician');
    const response = await context.handle(post('{"resourceType": "Bundle",', { authorization }));
    expect(response.status).toBe(400);
    expect((await fhirBody<OperationOutcome>(response)).issue[0]).toMatchObject({ code: 'structure' });
  });

  it('answers 413 to a body over the limit, declared or streamed', async () => {
    const declared = await refused(post('{}', { 'content-length': String(MAX_FHIR_BODY_BYTES + 1) }), 413);
    expect(declared.outcome.issue[0]).toMatchObject({ code: 'too-costly' });
    const context = setup();
    const { authorization } = await context.keys.bearer('clinician');
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ > 5) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = new Request('http://localhost/api/fhir', {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', authorization },
      body,
      duplex: 'half',
    } as RequestInit);
    const response = await context.handle(streamed);
    expect(response.status).toBe(413);
    expect(sent).toBeLessThanOrEqual(6);
  });

  it('logs an unexpected failure and answers 500 with a request id only', async () => {
    const context = setup(async () => {
      throw new Error('secret detail');
    });
    const { authorization } = await context.keys.bearer('clinician');
    const response = await context.handle(post(transaction(heartRate), { authorization }));
    expect(response.status).toBe(500);
    const { issue } = await fhirBody<OperationOutcome>(response);
    expect(issue[0]).toMatchObject({
      code: 'exception',
      diagnostics: expect.stringMatching(/^internal server error; request id /),
    });
    expect(JSON.stringify(issue)).not.toContain('secret detail');
    expect(context.logged).toHaveLength(1);
  });
});
