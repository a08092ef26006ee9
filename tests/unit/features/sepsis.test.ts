/**
 * Specification of the sepsis features: the challenge columns, input specs, carry-forward, artefact screening and
 * derived ratios.
 */
import fc from 'fast-check';
import { featureSpecSchema, vectorize, vectorNames } from '@/features/feature-set';
import {
  blankImplausible,
  carryForward,
  plausibleRange,
  SEPSIS_CHALLENGE_COLUMNS,
  SEPSIS_COLUMN_TO_FEATURE,
  SEPSIS_LAB_INPUTS,
  SepsisHourOrderError,
  sepsisFeatureSet,
  type ChallengeColumn,
  type ChallengeRow,
  type SepsisSnapshot,
} from '@/features/sepsis';
import { parseChallengeCsv } from '@/training/datasets/sepsis';
import { buildSepsisDataset } from '@/training/datasets/sepsis-patient-hours';

const MEASUREMENTS = [
  ['HR', 'heart_rate'],
  ['O2Sat', 'o2_sat'],
  ['Temp', 'temperature'],
  ['SBP', 'sbp'],
  ['MAP', 'map'],
  ['DBP', 'dbp'],
  ['Resp', 'resp_rate'],
  ['EtCO2', 'etco2'],
  ['BaseExcess', 'base_excess'],
  ['HCO3', 'hco3'],
  ['FiO2', 'fio2'],
  ['pH', 'ph'],
  ['PaCO2', 'paco2'],
  ['SaO2', 'sao2'],
  ['AST', 'ast'],
  ['BUN', 'bun'],
  ['Alkalinephos', 'alkaline_phosphatase'],
  ['Calcium', 'calcium'],
  ['Chloride', 'chloride'],
  ['Creatinine', 'creatinine'],
  ['Bilirubin_direct', 'bilirubin_direct'],
  ['Glucose', 'glucose'],
  ['Lactate', 'lactate'],
  ['Magnesium', 'magnesium'],
  ['Phosphate', 'phosphate'],
  ['Potassium', 'potassium'],
  ['Bilirubin_total', 'bilirubin_total'],
  ['TroponinI', 'troponin_i'],
  ['Hct', 'hct'],
  ['Hgb', 'hgb'],
  ['PTT', 'ptt'],
  ['WBC', 'wbc'],
  ['Fibrinogen', 'fibrinogen'],
  ['Platelets', 'platelets'],
] as const;

const CARRIED_TEXT =
  'carried forward from the last observation; missing until first measured — the model routes missing values down each split\u2019s learned missing-value branch';

const EMPTY = Object.fromEntries(SEPSIS_CHALLENGE_COLUMNS.map((c) => [c, NaN])) as Record<ChallengeColumn, number>;

/** One hour: the given columns, everything else not recorded. */
const hour = (values: Partial<Record<ChallengeColumn, number>>): ChallengeRow => ({ ...EMPTY, ...values });

const spec = (name: string) => sepsisFeatureSet.inputs.find((s) => s.name === name)!;

/** The derived features of a snapshot with only the given inputs (others NaN). */
function derivedOf(inputs: Partial<SepsisSnapshot>): Record<string, number> {
  const snapshot = Object.fromEntries(sepsisFeatureSet.inputs.map((s) => [s.name, NaN]));
  Object.assign(snapshot, inputs);
  return Object.fromEntries(sepsisFeatureSet.derived.map((d) => [d.name, d.compute(snapshot)]));
}

