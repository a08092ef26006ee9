/** qSOFA (Singer et al., JAMA 2016, Sepsis-3) for one stay's hour: each criterion, the total when complete. */
import type { HourValues } from './hour-values';
import { readConsciousness, readMeasurement } from './hour-readings';

/** Sepsis-3: 2 or more criteria met marks a patient with suspected infection as likely to do badly. */
export const QSOFA_ALERT_TOTAL = 2;

export type QsofaCriterion = 'respiratoryRate' | 'systolicBP' | 'alteredMentation';

export interface QsofaComponent {
  criterion: QsofaCriterion;
  label: string;
  /** The value read (for mentation the ACVPU code or GCS); null when missing. */
  value: number | null;
  /** Null when the criterion could not be judged. */
  met: boolean | null;
  text: string;
}

export interface QsofaResult {
  complete: boolean;
  /** Only when complete: a total from partial inputs would pass the missing part off as normal. */
  total: number | null;
  /** Criteria met among those judged: a lower bound of the total. */
  partialTotal: number;
  missing: string[];
  components: QsofaComponent[];
}

const NOT_MEASURED = 'not measured within the hour';

/**
 * qSOFA from one hour's values. The thresholds are the paper's, taken literally on the real line (RR 21.5 is not
 * ≥ 22). Mentation is altered when ACVPU is not Alert or, without ACVPU, when GCS is below 15.
 */
export function qsofa(values: HourValues): QsofaResult {
  const rr = readMeasurement(values, 'Resp');
  const sbp = readMeasurement(values, 'SBP');
  const consciousness = readConsciousness(values);
  const components: QsofaComponent[] = [
    rr === undefined
      ? { criterion: 'respiratoryRate', label: 'Respiratory rate ≥ 22/min', value: null, met: null, text: NOT_MEASURED }
      : {
          criterion: 'respiratoryRate',
          label: 'Respiratory rate ≥ 22/min',
          value: rr,
          met: rr >= 22,
          text: `${rr} breaths/min: ${rr >= 22 ? 'met' : 'not met'}`,
        },
    sbp === undefined
      ? { criterion: 'systolicBP', label: 'Systolic BP ≤ 100 mm Hg', value: null, met: null, text: NOT_MEASURED }
      : {
          criterion: 'systolicBP',
          label: 'Systolic BP ≤ 100 mm Hg',
          value: sbp,
          met: sbp <= 100,
          text: `${sbp} mm Hg: ${sbp <= 100 ? 'met' : 'not met'}`,
        },
    consciousness === undefined
      ? { criterion: 'alteredMentation', label: 'Altered mentation', value: null, met: null, text: NOT_MEASURED }
      : {
          criterion: 'alteredMentation',
          label: 'Altered mentation',
          value: consciousness.value,
          met: !consciousness.alert,
          text: `${consciousness.text}: ${consciousness.alert ? 'not met' : 'met'}`,
        },
  ];
  const missing = components.filter((component) => component.met === null).map((c) => MISSING_NAME[c.criterion]);
  const partialTotal = components.filter((component) => component.met === true).length;
  const complete = missing.length === 0;
  return { complete, total: complete ? partialTotal : null, partialTotal, missing, components };
}

const MISSING_NAME: Record<QsofaCriterion, string> = {
  respiratoryRate: 'respiratory rate',
  systolicBP: 'systolic blood pressure',
  alteredMentation: 'mentation (consciousness level or GCS)',
};

/** Alerts on the partial total: criteria already met stay met whatever the missing ones turn out to be. */
export function qsofaAlerts(result: QsofaResult): boolean {
  return result.partialTotal >= QSOFA_ALERT_TOTAL;
}
