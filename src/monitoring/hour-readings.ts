/** Reading an hour's coded values as bedside facts: a measurement, the consciousness level, air or oxygen. */
import { CodedError } from '@/errors/coded-error';
import type { HourValues } from './hour-values';

/**
 * A value that cannot be what its code says (not a finite number, or off its coded scale). Thrown rather than
 * treated as missing: a score computed from a value on the wrong scale would look trustworthy and be wrong.
 */
export class HourValueError extends CodedError {
  readonly code = 'INVALID_HOUR_VALUE';
  constructor(
    readonly observationCode: string,
    readonly value: number,
    allowed: string,
  ) {
    super(`${observationCode} is ${value}; allowed: ${allowed}`);
  }
}

/** The value of `code`, or undefined when it was not measured within the hour. */
export function readMeasurement(values: HourValues, code: string): number | undefined {
  const value = values.get(code);
  if (value === undefined) return undefined;
  if (!Number.isFinite(value)) throw new HourValueError(code, value, 'a finite number');
  return value;
}

/** ACVPU as the monitor codes it: the index is the code. */
const ACVPU = ['Alert', 'new Confusion', 'Voice', 'Pain', 'Unresponsive'] as const;

export interface ConsciousnessReading {
  source: 'Consciousness' | 'GCS';
  /** The value read: the ACVPU code (0–4) or the GCS (3–15). */
  value: number;
  alert: boolean;
  /** Names the source, so a reader can tell an ACVPU entry from a level inferred from GCS. */
  text: string;
}

/**
 * The consciousness level: ACVPU when charted, else read from GCS. GCS 15 reads as Alert and anything lower
 * as not alert, since a GCS below 15 is either new confusion or a response only to voice, pain or nothing.
 */
export function readConsciousness(values: HourValues): ConsciousnessReading | undefined {
  const acvpu = readMeasurement(values, 'Consciousness');
  if (acvpu !== undefined) {
    if (!Number.isInteger(acvpu) || acvpu < 0 || acvpu > 4) {
      throw new HourValueError('Consciousness', acvpu, '0 Alert, 1 new Confusion, 2 Voice, 3 Pain, 4 Unresponsive');
    }
    const alert = acvpu === 0;
    return { source: 'Consciousness', value: acvpu, alert, text: alert ? 'Alert' : `${ACVPU[acvpu]}: not alert` };
  }
  const gcs = readMeasurement(values, 'GCS');
  if (gcs === undefined) return undefined;
  if (!Number.isInteger(gcs) || gcs < 3 || gcs > 15) throw new HourValueError('GCS', gcs, 'an integer from 3 to 15');
  const alert = gcs === 15;
  return { source: 'GCS', value: gcs, alert, text: `GCS ${gcs}: ${alert ? 'alert' : 'not alert'}` };
}

export interface OxygenReading {
  source: 'SupplementalO2' | 'FiO2';
  /** The value read: 1 or 0 for SupplementalO2, the fraction for FiO2. */
  value: number;
  onOxygen: boolean;
  /** Names the source, so a reader can tell a charted flag from one inferred from FiO2. */
  text: string;
}

/** Air or oxygen: the SupplementalO2 flag when charted, else read from FiO2 (above room air's 0.21 is oxygen). */
export function readOxygen(values: HourValues): OxygenReading | undefined {
  const flag = readMeasurement(values, 'SupplementalO2');
  if (flag !== undefined) {
    if (flag !== 0 && flag !== 1) throw new HourValueError('SupplementalO2', flag, '1 on oxygen, 0 air');
    const onOxygen = flag === 1;
    return { source: 'SupplementalO2', value: flag, onOxygen, text: onOxygen ? 'on oxygen' : 'air' };
  }
  const fio2 = readMeasurement(values, 'FiO2');
  if (fio2 === undefined) return undefined;
  // A percentage here (e.g. 40) would read as oxygen by luck and 21 as oxygen wrongly: refuse it.
  if (fio2 <= 0 || fio2 > 1)
    throw new HourValueError('FiO2', fio2, 'a fraction above 0 and at most 1 (not a percentage)');
  const onOxygen = fio2 > 0.21;
  return { source: 'FiO2', value: fio2, onOxygen, text: `FiO2 ${fio2}: ${onOxygen ? 'on oxygen' : 'air'}` };
}
