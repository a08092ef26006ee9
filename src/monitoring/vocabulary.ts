/**
 * The monitor's observation codes: what a stay's observations may be named, their units (UCUM) and LOINC codes, and
 * which code of each timeline model they feed. Specs (labels, kinds, ranges) are derived from the shipped cards.
 */
import { UcumLhcUtils } from '@lhncbc/ucum-lhc';
import type { ObservationSpec } from '@/features/timeline';
import type { ModelCard } from '@/inference/model-card';
import { CodedError } from '@/errors/coded-error';

/**
 * The Console's own FHIR code system of monitor codes (`HR`, `HospAdmTime`, ...): a code without a LOINC code is sent
 * with it, and senders may send it beside the LOINC code so a receiver can map either.
 */
export const MONITOR_CODE_SYSTEM = 'http://clinical-risk-console/monitor-code';

/** The timeline models the monitor scores, in the order it scores them. */
export const MONITORED_MODELS = ['sepsis', 'icu-mortality'] as const;
export type MonitoredModel = (typeof MONITORED_MODELS)[number];

/** A value a model reads only up to a bound, with the convention that makes it so. */
interface Clamp {
  max: number;
  why: string;
}

interface CodeDefinition {
  /** The code clients send: sepsis's (PhysioNet 2019) name where sepsis reads it, else icu-mortality's (2012). */
  code: string;
  /** The unit stored values are in, as UCUM: the cards' units, written the way @lhncbc/ucum-lhc reads them. */
  ucum: string;
  /** LOINC codes that mean this observation (FHIR R4), the usual one first. */
  loinc: readonly string[];
  /** The code each model reads it as. */
  feeds: Partial<Record<MonitoredModel, string>>;
  /** A model that reads only up to a bound: larger values are given to it at the bound. */
  clamp?: Partial<Record<MonitoredModel, Clamp>>;
  /** A code no model reads (NEWS2's and qSOFA's own inputs): its spec here. */
  spec?: Omit<ObservationSpec, 'name'>;
}

const both = (sepsis: string, icu = sepsis) => ({ sepsis, 'icu-mortality': icu });

/*
 * The vitals and labs both models read are the same measurement under two names (PhysioNet 2019 and 2012). Blood
 * pressure in 2019 is not split by method; icu-mortality reads the monitor's as the cuff's (NISysABP...), which is what
 * a ward measures.
 */