describe('challenge columns', () => {
  it('are the 41 columns of a challenge file, in the published order', () => {
    expect(SEPSIS_CHALLENGE_COLUMNS.join(',')).toBe(
      'HR,O2Sat,Temp,SBP,MAP,DBP,Resp,EtCO2,BaseExcess,HCO3,FiO2,pH,PaCO2,SaO2,AST,BUN,Alkalinephos,Calcium,Chloride,' +
        'Creatinine,Bilirubin_direct,Glucose,Lactate,Magnesium,Phosphate,Potassium,Bilirubin_total,TroponinI,Hct,Hgb,PTT,' +
        'WBC,Fibrinogen,Platelets,Age,Gender,Unit1,Unit2,HospAdmTime,ICULOS,SepsisLabel',
    );
  });

  it('map each used column to its feature; Unit1, Unit2 and the label to none', () => {
    for (const [column, name] of MEASUREMENTS) expect(SEPSIS_COLUMN_TO_FEATURE[column]).toBe(name);
    expect(SEPSIS_COLUMN_TO_FEATURE).toMatchObject({
      Age: 'age',
      Gender: 'gender',
      HospAdmTime: 'hosp_adm_time',
      ICULOS: 'iculos',
      Unit1: null,
      Unit2: null,
      SepsisLabel: null,
    });
    const mapped = SEPSIS_CHALLENGE_COLUMNS.map((c) => SEPSIS_COLUMN_TO_FEATURE[c]).filter((n) => n !== null);
    expect(new Set(mapped).size).toBe(38);
    expect([...mapped].sort()).toEqual(sepsisFeatureSet.inputs.map((s) => s.name).sort());
  });
});

describe('sepsisFeatureSet inputs', () => {
  it('are the 34 measurements, then age, gender, hosp_adm_time and iculos; every spec valid', () => {
    expect(sepsisFeatureSet.inputs.map((s) => s.name)).toEqual([
      ...MEASUREMENTS.map(([, name]) => name),
      'age',
      'gender',
      'hosp_adm_time',
      'iculos',
    ]);
    for (const s of sepsisFeatureSet.inputs) {
      expect(featureSpecSchema.parse(s)).toEqual(s);
      expect(s.min).toBeLessThan(s.max);
    }
  });

  it('leaves every measurement optional and carried forward; requires age, gender and iculos', () => {
    for (const [, name] of MEASUREMENTS) expect(spec(name)).toMatchObject({ required: false, missing: CARRIED_TEXT });
    expect(['age', 'gender', 'iculos'].map((n) => spec(n).required)).toEqual([true, true, true]);
    expect(spec('hosp_adm_time').required).toBe(false);
  });

  it('give every input a form group: the 8 vital signs, the 26 laboratory values the lab count counts, then the patient and stay', () => {
    const groups = sepsisFeatureSet.groups!;
    const named = (group: string) => sepsisFeatureSet.inputs.filter((f) => groups[f.name] === group).map((f) => f.name);
    expect(Object.keys(groups).sort()).toEqual(sepsisFeatureSet.inputs.map((f) => f.name).sort());
    expect(named('vitals')).toEqual(['heart_rate', 'o2_sat', 'temperature', 'sbp', 'map', 'dbp', 'resp_rate', 'etco2']);
    expect(named('labs')).toEqual([...SEPSIS_LAB_INPUTS]);
    expect(named('demographics')).toEqual(['age', 'gender', 'hosp_adm_time', 'iculos']);
  });

  it('states the units the values are in', () => {
    expect(spec('heart_rate').unit).toBe('beats/min');
    expect(spec('temperature').unit).toBe('°C');
    expect(spec('fio2').unit).toBe('fraction');
    expect(spec('bun').unit).toBe('mg/dL');
    expect(spec('lactate').unit).toBe('mmol/L');
    expect(spec('wbc').unit).toBe('10^3/µL');
    expect(spec('platelets').unit).toBe('10^3/µL');
    expect(spec('iculos').unit).toBe('h');
  });

  it('accept a typical septic-shock picture and a healthy adult', () => {
    const typical: Record<string, number> = {
      heart_rate: 128,
      o2_sat: 91,
      temperature: 39.4,
      sbp: 84,
      map: 58,
      dbp: 45,
      resp_rate: 30,
      etco2: 28,
      base_excess: -9,
      hco3: 16,
      fio2: 0.6,
      ph: 7.25,
      paco2: 33,
      sao2: 92,
      ast: 140,
      bun: 48,
      alkaline_phosphatase: 160,
      calcium: 7.6,
      chloride: 104,
      creatinine: 2.8,
      bilirubin_direct: 1.9,
      glucose: 210,
      lactate: 5.2,
      magnesium: 1.7,
      phosphate: 5.1,
      potassium: 5.4,
      bilirubin_total: 3.1,
      troponin_i: 0.9,
      hct: 29,
      hgb: 9.6,
      ptt: 48,
      wbc: 21,
      fibrinogen: 520,
      platelets: 85,
      age: 71,
      gender: 0,
      hosp_adm_time: -30.5,
      iculos: 17,
    };
    const healthy: Record<string, number> = {
      ...typical,
      heart_rate: 70,
      sbp: 120,
      map: 93,
      dbp: 80,
      fio2: 0.21,
      ph: 7.4,
      lactate: 1,
    };
    for (const values of [typical, healthy]) {
      for (const s of sepsisFeatureSet.inputs) {
        expect([s.name, values[s.name] >= s.min && values[s.name] <= s.max]).toEqual([s.name, true]);
      }
    }
  });

  it('reject physiologically impossible values', () => {
    const impossible: [string, number][] = [
      ['heart_rate', 400],
      ['o2_sat', 101],
      ['sao2', 120],
      ['fio2', 0],
      ['fio2', 1.5],
      ['fio2', 50],
      ['ph', 9],
      ['ph', 5.9],
      ['temperature', 50],
      ['potassium', 27.5],
      ['hco3', 0],
      ['base_excess', 100],
      ['hgb', 32],
      ['map', 300],
      ['age', 12],
      ['gender', 2],
      ['iculos', 0],
      ['iculos', 337],
      ['hosp_adm_time', 48],
    ];
    for (const [name, value] of impossible) {
      const s = spec(name);
      expect([name, value, value >= s.min && value <= s.max]).toEqual([name, value, false]);
    }
  });
});

