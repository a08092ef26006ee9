/** NEWS2 (Royal College of Physicians, 2017) for one stay's hour: each component, the total when complete, the risk. */
import type { HourValues } from './hour-values';
import { readConsciousness, readMeasurement, readOxygen } from './hour-readings';

/** The RCP's key threshold: an aggregate of 5 or more calls for an urgent response. */
export const NEWS2_ALERT_TOTAL = 5;

export type News2Parameter =
  'respirationRate' | 'spo2' | 'airOrOxygen' | 'systolicBP' | 'pulse' | 'consciousness' | 'temperature';

export interface News2Component {
  parameter: News2Parameter;
  label: string;
  /** The value read (for consciousness the ACVPU code or GCS, for air or oxygen the flag or FiO2); null when missing. */
  value: number | null;
  /** Null when the component could not be scored. */
  points: number | null;
  text: string;
}

export type News2Risk = 'low' | 'low-medium' | 'medium' | 'high';

export interface News2Result {
  spo2Scale: 1 | 2;
  /** Every component scored. */
  complete: boolean;
  /** Only when complete: a total from partial inputs would pass the missing part off as normal. */
  total: number | null;
  /** The sum of the scored components: a lower bound of the total, since no component scores below 0. */
  partialTotal: number;
  /** What could not be scored, named for a person. */
  missing: string[];
  components: News2Component[];
  /** Some scored component has 3 points. */
  anySingleThree: boolean;
  /** The RCP clinical risk; when incomplete, only what the lower bound already makes certain ('high'), else null. */
  risk: News2Risk | null;
}

/**
 * A chart's rows for one parameter, as the highest value each row holds. The chart's rows are integers (tenths of a
 * degree for temperature) and leave gaps on the real line (20 | 21); a row is closed at its own upper limit, so a
 * value in a gap (20.5) belongs to the row above it, and a value exactly on a limit (20, 36.0) to the chart's row.
 */
type Bands = readonly (readonly [upTo: number, points: number])[];

function bandPoints(value: number, bands: Bands, above: number): number {
  for (const [upTo, points] of bands) if (value <= upTo) return points;
  return above;
}

const RESPIRATION_RATE: Bands = [
  [8, 3],
  [11, 1],
  [20, 0],
  [24, 2],
];
const SPO2_SCALE_1: Bands = [
  [91, 3],
  [93, 2],
  [95, 1],
];
/** Scale 2 up to 92%, where air and oxygen score alike. */
const SPO2_SCALE_2: Bands = [
  [83, 3],
  [85, 2],
  [87, 1],
  [92, 0],
];
/** Scale 2 above 92% on oxygen: the target range is 88–92%, so more oxygen than needed scores too. */
const SPO2_SCALE_2_ON_OXYGEN: Bands = [
  [94, 1],
  [96, 2],
];
const SYSTOLIC_BP: Bands = [
  [90, 3],
  [100, 2],
  [110, 1],
  [219, 0],
];
const PULSE: Bands = [
  [40, 3],
  [50, 1],
  [90, 0],
  [110, 1],
  [130, 2],
];
const TEMPERATURE: Bands = [
  [35.0, 3],
  [36.0, 1],
  [38.0, 0],
  [39.0, 1],
];

const NOT_MEASURED = 'not measured within the hour';

function pointsText(points: number): string {
  return points === 1 ? '1 point' : `${points} points`;
}

/** A component read from one measurement through one chart row set; missing when not measured. */
function measured(
  parameter: News2Parameter,
  label: string,
  value: number | undefined,
  unit: string,
  bands: Bands,
  above: number,
): News2Component {
  if (value === undefined) return { parameter, label, value: null, points: null, text: NOT_MEASURED };
  const points = bandPoints(value, bands, above);
  return { parameter, label, value, points, text: `${value}${unit}: ${pointsText(points)}` };
}

const MISSING_NAME: Record<News2Parameter, string> = {
  respirationRate: 'respiration rate',
  spo2: 'SpO2',
  airOrOxygen: 'air or oxygen',
  systolicBP: 'systolic blood pressure',
  pulse: 'pulse',
  consciousness: 'consciousness level',
  temperature: 'temperature',
};

const SPO2_NEEDS_OXYGEN = 'SpO2 score (scale 2 at 93% or more needs air or oxygen)';

/**
 * NEWS2 from one hour's values. SpO2 scale 2 is for patients with hypercapnic respiratory failure, and only a
 * clinician can say so: the default is scale 1.
 */