const DEFINITIONS: readonly CodeDefinition[] = [
  { code: 'HR', ucum: '/min', loinc: ['8867-4'], feeds: both('HR') },
  { code: 'O2Sat', ucum: '%', loinc: ['59408-5', '2710-2'], feeds: { sepsis: 'O2Sat' } },
  { code: 'Temp', ucum: 'Cel', loinc: ['8310-5', '8331-1', '8328-7'], feeds: both('Temp') },
  { code: 'SBP', ucum: 'mm[Hg]', loinc: ['8480-6'], feeds: both('SBP', 'NISysABP') },
  { code: 'MAP', ucum: 'mm[Hg]', loinc: ['8478-0'], feeds: both('MAP', 'NIMAP') },
  { code: 'DBP', ucum: 'mm[Hg]', loinc: ['8462-4'], feeds: both('DBP', 'NIDiasABP') },
  { code: 'Resp', ucum: '/min', loinc: ['9279-1'], feeds: both('Resp', 'RespRate') },
  { code: 'EtCO2', ucum: 'mm[Hg]', loinc: ['19889-5'], feeds: { sepsis: 'EtCO2' } },
  { code: 'BaseExcess', ucum: 'mmol/L', loinc: ['1925-7'], feeds: { sepsis: 'BaseExcess' } },
  { code: 'HCO3', ucum: 'mmol/L', loinc: ['1960-4', '1963-8'], feeds: both('HCO3') },
  { code: 'FiO2', ucum: '1', loinc: ['3150-0', '19996-8'], feeds: both('FiO2') },
  { code: 'pH', ucum: '[pH]', loinc: ['2744-1', '11558-4'], feeds: both('pH') },
  { code: 'PaCO2', ucum: 'mm[Hg]', loinc: ['2019-8'], feeds: both('PaCO2') },
  { code: 'SaO2', ucum: '%', loinc: ['2708-6'], feeds: both('SaO2') },
  { code: 'AST', ucum: 'U/L', loinc: ['1920-8'], feeds: both('AST') },
  { code: 'BUN', ucum: 'mg/dL', loinc: ['3094-0', '6299-2'], feeds: both('BUN') },
  { code: 'Alkalinephos', ucum: 'U/L', loinc: ['6768-6'], feeds: both('Alkalinephos', 'ALP') },
  { code: 'Calcium', ucum: 'mg/dL', loinc: ['17861-6'], feeds: { sepsis: 'Calcium' } },
  { code: 'Chloride', ucum: 'mmol/L', loinc: ['2075-0'], feeds: { sepsis: 'Chloride' } },
  { code: 'Creatinine', ucum: 'mg/dL', loinc: ['2160-0'], feeds: both('Creatinine') },
  { code: 'Bilirubin_direct', ucum: 'mg/dL', loinc: ['1968-7'], feeds: { sepsis: 'Bilirubin_direct' } },
  { code: 'Glucose', ucum: 'mg/dL', loinc: ['2345-7', '2339-0'], feeds: both('Glucose') },
  { code: 'Lactate', ucum: 'mmol/L', loinc: ['2524-7', '32693-4'], feeds: both('Lactate') },
  { code: 'Magnesium', ucum: 'mg/dL', loinc: ['19123-9'], feeds: both('Magnesium', 'Mg') },
  { code: 'Phosphate', ucum: 'mg/dL', loinc: ['2777-1'], feeds: { sepsis: 'Phosphate' } },
  { code: 'Potassium', ucum: 'mmol/L', loinc: ['2823-3', '6298-4'], feeds: both('Potassium', 'K') },
  { code: 'Bilirubin_total', ucum: 'mg/dL', loinc: ['1975-2'], feeds: both('Bilirubin_total', 'Bilirubin') },
  { code: 'TroponinI', ucum: 'ng/mL', loinc: ['10839-9'], feeds: both('TroponinI') },
  { code: 'Hct', ucum: '%', loinc: ['4544-3', '20570-8'], feeds: both('Hct', 'HCT') },
  { code: 'Hgb', ucum: 'g/dL', loinc: ['718-7'], feeds: { sepsis: 'Hgb' } },
  { code: 'PTT', ucum: 's', loinc: ['3173-2', '14979-9'], feeds: { sepsis: 'PTT' } },
  { code: 'WBC', ucum: '10*3/uL', loinc: ['6690-2', '26464-8'], feeds: both('WBC') },
  { code: 'Fibrinogen', ucum: 'mg/dL', loinc: ['3255-7'], feeds: { sepsis: 'Fibrinogen' } },
  { code: 'Platelets', ucum: '10*3/uL', loinc: ['777-3', '26515-7'], feeds: both('Platelets') },
  // Facts of the stay (given at admission).
  {
    code: 'Age',
    ucum: 'a',
    loinc: ['30525-0'],
    feeds: both('Age'),
    clamp: { 'icu-mortality': { max: 90, why: 'PhysioNet 2012 records every age over 89 as 90' } },
  },
  { code: 'Gender', ucum: '1', loinc: ['76689-9'], feeds: both('Gender') },
  { code: 'HospAdmTime', ucum: 'h', loinc: [], feeds: { sepsis: 'HospAdmTime' } },
  { code: 'Height', ucum: 'cm', loinc: ['8302-2'], feeds: { 'icu-mortality': 'Height' } },
  { code: 'ICUType', ucum: '1', loinc: [], feeds: { 'icu-mortality': 'ICUType' } },
  // Read by icu-mortality only.
  { code: 'Weight', ucum: 'kg', loinc: ['29463-7'], feeds: { 'icu-mortality': 'Weight' } },
  { code: 'GCS', ucum: '{score}', loinc: ['9269-2'], feeds: { 'icu-mortality': 'GCS' } },
  { code: 'Urine', ucum: 'mL', loinc: ['9187-6'], feeds: { 'icu-mortality': 'Urine' } },
  { code: 'MechVent', ucum: '1', loinc: [], feeds: { 'icu-mortality': 'MechVent' } },
  { code: 'Na', ucum: 'mmol/L', loinc: ['2951-2', '2947-0'], feeds: { 'icu-mortality': 'Na' } },
  { code: 'Albumin', ucum: 'g/dL', loinc: ['1751-7'], feeds: { 'icu-mortality': 'Albumin' } },
  { code: 'ALT', ucum: 'U/L', loinc: ['1742-6'], feeds: { 'icu-mortality': 'ALT' } },
  { code: 'Cholesterol', ucum: 'mg/dL', loinc: ['2093-3'], feeds: { 'icu-mortality': 'Cholesterol' } },
  { code: 'PaO2', ucum: 'mm[Hg]', loinc: ['2703-7'], feeds: { 'icu-mortality': 'PaO2' } },
  { code: 'TroponinT', ucum: 'ug/L', loinc: ['6598-7'], feeds: { 'icu-mortality': 'TroponinT' } },
  // NEWS2's own inputs: no model reads them.
  {
    code: 'Consciousness',
    ucum: '1',
    loinc: ['67775-7'],
    feeds: {},
    spec: {
      label: 'Consciousness (ACVPU)',
      unit: null,
      description: 'Level of consciousness on the ACVPU scale, as NEWS2 reads it.',
      kind: 'categorical',
      codes: [
        { value: 0, label: 'Alert' },
        { value: 1, label: 'new Confusion' },
        { value: 2, label: 'responds to Voice' },
        { value: 3, label: 'responds to Pain' },
        { value: 4, label: 'Unresponsive' },
      ],
      min: 0,
      max: 4,
    },
  },
  {
    code: 'SupplementalO2',
    ucum: '1',
    loinc: [],
    feeds: {},
    spec: {
      label: 'Air or oxygen',
      unit: null,
      description: 'Whether the patient breathes supplemental oxygen (1) or room air (0), as NEWS2 reads it.',
      kind: 'binary',
      codes: [
        { value: 0, label: 'air' },
        { value: 1, label: 'oxygen' },
      ],
      min: 0,
      max: 1,
    },
  },
];

