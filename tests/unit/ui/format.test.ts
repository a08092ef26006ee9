import { distinctPercents, featureValue, interval, percent, signedLogOdds, utcTime, withInterval } from '@/ui/format';

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

  it('shows times in UTC whatever the server zone', () => {
    expect(utcTime(new Date('2026-11-23T18:45:07.123Z'))).toBe('2026-11-23 18:45:07 UTC');
  });
});
