/** The monitor's vocabulary: derived from the cards, ranges every fed model accepts, LOINC codes, UCUM conversions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCard } from '@/inference/model-card';
import { MONITORED_MODELS, MonitorVocabulary, toCodeUnit, VocabularyMismatchError } from '@/monitoring/vocabulary';

const card = (id: string) => JSON.parse(readFileSync(join('models', id, 'card.json'), 'utf8')) as ModelCard;
const cards = { sepsis: card('sepsis'), 'icu-mortality': card('icu-mortality') };
const vocabulary = MonitorVocabulary.fromCards(cards);

describe('the monitor vocabulary', () => {
  it('accepts only values every model it feeds accepts (clamped models take larger values at their bound)', () => {
    for (const code of vocabulary.codes) {
      for (const model of MONITORED_MODELS) {
        const target = code.feeds[model];
        if (!target) continue;
        const spec = cards[model].timeline!.observations.find((o) => o.name === target)!;
        expect(code.spec.min).toBeGreaterThanOrEqual(spec.min);
        if (!code.clamp[model]) expect(code.spec.max).toBeLessThanOrEqual(spec.max);
        else expect(code.clamp[model]!.max).toBeLessThanOrEqual(spec.max);
      }
    }
    expect(vocabulary.get('Resp')!.spec).toMatchObject({ min: 1, max: 80 }); // sepsis 1–80 ∩ icu-mortality 1–100
    expect(vocabulary.get('Age')!.spec).toMatchObject({ min: 18, max: 100 }); // icu-mortality takes > 90 as 90
  });

  it('names facts of the stay apart from observations, and maps LOINC codes', () => {
    expect(vocabulary.factCodes().sort()).toEqual(['Age', 'Gender', 'Height', 'HospAdmTime', 'ICUType']);
    expect(vocabulary.ofLoinc('8867-4')?.code).toBe('HR');
    expect(vocabulary.ofLoinc('59408-5')?.code).toBe('O2Sat');
    expect(vocabulary.ofLoinc('2708-6')?.code).toBe('SaO2');
    expect(vocabulary.observationCodes()).toEqual(expect.arrayContaining(['Consciousness', 'SupplementalO2', 'GCS']));
  });

  it('refuses to build when a card lost a code it maps', () => {
    const broken = { ...cards['icu-mortality'], timeline: { ...cards['icu-mortality'].timeline!, observations: [] } };
    expect(() => MonitorVocabulary.fromCards({ 'icu-mortality': broken })).toThrow(VocabularyMismatchError);
  });

  it('converts UCUM units with @lhncbc/ucum-lhc and names what it cannot convert', () => {
    const convert = (code: string, value: number, unit?: string) => toCodeUnit(vocabulary.get(code)!, value, unit);
    expect(convert('Temp', 98.6, '[degF]')).toEqual({ value: 37 });
    expect(convert('Temp', 37)).toEqual({ value: 37 });
    expect(convert('FiO2', 40, '%')).toEqual({ value: 0.4 });
    expect(convert('WBC', 12, '10*9/L')).toEqual({ value: 12 });
    expect(convert('Creatinine', 88.4, 'umol/L')).toMatchObject({
      problem: expect.stringMatching(/cannot be converted/),
    });
    expect(convert('HR', 80, 'furlongs')).toMatchObject({ problem: expect.stringMatching(/"furlongs"/) });
  });
});