/** One code of the vocabulary, with its spec derived from the cards. */
export interface MonitorCode {
  code: string;
  ucum: string;
  loinc: readonly string[];
  feeds: Partial<Record<MonitoredModel, string>>;
  clamp: Partial<Record<MonitoredModel, Clamp>>;
  /** Label, kind, codes and range: the range is the one every model it feeds accepts (their intersection). */
  spec: ObservationSpec;
  /** A fact of the stay: given at admission, not as an observation. */
  stayFact: boolean;
}

/** A vocabulary that cannot be built from the cards (a card lost a code the monitor maps). */
export class VocabularyMismatchError extends CodedError {
  readonly code = 'VOCABULARY_MISMATCH';
}

function intersect(code: string, specs: readonly (ObservationSpec & { clampedMax?: number })[]): ObservationSpec {
  const [first] = specs;
  let min = -Infinity;
  let max = Infinity;
  for (const s of specs) {
    min = Math.max(min, s.min);
    // A clamped model takes any larger value (given to it at the bound): it does not narrow the range.
    if (s.clampedMax === undefined) max = Math.min(max, s.max);
  }
  return {
    name: code,
    label: first.label,
    unit: first.unit,
    description: first.description,
    kind: first.kind,
    ...(first.codes ? { codes: first.codes } : {}),
    min,
    max,
    ...(specs.some((s) => s.atAdmissionOnly) ? { atAdmissionOnly: true } : {}),
  };
}

