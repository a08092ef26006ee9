/**
 * The ward board's rows from a snapshot: what each cell says (vitals with their age, NEWS2 and qSOFA whole or partial,
 * sepsis risk over the last day), and the urgency order a clinician scans in.
 */
import { ageText, byUrgency, wardBoard, wardUnit, SPARKLINE_HOURS, type WardRow } from '@/dashboard/ward';
import { news2 } from '@/monitoring/news2';
import { qsofa } from '@/monitoring/qsofa';
import type { WardAlert, WardSnapshot, WardStay } from '@/monitoring/ward-snapshot';

const ADMITTED = new Date('2026-03-01T08:00:00Z');
const READ_AT = new Date('2026-03-02T10:20:00Z'); // 26 h 20 min after admission
const minutesBefore = (m: number) => new Date(READ_AT.getTime() - m * 60_000);
const NORMAL = { Resp: 16, O2Sat: 97, SupplementalO2: 0, SBP: 120, HR: 70, Consciousness: 0, Temp: 37.0 };
const THRESHOLD = 0.0275;
/** NORMAL without a consciousness level: NEWS2 and qSOFA can only be partial. */
const noConsciousness = Object.fromEntries(Object.entries(NORMAL).filter(([code]) => code !== 'Consciousness'));

/** One assessed hour: its sepsis risk, NEWS2 and qSOFA from the hour's values. */
function assessment(hour: number, values: Record<string, number>, sepsis: number | null = 0.01) {
  const hourValues = new Map(Object.entries(values));
  return {
    hour,
    revision: 1,
    sepsisProbability: sepsis,
    sepsisPositive: sepsis === null ? null : sepsis >= THRESHOLD,
    news2: news2(hourValues),
    qsofa: qsofa(hourValues),
  };
}
type Assessed = ReturnType<typeof assessment>;

function alert(kind: WardAlert['kind'], state: WardAlert['state'] = 'open'): WardAlert {
  return {
    id: `${kind}-${state}`,
    kind,
    state,
    hour: 3,
    reason: `${kind} reason`,
    raisedAt: ADMITTED,
    acknowledgedAt: null,
    acknowledgedBy: state === 'acknowledged' ? 'nurse' : null,
  };
}

/** A stay as the snapshot gives it; `assessments` become its recent risk and its latest hour's scores. */
function stay(
  stayRef: string,
  { assessments = [], ...over }: Partial<WardStay> & { assessments?: Assessed[] } = {},
): WardStay {
  const last = assessments.at(-1);
  return {
    id: `id-${stayRef}`,
    stayRef,
    patientRef: `p-${stayRef}`,
    unit: 'icu-a',
    admittedAt: ADMITTED,
    latest: [],
    risk: assessments.map(({ hour, revision, sepsisProbability, sepsisPositive }) => ({
      hour,
      revision,
      sepsisProbability,
      sepsisPositive,
    })),
    scores: last ? { hour: last.hour, news2: last.news2, qsofa: last.qsofa } : null,
    icuMortality: null,
    alerts: [],
    ...over,
  };
}

function board(stays: WardStay[]): WardRow[] {
  const snapshot: WardSnapshot = { readAt: READ_AT, units: ['icu-a'], stays };
  return wardBoard(snapshot, { unit: null, sepsisThreshold: THRESHOLD }).rows;
}

describe('a row of the board', () => {
  it('reads hours since admission by the clock and the latest vitals with their age, stale after 4 hours', () => {
    const [row] = board([
      stay('a', {
        latest: [
          { name: 'HR', value: 112.4, time: minutesBefore(14) },
          { name: 'Temp', value: 38.25, time: minutesBefore(5 * 60) },
          { name: 'O2Sat', value: 93, time: READ_AT },
          { name: 'Lactate', value: 4, time: READ_AT },
        ],
      }),
    ]);
    expect(row.hoursSinceAdmission).toBe(26);
    expect(row.href).toBe('/stays/a');
    // In the board's order (HR, SBP, RR, Temp, SpO₂); codes the board does not show are left out.
    expect(row.vitals).toEqual([
      { code: 'HR', label: 'HR', text: '112 /min', age: '14 min ago', stale: false },
      { code: 'Temp', label: 'Temp', text: '38.3 °C', age: '5 h ago', stale: true },
      { code: 'O2Sat', label: 'SpO₂', text: '93 %', age: 'just now', stale: false },
    ]);
  });

  it('shows a complete NEWS2 with its RCP band, and a partial one as a lower bound naming what is missing', () => {
    const [complete] = board([stay('a', { assessments: [assessment(5, { ...NORMAL, Resp: 22, HR: 95 })] })]);
    // RR 22 scores 2 and HR 95 scores 1: 3, low.
    expect(complete.news2).toEqual({
      hour: 5,
      complete: true,
      score: 3,
      certain: 'low',
      text: '3',
      band: 'low',
      description: 'NEWS2 3, low clinical risk, hour 5',
    });
    const [partial] = board([stay('b', { assessments: [assessment(6, { ...noConsciousness, Resp: 26 })] })]);
    expect(partial.news2?.text).toBe('≥ 3');
    expect(partial.news2?.band).toBe('partial');
    expect(partial.news2?.description).toMatch(/^NEWS2 partial, at least 3; missing .*consciousness/i);
    expect(partial.qsofa).toMatchObject({ text: '≥ 1', high: false, complete: false });
    expect(partial.qsofa?.description).toMatch(/missing/);
  });

  it('keeps a partial NEWS2 that is high whatever is missing as high', () => {
    // RR 26 (3) + SpO₂ 91 (3) + SBP 89 (3): 9 without consciousness, high already.
    const [row] = board([
      stay('a', { assessments: [assessment(2, { ...noConsciousness, Resp: 26, O2Sat: 91, SBP: 89 })] }),
    ]);
    expect(row.news2).toMatchObject({ text: '≥ 9', band: 'high' });
  });

  it('draws sepsis risk over the last 24 assessed hours, with the threshold and whether the latest is above it', () => {
    const assessments = Array.from({ length: 30 }, (_, i) => assessment(i + 1, NORMAL, (i + 1) / 1000));
    assessments[29] = assessment(30, NORMAL, null); // past the model's span: no risk, NEWS2 still
    const [row] = board([stay('a', { assessments })]);
    expect(row.sepsis?.hour).toBe(29);
    expect(row.sepsis?.probability).toBeCloseTo(0.029, 12);
    expect(row.sepsis?.positive).toBe(true);
    expect(row.sepsis?.threshold).toBe(THRESHOLD);
    expect(row.sepsis?.points.map((p) => p.hour)).toEqual(Array.from({ length: SPARKLINE_HOURS }, (_, i) => i + 6));
    expect(row.assessedHour).toBe(30);
  });

  it('says ICU mortality is pending until hour 48 is scored', () => {
    const [pending, scored] = board([stay('a'), stay('b', { icuMortality: { hour: 48, probability: 0.2 } })]);
    expect(pending.icuMortality).toBe('pending');
    expect(scored.icuMortality).toEqual({ hour: 48, probability: 0.2 });
  });

  it('splits alerts into open and acknowledged', () => {
    const [row] = board([stay('a', { alerts: [alert('news2'), alert('sepsis', 'acknowledged')] })]);
    expect(row.openAlerts.map((a) => a.kind)).toEqual(['news2']);
    expect(row.acknowledgedAlerts.map((a) => a.kind)).toEqual(['sepsis']);
  });
});