export function news2(values: HourValues, options: { spo2Scale?: 1 | 2 } = {}): News2Result {
  const spo2Scale = options.spo2Scale ?? 1;
  const oxygen = readOxygen(values);
  const consciousness = readConsciousness(values);
  const components: News2Component[] = [
    measured(
      'respirationRate',
      'Respiration rate',
      readMeasurement(values, 'Resp'),
      ' breaths/min',
      RESPIRATION_RATE,
      3,
    ),
    spo2Component(readMeasurement(values, 'O2Sat'), spo2Scale, oxygen?.onOxygen),
    oxygen === undefined
      ? { parameter: 'airOrOxygen', label: 'Air or oxygen', value: null, points: null, text: NOT_MEASURED }
      : {
          parameter: 'airOrOxygen',
          label: 'Air or oxygen',
          value: oxygen.value,
          points: oxygen.onOxygen ? 2 : 0,
          text: `${oxygen.text}: ${pointsText(oxygen.onOxygen ? 2 : 0)}`,
        },
    measured('systolicBP', 'Systolic blood pressure', readMeasurement(values, 'SBP'), ' mm Hg', SYSTOLIC_BP, 3),
    measured('pulse', 'Pulse', readMeasurement(values, 'HR'), ' beats/min', PULSE, 3),
    consciousness === undefined
      ? { parameter: 'consciousness', label: 'Consciousness', value: null, points: null, text: NOT_MEASURED }
      : {
          parameter: 'consciousness',
          label: 'Consciousness',
          value: consciousness.value,
          points: consciousness.alert ? 0 : 3,
          text: `${consciousness.text}: ${pointsText(consciousness.alert ? 0 : 3)}`,
        },
    measured('temperature', 'Temperature', readMeasurement(values, 'Temp'), ' °C', TEMPERATURE, 2),
  ];

  // Unscored components add nothing: the partial total is a lower bound, never a guess that they are normal.
  let partialTotal = 0;
  const missing: string[] = [];
  for (const component of components) {
    if (component.points !== null) partialTotal += component.points;
    else if (component.parameter === 'spo2' && component.value !== null) missing.push(SPO2_NEEDS_OXYGEN);
    else missing.push(MISSING_NAME[component.parameter]);
  }
  const complete = missing.length === 0;
  const anySingleThree = components.some((component) => component.points === 3);
  return {
    spo2Scale,
    complete,
    total: complete ? partialTotal : null,
    partialTotal,
    missing,
    components,
    anySingleThree,
    risk: complete ? clinicalRisk(partialTotal, anySingleThree) : partialTotal >= 7 ? 'high' : null,
  };
}

function spo2Component(value: number | undefined, scale: 1 | 2, onOxygen: boolean | undefined): News2Component {
  const label = `SpO2 (scale ${scale})`;
  if (scale === 1) return measured('spo2', label, value, '%', SPO2_SCALE_1, 0);
  if (value === undefined) return { parameter: 'spo2', label, value: null, points: null, text: NOT_MEASURED };
  let points: number;
  if (value <= 92) points = bandPoints(value, SPO2_SCALE_2, 0);
  else if (onOxygen === undefined) {
    return {
      parameter: 'spo2',
      label,
      value,
      points: null,
      text: `${value}%: not scored, scale 2 needs air or oxygen`,
    };
  } else points = onOxygen ? bandPoints(value, SPO2_SCALE_2_ON_OXYGEN, 3) : 0;
  const context = value > 92 ? (onOxygen ? ' on oxygen' : ' on air') : '';
  return { parameter: 'spo2', label, value, points, text: `${value}%${context}: ${pointsText(points)}` };
}

/** The RCP chart's clinical risk for a complete score. */
function clinicalRisk(total: number, anySingleThree: boolean): News2Risk {
  if (total >= 7) return 'high';
  if (total >= 5) return 'medium';
  return anySingleThree ? 'low-medium' : 'low';
}

/**
 * Whether the hour calls for a response: an aggregate of 5 or more, or 3 in any one parameter. Alerting on the
 * partial total is safe because it is a lower bound (missing components can only add points), so an alert raised
 * from it would be raised by the complete score too; an incomplete score below 5 does not alert, and its `missing`
 * list is what tells a person to measure the rest.
 */
export function news2Alerts(result: News2Result): boolean {
  return (result.total ?? result.partialTotal) >= NEWS2_ALERT_TOTAL || result.anySingleThree;
}