/**
 * The vocabulary of the monitor: every code, its spec derived from the cards of the models it feeds. Unit rules of
 * the training data (pH ×100 and the like) are not applied to live observations: a unit is converted from the unit
 * sent, never guessed from the value.
 */
export class MonitorVocabulary {
  private readonly byCode: ReadonlyMap<string, MonitorCode>;
  private readonly byLoinc: ReadonlyMap<string, MonitorCode>;

  private constructor(readonly codes: readonly MonitorCode[]) {
    this.byCode = new Map(codes.map((c) => [c.code, c]));
    this.byLoinc = new Map(codes.flatMap((c) => c.loinc.map((l) => [l, c] as const)));
  }

  /** Builds the vocabulary from the monitored models' cards; a code a card no longer holds is an error. */
  static fromCards(cards: Partial<Record<MonitoredModel, Pick<ModelCard, 'id' | 'timeline'>>>): MonitorVocabulary {
    const codes: MonitorCode[] = [];
    for (const definition of DEFINITIONS) {
      const fed: (ObservationSpec & { clampedMax?: number })[] = [];
      for (const [model, name] of Object.entries(definition.feeds) as [MonitoredModel, string][]) {
        const card = cards[model];
        if (!card) continue;
        const spec = card.timeline?.observations.find((o) => o.name === name);
        if (!spec)
          throw new VocabularyMismatchError(
            `monitor code ${definition.code}: model "${model}" has no observation code ${name}`,
          );
        fed.push({ ...spec, clampedMax: definition.clamp?.[model]?.max });
      }
      // A code only models that are not loaded read is not offered.
      if (!definition.spec && fed.length === 0) continue;
      codes.push({
        code: definition.code,
        ucum: definition.ucum,
        loinc: definition.loinc,
        feeds: definition.feeds,
        clamp: definition.clamp ?? {},
        spec: definition.spec ? { name: definition.code, ...definition.spec } : intersect(definition.code, fed),
        stayFact: fed.some((s) => s.atAdmissionOnly === true),
      });
    }
    return new MonitorVocabulary(codes);
  }

  get(code: string): MonitorCode | undefined {
    return this.byCode.get(code);
  }

  /** The code a LOINC code means, if the monitor reads it. */
  ofLoinc(loinc: string): MonitorCode | undefined {
    return this.byLoinc.get(loinc);
  }

  /** Codes a client may send as observations (facts of the stay are given at admission). */
  observationCodes(): string[] {
    return this.codes.filter((c) => !c.stayFact).map((c) => c.code);
  }

  factCodes(): string[] {
    return this.codes.filter((c) => c.stayFact).map((c) => c.code);
  }
}

const ucumUtils = UcumLhcUtils.getInstance();

/**
 * `value` in `unit` (UCUM) converted to the code's unit, by @lhncbc/ucum-lhc; the value unchanged when no unit is sent
 * or it is the code's. Returns a reason when the units are not commensurable or the unit is not UCUM.
 */
export function toCodeUnit(
  code: MonitorCode,
  value: number,
  unit?: string | null,
): { value: number } | { problem: string } {
  if (unit === undefined || unit === null || unit === '' || unit === code.ucum) return { value };
  const converted = ucumUtils.convertUnitTo(unit, value, code.ucum);
  if (converted.status !== 'succeeded' || converted.toVal === null || !Number.isFinite(converted.toVal))
    return {
      problem: `unit "${unit}" cannot be converted to ${code.code}'s unit "${code.ucum}" (UCUM)${converted.msg.length > 0 ? `: ${converted.msg.join('; ')}` : ''}`,
    };
  // Conversions through base units leave float noise (98.6 [degF] → 37.00000000000001): 12 significant digits are
  // more than any instrument gives.
  return { value: Number(converted.toVal.toPrecision(12)) };
}