describe('urgency', () => {
  it('puts open alerts first, then NEWS2 by band and score, then sepsis risk; equal rows keep their order', () => {
    const rows = board([
      stay('quiet', { assessments: [assessment(3, NORMAL, 0.001)] }),
      // RR 22 (2) + HR 112 (2) + 38.5 °C (1) = 5: medium. RR 26 alone scores 3: low-medium.
      stay('news-medium', { assessments: [assessment(3, { ...NORMAL, Resp: 22, HR: 112, Temp: 38.5 }, 0.001)] }),
      stay('risky', { assessments: [assessment(3, NORMAL, 0.2)] }),
      stay('alerted', { alerts: [alert('sepsis')], assessments: [assessment(3, NORMAL, 0.001)] }),
      stay('unassessed'),
      stay('news-low-medium', { assessments: [assessment(3, { ...NORMAL, Resp: 26 }, 0.001)] }),
      stay('quiet-too', { assessments: [assessment(3, NORMAL, 0.001)] }),
    ]);
    expect(rows.map((r) => r.stayRef)).toEqual([
      'alerted',
      'news-medium',
      'news-low-medium',
      'risky',
      'quiet',
      'quiet-too',
      'unassessed',
    ]);
  });

  it('ranks a partial score by the band its lower bound already reaches: "≥ 6" is medium, above a complete low-medium', () => {
    // RR 22 (2) + HR 112 (2) + 38.5 °C (1) + SBP 105 (1) = 6 without consciousness: medium is certain.
    const partialSix = assessment(3, { ...noConsciousness, Resp: 22, HR: 112, Temp: 38.5, SBP: 105 });
    // RR 26 alone scores 3: a complete low-medium.
    const lowMedium = assessment(3, { ...NORMAL, Resp: 26 });
    const rows = board([
      stay('low-medium', { assessments: [lowMedium] }),
      stay('partial-six', { assessments: [partialSix] }),
    ]);
    expect(rows.map((r) => r.stayRef)).toEqual(['partial-six', 'low-medium']);
    expect(rows[0].news2).toMatchObject({ text: '≥ 6', band: 'partial', certain: 'medium' });
  });

  it('ranks a partial score above a complete low one: what is missing may not be normal', () => {
    const a = board([stay('a')])[0];
    const partial: WardRow = {
      ...a,
      news2: { hour: 1, complete: false, score: 2, certain: null, text: '≥ 2', band: 'partial', description: '' },
    };
    const low: WardRow = {
      ...a,
      news2: { hour: 1, complete: true, score: 4, certain: 'low', text: '4', band: 'low', description: '' },
    };
    expect(byUrgency(partial, low)).toBeLessThan(0);
  });
});

describe('the board in words', () => {
  it('writes an age in the largest short unit, and a time after the clock as ahead of it', () => {
    expect(ageText(READ_AT, minutesBefore(0.4))).toBe('just now');
    expect(ageText(READ_AT, minutesBefore(59))).toBe('59 min ago');
    expect(ageText(READ_AT, minutesBefore(47 * 60 + 59))).toBe('47 h ago');
    expect(ageText(READ_AT, minutesBefore(72 * 60))).toBe('3 d ago');
    expect(ageText(READ_AT, minutesBefore(-125))).toBe('2 h ahead of this clock');
  });

  it('takes ?unit= trimmed, and nothing for an empty or overlong value', () => {
    expect(wardUnit(' icu-a ')).toBe('icu-a');
    expect(wardUnit(['icu-b', 'icu-c'])).toBe('icu-b');
    expect(wardUnit('')).toBeNull();
    expect(wardUnit(undefined)).toBeNull();
    expect(wardUnit('x'.repeat(101))).toBeNull();
  });
});
