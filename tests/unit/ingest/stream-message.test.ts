/** A stream message's body is read into the monitor's batch, or refused naming each offending field and what it allows. */
import { InvalidInputError } from '@/errors/invalid-input';
import { parseStreamMessage, stayRefsOf, UnreadableMessageError } from '@/ingest/stream-message';

const context = { requester: 'worker-a', messageKey: '42' };

function refusal(body: unknown): UnreadableMessageError {
  try {
    parseStreamMessage(typeof body === 'string' ? body : JSON.stringify(body), context);
  } catch (error) {
    if (error instanceof UnreadableMessageError) return error;
    throw error;
  }
  throw new Error('the message was read');
}

describe('parseStreamMessage', () => {
  it('reads recordObservations into a nats batch, the requester being the worker', () => {
    const batch = parseStreamMessage(
      JSON.stringify({
        recordObservations: {
          stayRef: 'enc-1',
          observations: [
            { name: 'HR', time: '2026-01-01T10:00:00Z', value: 88, id: 'mon-7' },
            { name: 'Temp', time: '2026-01-01T10:00:00+01:00', value: 98.6, unit: '[degF]' },
            {
              name: 'HR',
              time: '2026-01-01T10:00:00Z',
              value: null,
              id: 'mon-8',
              supersedes: 'mon-7',
              status: 'entered-in-error',
            },
          ],
        },
      }),
      context,
    );
    expect(batch).toEqual({
      source: 'nats',
      requester: 'worker-a',
      observations: [
        {
          stayRef: 'enc-1',
          observations: [
            expect.objectContaining({
              name: 'HR',
              time: new Date('2026-01-01T10:00:00Z'),
              value: 88,
              sourceId: 'mon-7',
            }),
            expect.objectContaining({
              name: 'Temp',
              time: new Date('2026-01-01T09:00:00Z'),
              unit: '[degF]',
              sourceId: '42/1',
            }),
            expect.objectContaining({
              value: null,
              sourceId: 'mon-8',
              supersedes: 'mon-7',
              status: 'entered-in-error',
            }),
          ],
        },
      ],
    });
  });

  it('gives an observation without an id one from the message key and its index, the same on every delivery', () => {
    const body = JSON.stringify({
      stayRef: 'enc-1',
      observations: [
        { name: 'HR', time: '2026-01-01T10:00:00Z', value: 88 },
        { name: 'RR', time: '2026-01-01T10:00:00Z', value: 18 },
      ],
    });
    const ids = (key: string) =>
      parseStreamMessage(body, { ...context, messageKey: key }).observations![0].observations.map((o) => o.sourceId);
    expect(ids('42')).toEqual(['42/0', '42/1']);
    expect(ids('42')).toEqual(ids('42'));
    expect(ids('43')).toEqual(['43/0', '43/1']);
  });

  it('reads a bare { stayRef, observations } (the GraphQL input) as recordObservations', () => {
    const batch = parseStreamMessage(
      JSON.stringify({ stayRef: 'enc-1', observations: [{ name: 'HR', time: '2026-01-01T10:00:00Z', value: 88 }] }),
      context,
    );
    expect(batch.observations?.[0].stayRef).toBe('enc-1');
  });

  it('reads admitStay and dischargeStay, and several kinds in one message as one batch', () => {
    const batch = parseStreamMessage(
      JSON.stringify({
        admitStay: {
          stayRef: 'enc-2',
          patientRef: 'pat-9',
          unit: 'ICU 3',
          admittedAt: '2026-01-01T08:00:00Z',
          facts: [{ name: 'Age', value: 71 }],
          spo2Scale: 2,
        },
        recordObservations: {
          stayRef: 'enc-2',
          observations: [{ name: 'HR', time: '2026-01-01T08:10:00Z', value: 90 }],
        },
      }),
      context,
    );
    expect(batch.admissions).toEqual([
      expect.objectContaining({
        stayRef: 'enc-2',
        patientRef: 'pat-9',
        unit: 'ICU 3',
        admittedAt: new Date('2026-01-01T08:00:00Z'),
        facts: [{ name: 'Age', value: 71 }],
        spo2Scale: 2,
      }),
    ]);
    expect(batch.observations).toHaveLength(1);
    expect(stayRefsOf(batch)).toEqual(['enc-2']);

    const discharge = parseStreamMessage(
      JSON.stringify({ dischargeStay: { stayRef: 'enc-2', dischargedAt: '2026-01-03T12:00:00Z' } }),
      context,
    );
    expect(discharge.discharges).toEqual([{ stayRef: 'enc-2', dischargedAt: new Date('2026-01-03T12:00:00Z') }]);
  });

  it('refuses a body that is not JSON, or not an object', () => {
    expect(refusal('{"stayRef":').fields).toEqual([
      { name: '(message)', message: expect.stringMatching(/^must be JSON/) },
    ]);
    expect(refusal('[1,2]').fields[0]).toEqual({ name: '(message)', message: expect.stringContaining('JSON object') });
    expect(refusal('{"stayRef":').code).toBe('UNREADABLE_MESSAGE');
  });

  it('names the field path of every problem and what is allowed', () => {
    const error = refusal({
      recordObservations: {
        stayRef: 'enc-1',
        observations: [
          { name: 'HR', time: '2026-01-01T10:00:00', value: 88 },
          { name: 'HR', time: '2026-01-01T10:00:00Z', value: '88', status: 'draft' },
          { name: 'HR', time: '2026-01-01T10:00:00Z', value: 1, colour: 'red' },
        ],
      },
    });
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { name: 'recordObservations.observations[0].time', message: expect.stringContaining('with a zone') },
        { name: 'recordObservations.observations[1].value', message: expect.stringContaining('must be a number') },
        {
          name: 'recordObservations.observations[1].status',
          message: 'must be one of final, amended, entered-in-error',
        },
        {
          name: 'recordObservations.observations[2].colour',
          message: 'is not a field here; allowed: name, time, value, unit, id, supersedes, status',
        },
      ]),
    );
    expect(error.fields).toHaveLength(4);
    expect(error.message).toContain('recordObservations.observations[0].time');
  });

  it('names fields of the bare shape without the envelope, and says which are missing', () => {
    const error = refusal({ stayRef: 'enc-1', observations: [{ name: 'HR', value: 88 }] });
    expect(error.fields).toEqual([{ name: 'observations[0].time', message: 'is required' }]);
    expect(refusal({ stayRef: 'enc-1', observations: [] }).fields).toEqual([
      { name: 'observations', message: 'must hold at least one observation' },
    ]);
  });

  it('refuses an unknown kind of message, naming the kinds there are', () => {
    const error = refusal({ recordObservation: { stayRef: 'enc-1' } });
    expect(error.fields).toContainEqual({
      name: 'recordObservation',
      message: expect.stringContaining('allowed: recordObservations, admitStay'),
    });
    expect(refusal({}).fields[0].message).toContain('must hold one of');
  });

  it('refuses text that cannot be stored, and values out of range', () => {
    const error = refusal({
      admitStay: {
        stayRef: 'enc\u0000',
        patientRef: ' ',
        unit: 'ICU',
        admittedAt: '2026-01-01T08:00:00Z',
        spo2Scale: 3,
      },
    });
    expect(error.fields).toEqual(
      expect.arrayContaining([
        { name: 'admitStay.stayRef', message: 'must not contain control characters' },
        { name: 'admitStay.patientRef', message: 'must not be empty' },
        { name: 'admitStay.spo2Scale', message: 'must be 1 or 2' },
      ]),
    );
  });

  it('refuses a FHIR Bundle unless the FHIR hook is wired, and hands it to the hook when it is', () => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [] };
    expect(refusal(bundle).fields).toEqual([
      { name: 'resourceType', message: expect.stringContaining('no FHIR mapping wired') },
    ]);
    expect(refusal({ resourceType: 'Observation' }).fields[0].name).toBe('resourceType');

    const fromBundle = jest.fn(() => ({ source: 'nats' as const, requester: 'worker-a', observations: [] }));
    expect(parseStreamMessage(JSON.stringify(bundle), { ...context, fromBundle })).toEqual({
      source: 'nats',
      requester: 'worker-a',
      observations: [],
    });
    expect(fromBundle).toHaveBeenCalledWith(bundle);

    const refusing = () => {
      throw new InvalidInputError([{ name: 'entry[0]', message: 'bad' }]);
    };
    expect(() => parseStreamMessage(JSON.stringify(bundle), { ...context, fromBundle: refusing })).toThrow(
      InvalidInputError,
    );
  });
});
