import { SEPSIS_TREND_FEATURES, SEPSIS_TREND_NAMES, sepsisTrends, sepsisTrendsAt } from '@/features/sepsis-trends';

const at = (vector: Float64Array, name: string) => vector[SEPSIS_TREND_NAMES.indexOf(name)];

describe('sepsis trend features', () => {
  it('names every feature once, with a clinician-readable label and a kind', () => {
    expect(new Set(SEPSIS_TREND_NAMES).size).toBe(SEPSIS_TREND_NAMES.length);
    expect(SEPSIS_TREND_FEATURES.find((f) => f.name === 'heart_rate_change_6h')?.label).toBe(
      'Heart rate, change over 6 h',
    );
    expect(SEPSIS_TREND_FEATURES.filter((f) => f.kind === 'habit').map((f) => f.name)).toContain(
      'heart_rate_hours_since',
    );
  });

  it('a single hour with no history: changes and baseline deviation are 0 or missing, ranges hold that hour', () => {
    const v = sepsisTrendsAt([{ ICULOS: 1, HR: 90, SBP: 120 }], 0);
    expect(at(v, 'heart_rate_change_1h')).toBeNaN();
    expect(at(v, 'heart_rate_min_24h')).toBe(90);
    expect(at(v, 'heart_rate_max_24h')).toBe(90);
    expect(at(v, 'heart_rate_from_baseline')).toBe(0);
    expect(at(v, 'heart_rate_hours_since')).toBe(0);
    expect(at(v, 'heart_rate_count_24h')).toBe(1);
    expect(at(v, 'temperature_min_24h')).toBeNaN();
    expect(at(v, 'temperature_hours_since')).toBeNaN();
    expect(at(v, 'shock_index_change_6h')).toBeNaN();
  });

  it('computes changes from carried-forward values, windows, baseline and SOFA-style changes by hand', () => {
    // Heart rate 80 for hours 1–6 (baseline median 80), then missing at 7, 100 at 8…13; SBP 100 throughout.
    const hours = Array.from({ length: 13 }, (_, i) => ({
      ICULOS: i + 1,
      HR: i + 1 === 7 ? Number.NaN : i + 1 <= 6 ? 80 : 100,
      SBP: 100,
      ...(i === 0 ? { Creatinine: 1, Platelets: 200 } : {}),
      ...(i === 12 ? { Creatinine: 1.6, Platelets: 150, O2Sat: 95, FiO2: 0.5 } : {}),
    }));
    const v = sepsisTrendsAt(hours, 12); // hour 13
    expect(at(v, 'heart_rate_change_1h')).toBe(0); // 100 at hour 12
    expect(at(v, 'heart_rate_change_6h')).toBe(20); // hour 7 has no reading: hour 6's 80 is the value held then
    expect(at(v, 'heart_rate_change_12h')).toBe(20); // hour 1: 80
    expect(at(v, 'heart_rate_min_24h')).toBe(80);
    expect(at(v, 'heart_rate_max_24h')).toBe(100);
    expect(at(v, 'heart_rate_from_baseline')).toBe(20);
    expect(at(v, 'heart_rate_count_24h')).toBe(12);
    expect(at(v, 'shock_index_change_6h')).toBeCloseTo(0.2, 12);
    expect(at(v, 'spo2_fio2_ratio')).toBe(190);
    expect(at(v, 'creatinine_rise_48h')).toBeCloseTo(0.6, 12);
    expect(at(v, 'platelets_fall_48h')).toBeCloseTo(0.25, 12);
    expect(at(v, 'bilirubin_rise_48h')).toBeNaN();
  });

  it('reads nothing from later hours: the vector at an hour is the same with or without the hours after it', () => {
    const hours = Array.from({ length: 30 }, (_, i) => ({
      ICULOS: i + 3,
      HR: 70 + ((i * 7) % 13),
      Resp: i % 3 ? 18 : Number.NaN,
    }));
    const all = sepsisTrends(hours);
    for (const k of [0, 5, 17, 29]) expect(sepsisTrendsAt(hours.slice(0, k + 1), k)).toEqual(all[k]);
  });

  it('goes by hours, not rows: a gap in ICULOS counts as hours', () => {
    const v = sepsisTrendsAt(
      [
        { ICULOS: 1, HR: 60 },
        { ICULOS: 30, HR: 90 },
      ],
      1,
    );
    expect(at(v, 'heart_rate_change_1h')).toBe(30); // the value held at hour 29 is hour 1's
    expect(at(v, 'heart_rate_min_24h')).toBe(90); // hour 1 is outside the 24-h window
    expect(at(v, 'heart_rate_count_24h')).toBe(1);
  });
});
