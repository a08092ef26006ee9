/** Why an alert is due: sepsis at the threshold, NEWS2 ≥ 5 or a single 3 (lower bound when incomplete), qSOFA ≥ 2. */
import { alertReasons } from '@/monitoring/alerts';
import { news2 } from '@/monitoring/news2';
import { qsofa } from '@/monitoring/qsofa';

const hour = (values: Record<string, number>) => new Map(Object.entries(values));
const normal = { Resp: 16, O2Sat: 97, SupplementalO2: 0, SBP: 125, HR: 80, Consciousness: 0, Temp: 37 };
const parts = (values: Record<string, number>, sepsis?: { probability: number; positive: boolean }) => ({
  news2: news2(hour(values)),
  qsofa: qsofa(hour(values)),
  sepsis,
  sepsisThreshold: 0.0275,
});

describe('alert reasons', () => {
  it('raises nothing for a well patient', () => {
    expect(alertReasons(parts(normal, { probability: 0.01, positive: false }))).toEqual({});
  });

  it('raises sepsis at the model threshold, naming both numbers', () => {
    expect(alertReasons(parts(normal, { probability: 0.0312, positive: true })).sepsis).toBe(
      "sepsis risk 0.0312 ≥ the model's threshold 0.0275",
    );
  });

  it('raises NEWS2 for a total of 5 and for a single parameter scoring 3', () => {
    // RR 22 (2) + SpO2 94 (1) + HR 95 (1) + Temp 38.2 (1) = 5.
    expect(alertReasons(parts({ ...normal, Resp: 22, O2Sat: 94, HR: 95, Temp: 38.2 })).news2).toBe('NEWS2 5 ≥ 5');
    // Pulse 135 alone scores 3.
    expect(alertReasons(parts({ ...normal, HR: 135 })).news2).toMatch(
      /^a single NEWS2 parameter scores 3: .*\(NEWS2 3\)$/,
    );
  });

  it('alerts on an incomplete NEWS2 only when the part it has already reaches 5, and says what is missing', () => {
    const { Consciousness: _c, ...noConsciousness } = normal;
    void _c;
    expect(alertReasons(parts(noConsciousness)).news2).toBeUndefined();
    const reason = alertReasons(parts({ ...noConsciousness, Resp: 26, SBP: 95 })).news2;
    expect(reason).toMatch(/^NEWS2 at least 5 \(incomplete: .*consciousness.*\) ≥ 5$/);
  });

  it('raises qSOFA at 2 of 3 criteria', () => {
    expect(alertReasons(parts({ ...normal, Resp: 24, SBP: 98 })).qsofa).toBe('qSOFA 2 ≥ 2');
    expect(alertReasons(parts({ ...normal, Resp: 24 })).qsofa).toBeUndefined();
  });
});