describe('carryForward', () => {
  // Three patients, hand-written. Patient p1: HR at hours 1 and 3, temperature first at hour 2,
  // lactate never. Patient p2 (ICULOS starting at 5): no HR until its third hour. Patient p3: one hour.
  const p1 = [
    hour({ ICULOS: 1, HR: 80, Age: 70, Gender: 1, HospAdmTime: -2, SepsisLabel: 0 }),
    hour({ ICULOS: 2, Temp: 38.2, SBP: 110, Age: 70, Gender: 1, HospAdmTime: -2, SepsisLabel: 0 }),
    hour({ ICULOS: 3, HR: 104, BUN: 30, Creatinine: 1.5, Age: 70, Gender: 1, HospAdmTime: -2, SepsisLabel: 1 }),
  ];
  const p2 = [
    hour({ ICULOS: 5, O2Sat: 93, Age: 45, Gender: 0, SepsisLabel: 0 }),
    hour({ ICULOS: 6, Lactate: 3.1, Age: 45, Gender: 0, SepsisLabel: 0 }),
    hour({ ICULOS: 7, HR: 66, Age: 45, Gender: 0, SepsisLabel: 0 }),
  ];
  const p3 = [hour({ ICULOS: 1, Age: 30, Gender: 0, SepsisLabel: 0 })];

  it('gives each hour the last value observed at or before it, NaN until the first observation', () => {
    const s = carryForward(p1);
    expect(s.map((h) => h.heart_rate)).toEqual([80, 80, 104]);
    expect(s.map((h) => h.temperature)).toEqual([NaN, 38.2, 38.2]);
    expect(s.map((h) => h.sbp)).toEqual([NaN, 110, 110]);
    expect(s.map((h) => h.bun)).toEqual([NaN, NaN, 30]);
    expect(s.map((h) => h.lactate)).toEqual([NaN, NaN, NaN]);
    expect(s.map((h) => h.iculos)).toEqual([1, 2, 3]);
    expect(s.map((h) => h.age)).toEqual([70, 70, 70]);
    expect(s.map((h) => h.hosp_adm_time)).toEqual([-2, -2, -2]);
  });

  it('returns one independent snapshot per hour with exactly the 38 inputs', () => {
    const s = carryForward(p2);
    expect(s).toHaveLength(3);
    expect(Object.keys(s[0]).sort()).toEqual(sepsisFeatureSet.inputs.map((f) => f.name).sort());
    s[0].heart_rate = 999;
    expect(s[1].heart_rate).toBeNaN();
    expect(s.map((h) => h.heart_rate)).toEqual([999, NaN, 66]);
    expect(s.map((h) => h.lactate)).toEqual([NaN, 3.1, 3.1]);
  });

  it('never uses a later hour: the first k snapshots depend only on the first k hours', () => {
    const value = fc.option(fc.double({ min: -50, max: 500, noNaN: true }), { nil: NaN, freq: 2 });
    const rows = fc
      .array(fc.record({ HR: value, Temp: value, Lactate: value, Age: value, gap: fc.integer({ min: 1, max: 3 }) }), {
        minLength: 1,
        maxLength: 12,
      })
      .map((hours) => {
        let t = 0;
        return hours.map(({ gap, ...v }) => hour({ ...v, ICULOS: (t += gap) }));
      });
    fc.assert(
      fc.property(rows, fc.nat(), (hours, cut) => {
        const k = 1 + (cut % hours.length);
        expect(carryForward(hours.slice(0, k))).toEqual(carryForward(hours).slice(0, k));
      }),
    );
  });

  it('refuses hours out of order or without ICULOS', () => {
    expect(() => carryForward([hour({ ICULOS: 2 }), hour({ ICULOS: 2 })])).toThrow(SepsisHourOrderError);
    expect(() => carryForward([hour({ ICULOS: 3 }), hour({ ICULOS: 1 })])).toThrow(/ICULOS/);
    expect(() => carryForward([hour({ HR: 80 })])).toThrow(SepsisHourOrderError);
    expect(carryForward([])).toEqual([]);
  });

  it('carries nothing from one patient to the next in a 3-patient table', () => {
    const columns = ['patient_id', ...SEPSIS_CHALLENGE_COLUMNS];
    const line = (id: string, row: ChallengeRow) =>
      [id, ...SEPSIS_CHALLENGE_COLUMNS.map((c) => (Number.isNaN(row[c]) ? '' : String(row[c])))].join(',');
    const text = [
      columns.join(','),
      ...p1.map((r) => line('p1', r)),
      ...p2.map((r) => line('p2', r)),
      ...p3.map((r) => line('p3', r)),
    ].join('\n');
    const data = buildSepsisDataset(parseChallengeCsv(text, { requireLabel: true }));
    const f = data.featureNames.length;
    const col = (name: string) => Array.from({ length: 7 }, (_, r) => data.x[r * f + data.featureNames.indexOf(name)]);

    expect(Array.from(data.groups)).toEqual([0, 0, 0, 1, 1, 1, 2]);
    expect(col('heart_rate')).toEqual([80, 80, 104, NaN, NaN, 66, NaN]);
    expect(col('temperature')).toEqual([NaN, 38.2, 38.2, NaN, NaN, NaN, NaN].map(Math.fround));
    expect(col('lactate')).toEqual([NaN, NaN, NaN, NaN, 3.1, 3.1, NaN].map(Math.fround));
    expect(col('o2_sat')).toEqual([NaN, NaN, NaN, 93, 93, 93, NaN]);
    expect(col('hosp_adm_time')).toEqual([-2, -2, -2, NaN, NaN, NaN, NaN]);
    expect(col('age')).toEqual([70, 70, 70, 45, 45, 45, 30]);
    expect(col('iculos')).toEqual([1, 2, 3, 5, 6, 7, 1]);
    expect(Array.from(data.y)).toEqual([0, 0, 1, 0, 0, 0, 0]);
    // Each patient's rows are exactly carryForward + vectorize of that patient alone.
    [p1, p2, p3].forEach((rows, p) => {
      carryForward(rows).forEach((snapshot, k) => {
        const r = data.patientOffsets[p] + k;
        expect(Array.from(data.x.subarray(r * f, (r + 1) * f))).toEqual(
          Array.from(vectorize(sepsisFeatureSet, snapshot)),
        );
      });
    });
  });
});

