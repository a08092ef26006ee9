import {
  clinicalUnit,
  computedValue,
  distinctPercents,
  featureValue,
  interval,
  percent,
  sentence,
  signedLogOdds,
  timesBaseRate,
  utcTime,
  withInterval,
} from '@/ui/format';

describe('formatting for the pages', () => {
  it('shows probabilities as percentages to three significant digits', () => {
    expect(percent(0.2892154)).toBe('28.9%');
    expect(percent(0.0275)).toBe('2.75%');
    expect(percent(0.004)).toBe('0.400%');
    expect(percent(0)).toBe('0.00%');
    expect(percent(1)).toBe('100%');
    expect(percent(NaN)).toBe('–');
  });

  it('gives a probability and a threshold enough digits to read differently when they differ', () => {
    expect(distinctPercents(0.3336, 0.33365)).toEqual(['33.36%', '33.37%']);
    expect(distinctPercents(0.2, 0.2892)).toEqual(['20.0%', '28.9%']);
    expect(distinctPercents(0.25, 0.25)).toEqual(['25.0%', '25.0%']);
  });

  it('shows an estimate with its interval', () => {
    const auroc = { estimate: 0.7960673, lower: 0.7378153, upper: 0.8463121 };
    expect(withInterval(auroc)).toBe('0.796 (0.738–0.846)');
    expect(interval(auroc)).toBe('0.738–0.846');
  });

  it('signs log-odds with a true minus and no sign for a rounded zero', () => {
    expect(signedLogOdds(0.4249)).toBe('+0.42');
    expect(signedLogOdds(-0.071)).toBe('−0.07');
    expect(signedLogOdds(-0.001)).toBe('±0.00');
  });

  it('shows values with their unit and missing for null', () => {
    expect(featureValue(75, 'years')).toBe('75 years');
    expect(featureValue(1.100000023841858, 'mg/dL')).toBe('1.1 mg/dL');
    expect(featureValue(null, 'mg/dL')).toBe('missing');
    expect(featureValue(0.5)).toBe('0.5');
  });

  it('writes units as clinicians do: mmHg, /min and % without a space before them, other units as the card has them', () => {
    expect(featureValue(98, 'mm Hg')).toBe('98 mmHg');
    expect(featureValue(112, 'beats/min')).toBe('112/min');
    expect(featureValue(22, 'breaths/min')).toBe('22/min');
    expect(featureValue(95, '%')).toBe('95%');
    expect(featureValue(12.4, '10^3/µL')).toBe('12.4 ×10³/µL');
    expect(featureValue(1.8, 'mmol/L')).toBe('1.8 mmol/L');
    expect(clinicalUnit('°C')).toBe('°C');
    expect(clinicalUnit(null)).toBeNull();
  });

  it('rounds a computed value to three significant digits, whole from 100 on', () => {
    expect(computedValue(Math.fround(118 / 92))).toBe('1.28');
    expect(computedValue(Math.fround(45), 'mm Hg')).toBe('45 mmHg');
    expect(computedValue(Math.fround(18.333333))).toBe('18.3');
    expect(computedValue(Math.fround(0.0456789))).toBe('0.0457');
    expect(computedValue(1234.56)).toBe('1235');
    expect(computedValue(3, 'of 26')).toBe('3 of 26');
    expect(computedValue(null)).toBe('missing');
  });

  it('reads a probability as a multiple of a base rate to two significant digits', () => {
    expect(timesBaseRate(0.089, 17136 / 790215)).toBe('≈ 4.1×');
    expect(timesBaseRate(0.01, 0.0217)).toBe('≈ 0.46×');
    expect(timesBaseRate(0.6, 0.0217)).toBe('≈ 28×');
    expect(timesBaseRate(0.5, 0)).toBe('–');
  });

  it('ends a text with a full stop unless it has one', () => {
    expect(sentence('Death in hospital (the challenge’s In-hospital_death)')).toBe(
      'Death in hospital (the challenge’s In-hospital_death).',
    );
    expect(sentence('Already a sentence. ')).toBe('Already a sentence.');
  });

  it('shows times in UTC whatever the server zone', () => {
    expect(utcTime(new Date('2026-11-23T18:45:07.123Z'))).toBe('2026-11-23 18:45:07 UTC');
  });
});
