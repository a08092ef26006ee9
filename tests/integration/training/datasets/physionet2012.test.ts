/**
 * Specification of the PhysioNet 2012 set loader on the real set-a and set-b (PROVENANCE.md §4's figures), one record's
 * features pinned to values read off its file by hand, and the loader's refusals on small fixture sets.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { icuMortalityFeatures, icuMortalityVector } from '@/features/icu-mortality';
import {
  loadPhysionet2012Set,
  Physionet2012RecordIdError,
  Physionet2012SetMismatchError,
  type Physionet2012SetData,
} from '@/training/datasets/physionet2012';

const DATA = join(__dirname, '..', '..', '..', '..', 'data');
const sets: Record<'a' | 'b', Physionet2012SetData> = {} as never;

beforeAll(async () => {
  sets.a = await loadPhysionet2012Set(DATA, 'a');
  sets.b = await loadPhysionet2012Set(DATA, 'b');
});

const count = <T>(items: T[], test: (item: T) => boolean) => items.filter(test).length;

describe('loadPhysionet2012Set on set-a and set-b', () => {
  it('reads 4000 stays per set, each paired with its outcome, every file matching SHA256SUMS', () => {
    for (const set of ['a', 'b'] as const) {
      expect(sets[set].stays).toHaveLength(4000);
      expect(sets[set].stays.every((s) => s.outcome.recordId === s.recordId)).toBe(true);
      // 4000 record files and the outcomes file.
      expect(sets[set].verifiedFiles).toBe(4001);
      expect(sets[set].blankParameterLines).toBe(0);
    }
  });

  it('finds the in-hospital deaths PROVENANCE gives: set-a 554 (13.85 %), set-b 568 (14.20 %)', () => {
    const deaths = (set: 'a' | 'b') => count(sets[set].stays, (s) => s.outcome.inHospitalDeath === 1);
    expect(deaths('a')).toBe(554);
    expect(deaths('a') / 4000).toBeCloseTo(0.1385, 6);
    expect(deaths('b')).toBe(568);
    expect(deaths('b') / 4000).toBeCloseTo(0.142, 6);
    // Outcomes' own unknowns in set-a: SAPS-I 190, SOFA 144, Length_of_stay 60, no recorded death 2526.
    const a = sets.a.stays.map((s) => s.outcome);
    expect([
      count(a, (o) => Number.isNaN(o.sapsI)),
      count(a, (o) => Number.isNaN(o.sofa)),
      count(a, (o) => Number.isNaN(o.lengthOfStay)),
      count(a, (o) => Number.isNaN(o.survival)),
    ]).toEqual([190, 144, 60, 2526]);
  });

  it('reads the descriptors of the 189 records where they are interleaved with other 00:00 lines', () => {
    const interleaved = [...sets.a.stays, ...sets.b.stays].filter((s) => s.interleavedDescriptors);
    expect(interleaved).toHaveLength(189);
    // An independent reading of each file: the first line of each descriptor at 00:00, by name.
    for (const stay of interleaved) {
      const text = readFileSync(join(DATA, 'physionet2012', `set-${stay.set}`, `${stay.recordId}.txt`), 'utf8');
      for (const name of ['Age', 'Gender', 'Height', 'ICUType', 'Weight'] as const) {
        const raw = Number(new RegExp(`^00:00,${name},(.*)$`, 'm').exec(text)![1]);
        if (raw === -1) expect(stay.descriptors[name]).toBeNaN();
        else if (name === 'Height' && raw > 300) expect(stay.descriptors[name]).toBeCloseTo(raw / 2.54, 10);
        else expect(stay.descriptors[name]).toBe(raw);
      }
      expect(stay.descriptors.Age).toBeGreaterThan(0);
      expect([1, 2, 3, 4]).toContain(stay.descriptors.ICUType);
    }
  });

  it('matches PROVENANCE’s descriptor counts: ICU types, and `-1` heights, weights and genders', () => {
    const facts = (set: 'a' | 'b') => {
      const d = sets[set].stays.map((s) => s.descriptors);
      return {
        icuTypes: [1, 2, 3, 4].map((t) => count(d, (x) => x.ICUType === t)),
        unknown: [count(d, (x) => Number.isNaN(x.Height)), count(d, (x) => Number.isNaN(x.Weight))],
        unknownGender: count(d, (x) => Number.isNaN(x.Gender)),
      };
    };
    expect(facts('a')).toEqual({ icuTypes: [577, 874, 1481, 1068], unknown: [1894, 326], unknownGender: 3 });
    expect(facts('b')).toEqual({ icuTypes: [590, 782, 1436, 1192], unknown: [1930, 347], unknownGender: 5 });
  });

  it('finds the 10 records of set-a and set-b with descriptors and no time series', () => {
    const onlyDescriptors = (set: 'a' | 'b') =>
      sets[set].stays
        .filter((s) =>
          s.observations.every(
            (o) => o.time === 0 && ['Age', 'Gender', 'Height', 'ICUType', 'Weight'].includes(o.name),
          ),
        )
        .map((s) => s.recordId);
    expect(onlyDescriptors('a')).toEqual(['140501', '140936', '141264']);
    expect(onlyDescriptors('b')).toEqual(['142731', '142998', '143656', '145611', '147514', '150309', '150649']);
  });

  it('screens out implausible values (artefacts such as Temp −17.8) and keeps every other observation', () => {
    const temps = sets.a.stays.flatMap((s) => s.observations.filter((o) => o.name === 'Temp').map((o) => o.value));
    expect(Math.min(...temps)).toBeGreaterThanOrEqual(20);
    // The 24 Temp lines of set-a that PROVENANCE counts as −1 are −17.8 (0 °F in °C); all are screened out.
    expect(sets.a.screenedOut.Temp).toBeGreaterThanOrEqual(24);
    const phs = [...sets.a.stays, ...sets.b.stays].flatMap((s) =>
      s.observations.filter((o) => o.name === 'pH').map((o) => o.value),
    );
    expect(Math.max(...phs)).toBeLessThanOrEqual(8);
    // 733, 734 and 735 were pH ×100 and are kept as 7.33, 7.34, 7.35.
    expect(phs.filter((v) => v === 7.33 || v === 7.34 || v === 7.35).length).toBeGreaterThan(3);
  });
});

describe('the icu-mortality features of set-b record 146494 (descriptors interleaved, Height and Weight -1)', () => {
  // Read off set-b/146494.txt by hand. Times: 04:54 = 294 min, 05:17 = 317, 11:54 = 714, 12:10 = 730,
  // 24:29 = 1469, 34:51 = 2091, 35:17 = 2117; the window ends at 48:00 = 2880.
  const expected: Record<string, number> = {
    Age: 59,
    Gender: 1,
    Height: NaN,
    ICUType: 2,
    Weight_admission: NaN,
    // pH 7.43 at 00:00 (an interleaved line), 7.46 at 34:51.
    pH_first: 7.43,
    pH_last: 7.46,
    pH_min: 7.43,
    pH_max: 7.46,
    pH_mean: (7.43 + 7.46) / 2,
    pH_count: 2,
    pH_time_since_last: 2880 - 2091,
    pH_slope: (7.46 - 7.43) / (2091 / 60),
    // PaCO2 35 at 00:00, 34 at 34:51.
    PaCO2_first: 35,
    PaCO2_last: 34,
    PaCO2_mean: 34.5,
    PaCO2_slope: -1 / (2091 / 60),
    // PaO2 once: no trend.
    PaO2_first: 130,
    PaO2_count: 1,
    PaO2_time_since_last: 789,
    PaO2_slope: NaN,
    // Albumin 2.9 (04:54), 2.7 (11:54), 2.7 (35:17); none at 24:29.
    Albumin_first: 2.9,
    Albumin_last: 2.7,
    Albumin_min: 2.7,
    Albumin_max: 2.9,
    Albumin_mean: (2.9 + 2.7 + 2.7) / 3,
    Albumin_count: 3,
    Albumin_time_since_last: 2880 - 2117,
    // Hours 4.9, 11.9, 35.2833…; least squares worked out apart: −0.0049223.
    Albumin_slope: -0.004922333708476261,
    // Lactate 1.6 (05:17), 1.2 (12:10).
    Lactate_mean: 1.4,
    Lactate_time_since_last: 2880 - 730,
    Lactate_slope: -0.4 / (413 / 60),
    // Platelets 57, 53, 51, 54 at 04:54, 11:54, 24:29, 35:17.
    Platelets_first: 57,
    Platelets_last: 54,
    Platelets_min: 51,
    Platelets_mean: 53.75,
    Platelets_count: 4,
    Platelets_slope: -0.09462292943771744,
    // WBC 5.6, 5.9, 7.8, 7.1.
    WBC_max: 7.8,
    WBC_mean: 6.6,
    WBC_slope: 0.06207668320173825,
    TroponinT_count: 1,
    TroponinT_time_since_last: 2880 - 294,
    // Never measured in this stay.
    HR_count: 0,
    HR_mean: NaN,
    GCS_count: 0,
    GCS_min: NaN,
    MechVent_count: 0,
    Weight_count: 0,
    Weight_first: NaN,
  };

  it('gives the values computed from the file by hand', () => {
    const stay = sets.b.stays.find((s) => s.recordId === '146494')!;
    expect(stay.interleavedDescriptors).toBe(true);
    expect(stay.outcome).toMatchObject({ sofa: 4, lengthOfStay: 5, inHospitalDeath: 0 });
    const names = icuMortalityFeatures().map((f) => f.name);
    const vector = icuMortalityVector(stay.observations);
    for (const [name, value] of Object.entries(expected)) {
      const got = vector[names.indexOf(name)];
      if (Number.isNaN(value)) expect([name, got]).toEqual([name, NaN]);
      else expect([name, Math.round(got * 1e12) / 1e12]).toEqual([name, Math.round(value * 1e12) / 1e12]);
    }
  });
});

describe('loadPhysionet2012Set refusals', () => {
  let dir: string;
  const record = (id: string) => `Time,Parameter,Value\n00:00,RecordID,${id}\n00:00,Age,60\n01:00,HR,80\n`;
  const outcomes = (...ids: string[]) =>
    ['RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death', ...ids.map((id) => `${id},10,3,4,-1,0`)].join(
      '\n',
    ) + '\n';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'physionet2012-'));
    await mkdir(join(dir, 'physionet2012', 'set-a'), { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const write = (path: string, text: string) => writeFile(join(dir, 'physionet2012', path), text);

  it('reads a consistent small set', async () => {
    await write('set-a/11.txt', record('11'));
    await write('set-a/2.txt', record('2'));
    await write('Outcomes-a.txt', outcomes('11', '2'));
    const data = await loadPhysionet2012Set(dir, 'a');
    expect(data.stays.map((s) => s.recordId)).toEqual(['2', '11']);
    expect(data.verifiedFiles).toBe(0);
  });

  it('refuses a record whose RecordID line disagrees with its file name', async () => {
    await write('set-a/11.txt', record('12'));
    await write('Outcomes-a.txt', outcomes('11'));
    await expect(loadPhysionet2012Set(dir, 'a')).rejects.toThrow(Physionet2012RecordIdError);
    await expect(loadPhysionet2012Set(dir, 'a')).rejects.toThrow(
      /11\.txt: its RecordID line says 12, its name 11\.txt/,
    );
  });

  it('refuses an outcome row without a record, and a record without an outcome row', async () => {
    await write('set-a/11.txt', record('11'));
    await write('set-a/13.txt', record('13'));
    await write('Outcomes-a.txt', outcomes('11', '12'));
    const error = await loadPhysionet2012Set(dir, 'a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Physionet2012SetMismatchError);
    expect((error as Error).message).toBe(
      'set-a: records without an outcome row: 1 (13); outcome rows without a record: 1 (12)',
    );
  });
});
