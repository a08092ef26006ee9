/**
 * `--via nats` on the machine's JetStream (127.0.0.1:4222), on a stream of the test's own: the stream is made when
 * missing, one stay's admission, steps and discharge land as the worker's messages on `<prefix>.<unit>`, and a
 * redelivered run is dropped by the msgID dedupe.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { staysOfCsv } from '@/ingest/physionet2019-stays';
import { replayPlan, type ReplayPlan } from '@/ingest/replay-plan';
import { replay } from '@/ingest/replay';
import { natsTransport } from '@/ingest/replay-transports';
import { shippedVocabulary } from '../../support/monitor-vocabulary';

const SERVERS = 'nats://127.0.0.1:4222';
const suffix = randomBytes(4).toString('hex');
const STREAM = `CRC_REPLAY_TEST_${suffix}`;
const PREFIX = `crc_replay_test_${suffix}.observations`;
const START = new Date('2026-03-01T08:00:00Z');

const CSV = `patient_id,HR,O2Sat,Age,Gender,Unit1,Unit2,HospAdmTime,ICULOS,SepsisLabel
pN,80,97,70,1,0,1,-1,1,0
pN,,,70,1,0,1,-1,2,0
pN,85,,70,1,0,1,-1,3,1
`;

describe('a replay via NATS JetStream', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let plan: ReplayPlan;

  beforeAll(async () => {
    nc = await connect({ servers: SERVERS });
    jsm = await jetstreamManager(nc);
    for await (const stay of staysOfCsv(Readable.from([CSV]), { patients: 1 }))
      plan = replayPlan(stay, { runId: 'run1', admittedAt: START, vocabulary: shippedVocabulary() });
  });
  afterAll(async () => {
    await jsm.streams.delete(STREAM).catch(() => undefined);
    await nc.close();
  });

  it('makes the stream, publishes admitStay, recordObservations per step and dischargeStay, each acknowledged', async () => {
    const run = async () => {
      const transport = await natsTransport({
        servers: SERVERS,
        names: { stream: STREAM, subjectPrefix: PREFIX, consumer: `${STREAM}-consumer` },
      });
      try {
        return await replay({ plans: [plan], transport, speed: 0, startedAt: START });
      } finally {
        await transport.close();
      }
    };
    expect(await run()).toMatchObject({ admitted: 1, steps: 2, discharged: 1, failures: 0 });
    const info = await jsm.streams.info(STREAM);
    expect(info.config.subjects).toEqual([`${PREFIX}.*`]);
    expect(info.state.messages).toBe(4);

    const messages = [];
    for (let seq = 1; seq <= 4; seq++) {
      const m = await jsm.streams.getMessage(STREAM, { seq });
      messages.push({ subject: m!.subject, msgID: m!.header.get('Nats-Msg-Id'), body: m!.json() });
    }
    expect(messages.map((m) => [m.subject, m.msgID])).toEqual([
      [`${PREFIX}.sicu`, 'pN-run1/admit'],
      [`${PREFIX}.sicu`, 'pN-run1/1'],
      [`${PREFIX}.sicu`, 'pN-run1/3'],
      [`${PREFIX}.sicu`, 'pN-run1/discharge'],
    ]);
    expect(messages[0].body).toEqual({
      admitStay: {
        stayRef: 'pN-run1',
        patientRef: 'pN',
        unit: 'sicu',
        admittedAt: '2026-03-01T08:00:00.000Z',
        facts: [
          { name: 'Age', value: 70 },
          { name: 'Gender', value: 1 },
          { name: 'HospAdmTime', value: -1 },
        ],
      },
    });
    expect(messages[2].body).toEqual({
      recordObservations: {
        stayRef: 'pN-run1',
        observations: [{ name: 'HR', time: '2026-03-01T10:30:00.000Z', value: 85, id: 'pN-run1/3/HR' }],
      },
    });
    expect(messages[3].body).toEqual({
      dischargeStay: { stayRef: 'pN-run1', dischargedAt: '2026-03-01T11:00:00.000Z' },
    });
    // The label (1 in hour 3) is in no message.
    expect(JSON.stringify(messages)).not.toMatch(/SepsisLabel/);

    // The same run again: every msgID is within the duplicate window, so the stream keeps its 4 messages.
    expect(await run()).toMatchObject({ failures: 0 });
    expect((await jsm.streams.info(STREAM)).state.messages).toBe(4);
  });
});