describe('derived features', () => {
  it('are shock index, modified shock index, pulse pressure, BUN/creatinine ratio and the lab count, after the inputs', () => {
    expect(vectorNames(sepsisFeatureSet).slice(38)).toEqual([
      'shock_index',
      'modified_shock_index',
      'pulse_pressure',
      'bun_creatinine_ratio',
      'measured_lab_count',
    ]);
  });

  it('match hand-computed values', () => {
    const d = derivedOf({
      heart_rate: 120,
      sbp: 96,
      map: 64,
      dbp: 52,
      bun: 42,
      creatinine: 1.4,
      lactate: 4,
      wbc: 18,
      ph: 7.3,
    });
    expect(d.shock_index).toBeCloseTo(1.25, 12); // 120 / 96
    expect(d.modified_shock_index).toBeCloseTo(1.875, 12); // 120 / 64
    expect(d.pulse_pressure).toBe(44); // 96 − 52
    expect(d.bun_creatinine_ratio).toBeCloseTo(30, 12); // 42 / 1.4
    expect(d.measured_lab_count).toBe(5); // bun, creatinine, lactate, wbc, ph; vitals do not count
  });

  it('are NaN when an input they need is missing, except the count, which is never NaN', () => {
    const d = derivedOf({ heart_rate: 90, dbp: 60, creatinine: 1 });
    expect(d.shock_index).toBeNaN();
    expect(d.modified_shock_index).toBeNaN();
    expect(d.pulse_pressure).toBeNaN();
    expect(d.bun_creatinine_ratio).toBeNaN();
    expect(d.measured_lab_count).toBe(1);
    expect(derivedOf({}).measured_lab_count).toBe(0);
    expect(sepsisFeatureSet.derived.find((f) => f.name === 'measured_lab_count')!.compute({})).toBe(0);
  });

  it('give NaN rather than Infinity for a zero denominator', () => {
    const d = derivedOf({ heart_rate: 90, sbp: 0, map: 0, bun: 10, creatinine: 0 });
    expect([d.shock_index, d.modified_shock_index, d.bun_creatinine_ratio]).toEqual([NaN, NaN, NaN]);
  });

  it('count the 26 laboratory values, up to 26 when all are present', () => {
    expect(SEPSIS_LAB_INPUTS).toEqual(MEASUREMENTS.slice(8).map(([, name]) => name));
    const all = Object.fromEntries(sepsisFeatureSet.inputs.map((s) => [s.name, (s.min + s.max) / 2]));
    expect(derivedOf(all).measured_lab_count).toBe(26);
  });
});

