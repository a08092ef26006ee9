/** The monitor's reading of a course: hours, the hours to assess, corrections in force, an hour's values, model courses. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCard } from '@/inference/model-card';
import {
  hourEnd,
  hourOf,
  hoursToAssess,
  hourValues,
  modelCourse,
  observationsInForce,
  type StoredObservation,
} from '@/monitoring/stay-course';
import { MonitorVocabulary } from '@/monitoring/vocabulary';

const card = (id: string) => JSON.parse(readFileSync(join('models', id, 'card.json'), 'utf8')) as ModelCard;
const vocabulary = MonitorVocabulary.fromCards({ sepsis: card('sepsis'), 'icu-mortality': card('icu-mortality') });
const ADMITTED = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number) => new Date(ADMITTED.getTime() + minutes * 60_000);
let seq = BigInt(0);
const obs = (
  name: string,
  minutes: number,
  value: number | null,
  supersedes: bigint | null = null,
): StoredObservation => ({
  seq: ++seq,
  name,
  time: at(minutes),
  value,
  supersedes,
});

describe('hours of a stay', () => {
  it('puts minute 0 in hour 1 and hour h over (h−1)·60 < m ≤ h·60, as the sepsis course does', () => {
    expect([0, 0.5, 60, 60.001, 120, 121].map((m) => hourOf(ADMITTED, at(m)))).toEqual([1, 1, 1, 2, 2, 3]);
    expect(hourEnd(ADMITTED, 3)).toEqual(at(180));
  });

  it('assesses every hour with new data once, and only the latest hour again for late data', () => {
    const upTo = (n: number) => new Set(Array.from({ length: n }, (_, i) => i + 1));
    expect(hoursToAssess([1, 2, 2], new Set())).toEqual([1, 2]);
    // Data for hour 3, assessed already, after hour 5: the latest hour again, not hours 3 and 4.
    expect(hoursToAssess([3], upTo(5))).toEqual([5]);
    expect(hoursToAssess([3, 7, 6], upTo(5))).toEqual([5, 6, 7]);
    expect(hoursToAssess([5], upTo(5))).toEqual([5]);
    expect(hoursToAssess([], upTo(5))).toEqual([]);
    // Hour 10 redelivered after hour 11 was assessed: hour 10 gets its first assessment, and hour 11 is re-assessed.
    expect(hoursToAssess([10], new Set([8, 9, 11]))).toEqual([10, 11]);
  });
});

describe('corrections', () => {
  it('keeps the last of a chain of amendments and drops a withdrawn observation', () => {
    const a = obs('HR', 10, 80);
    const b = obs('HR', 10, 85, a.seq);
    const c = obs('HR', 10, 90, b.seq);
    const d = obs('Temp', 20, 37);
    const e = obs('Temp', 20, null, d.seq);
    expect(observationsInForce([a, b, c, d, e]).map((o) => o.value)).toEqual([90]);
  });
});

describe("an hour's values for NEWS2 and qSOFA", () => {
  it('takes the latest value of each code within the hour and nothing carried from earlier hours', () => {
    const values = hourValues(ADMITTED, 2, [
      obs('HR', 30, 70),
      obs('HR', 70, 100),
      obs('HR', 110, 105),
      obs('Temp', 50, 37),
    ]);
    expect([...values]).toEqual([['HR', 105]]);
  });
});

describe('the course a model is given', () => {
  it('renames codes to the model’s, gives facts at admission, clamps age for icu-mortality, drops codes it does not read', () => {
    const course = modelCourse(
      vocabulary,
      'icu-mortality',
      ADMITTED,
      [{ name: 'Age', value: 95 }],
      [obs('SBP', 30, 120), obs('Resp', 40, 18), obs('O2Sat', 40, 97), obs('HR', 200, 80)],
      at(120),
    );
    expect(course).toEqual([
      { name: 'Age', time: ADMITTED, value: 90 },
      { name: 'NISysABP', time: at(30), value: 120 },
      { name: 'RespRate', time: at(40), value: 18 },
    ]);
    const sepsis = modelCourse(
      vocabulary,
      'sepsis',
      ADMITTED,
      [{ name: 'Age', value: 95 }],
      [obs('O2Sat', 40, 97)],
      at(60),
    );
    expect(sepsis).toEqual([
      { name: 'Age', time: ADMITTED, value: 95 },
      { name: 'O2Sat', time: at(40), value: 97 },
    ]);
  });
});
