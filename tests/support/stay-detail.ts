/**
 * A stay as stayViews().get returns it, built by hand: three hours of observations (one amended), four assessments
 * (hour 2 revised once; NEWS2 and qSOFA computed by the monitor's own functions from each hour's values) and two alerts.
 */
import { news2 } from '../../src/monitoring/news2';
import { qsofa } from '../../src/monitoring/qsofa';
import { hourValues, observationsInForce } from '../../src/monitoring/stay-course';
import type { StayDetail } from '../../src/monitoring/stay-views';

export const ADMITTED = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number) => new Date(ADMITTED.getTime() + minutes * 60_000);

type Row = [seq: number, name: string, minutes: number, value: number | null, supersedes?: number];

/** seq 7 amends seq 4 (HR 95 → 100); hour 3 measures only HR and Temp, so the rest is carried forward. */
const ROWS: Row[] = [
  [1, 'HR', 30, 80],
  [2, 'Resp', 30, 16],
  [3, 'Lactate', 45, 2.1],
  [4, 'HR', 90, 95],
  [5, 'SBP', 90, 120],
  [6, 'MAP', 90, 85],
  [7, 'HR', 90, 100, 4],
  [8, 'Consciousness', 100, 0],
  [9, 'Temp', 150, 38.2],
  [10, 'HR', 150, 112],
];

export function observations(): StayDetail['observations'] {
  return ROWS.map(([seq, name, minutes, value, supersedes]) => ({
    seq: BigInt(seq),
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    stayId: 'stay-1',
    name,
    time: at(minutes),
    value,
    sentValue: value,
    sentUnit: null,
    status: 'final',
    source: 'graphql',
    sourceId: `s/${seq}`,
    supersedes: supersedes === undefined ? null : BigInt(supersedes),
    requester: 'key-1',
    receivedAt: at(minutes + 1),
  })) as StayDetail['observations'];
}

function assessment(hour: number, revision: number, throughSeq: number, sepsisProbability: number) {
  const read = observationsInForce(observations().filter((o) => o.seq <= BigInt(throughSeq)));
  const values = hourValues(ADMITTED, hour, read);
  const n = news2(values);
  const q = qsofa(values);
  return {
    id: `a${hour}-${revision}`,
    stayId: 'stay-1',
    hour,
    revision,
    throughSeq: BigInt(throughSeq),
    sepsisPredictionId: `p${hour}-${revision}`,
    sepsisProbability,
    sepsisPositive: sepsisProbability >= 0.05,
    icuMortalityPredictionId: null,
    icuMortalityProbability: null,
    news2: n,
    news2Total: n.total,
    qsofa: q,
    qsofaTotal: q.total,
    createdAt: at(hour * 60),
  };
}

export function stayDetail(): StayDetail {
  return {
    id: 'stay-1',
    stayRef: 'enc-1',
    patientRef: 'pat-1',
    unit: 'icu-a',
    admittedAt: ADMITTED,
    dischargedAt: null,
    facts: [
      { name: 'Age', value: 64 },
      { name: 'Gender', value: 1 },
    ],
    spo2Scale: 1,
    admittedBy: 'key-1',
    source: 'graphql',
    createdAt: ADMITTED,
    observations: observations(),
    assessments: [
      assessment(1, 1, 3, 0.01),
      assessment(2, 1, 6, 0.02),
      assessment(2, 2, 8, 0.03),
      assessment(3, 1, 10, 0.08),
    ],
    alerts: [
      {
        id: '11111111-1111-4111-8111-111111111111',
        stayId: 'stay-1',
        kind: 'news2',
        state: 'acknowledged',
        hour: 2,
        assessmentId: 'a2-1',
        reason: 'a single NEWS2 parameter scores 3',
        raisedAt: at(120),
        acknowledgedAt: at(130),
        acknowledgedBy: 'key-1',
        acknowledgedHour: 2,
        acknowledgeNote: 'seen, fluids given',
        resolvedAt: null,
        resolvedBy: null,
        resolveNote: null,
        events: [
          {
            id: 'e1',
            alertId: '11111111-1111-4111-8111-111111111111',
            fromState: null,
            toState: 'open',
            actor: 'monitor',
            note: null,
            at: at(120),
            sequence: 1n,
            previousHash: '0',
            hash: 'h1',
          },
          {
            id: 'e2',
            alertId: '11111111-1111-4111-8111-111111111111',
            fromState: 'open',
            toState: 'acknowledged',
            actor: 'key-1',
            note: 'seen, fluids given',
            at: at(130),
            sequence: 2n,
            previousHash: 'h1',
            hash: 'h2',
          },
        ],
      },
      {
        id: '22222222-2222-4222-8222-222222222222',
        stayId: 'stay-1',
        kind: 'sepsis',
        state: 'open',
        hour: 3,
        assessmentId: 'a3-1',
        reason: "sepsis risk 0.0800 ≥ the model's threshold 0.05",
        raisedAt: at(180),
        acknowledgedAt: null,
        acknowledgedBy: null,
        acknowledgedHour: null,
        acknowledgeNote: null,
        resolvedAt: null,
        resolvedBy: null,
        resolveNote: null,
        events: [
          {
            id: 'e3',
            alertId: '22222222-2222-4222-8222-222222222222',
            fromState: null,
            toState: 'open',
            actor: 'monitor',
            note: null,
            at: at(180),
            sequence: 3n,
            previousHash: 'h2',
            hash: 'h3',
          },
        ],
      },
    ],
  } as unknown as StayDetail;
}