describe('blankImplausible', () => {
  it('blanks only the values outside their input range and names their columns', () => {
    const row = hour({ ICULOS: 4, HR: 88, FiO2: 0, Potassium: 27.5, pH: 7.4 });
    const { row: clean, blanked } = blankImplausible(row);
    expect(blanked.sort()).toEqual(['FiO2', 'Potassium']);
    expect([clean.FiO2, clean.Potassium, clean.HR, clean.pH, clean.ICULOS]).toEqual([NaN, NaN, 88, 7.4, 4]);
    expect(row.FiO2).toBe(0); // the input row is left as it was
  });

  it('returns the same row when everything is plausible, and keeps bounds inclusive', () => {
    const row = hour({ ICULOS: 1, FiO2: 0.2, MAP: 250, Age: 100 });
    expect(blankImplausible(row)).toEqual({ row, blanked: [] });
    expect(blankImplausible(row).row).toBe(row);
  });

  it('uses the input specs’ ranges and never screens ICULOS or the unused columns', () => {
    expect(plausibleRange('FiO2')).toEqual({ min: spec('fio2').min, max: spec('fio2').max });
    expect(plausibleRange('ICULOS')).toBeNull();
    expect(plausibleRange('Unit1')).toBeNull();
    expect(plausibleRange('SepsisLabel')).toBeNull();
  });

  it('lets the last plausible value carry forward over an artefact', () => {
    const rows = [hour({ ICULOS: 1, FiO2: 0.4 }), hour({ ICULOS: 2, FiO2: 0.04 }), hour({ ICULOS: 3 })];
    expect(carryForward(rows.map((r) => blankImplausible(r).row)).map((s) => s.fio2)).toEqual([0.4, 0.4, 0.4]);
  });
});
