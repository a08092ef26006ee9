/** Reads the parts of FHIR R4 resources the monitor needs: monitor codes, values, instants and references. */
import type { CodeableConcept, Coding, Quantity, Reference } from '@medplum/fhirtypes';
import { MONITOR_CODE_SYSTEM, type MonitorCode, type MonitorVocabulary } from '@/monitoring/vocabulary';

export const LOINC_SYSTEM = 'http://loinc.org';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
// Codes LOINC has no code for (ICUType, MechVent, HospAdmTime) are read in the monitor's own code system.
export { MONITOR_CODE_SYSTEM } from '@/monitoring/vocabulary';

/** Inhaled oxygen flow rate: NEWS2 reads only whether it is above zero (SupplementalO2). */
export const OXYGEN_FLOW_LOINC = '3151-8';
/** Blood pressure panels: their components are the observations. */
export const BLOOD_PRESSURE_PANELS: readonly string[] = ['85354-9', '55284-4'];
/** The components a blood pressure panel must carry (systolic, diastolic); mean (8478-0) is optional. */
export const BLOOD_PRESSURE_REQUIRED: readonly string[] = ['8480-6', '8462-4'];

/** A problem with one part of the input: `path` is relative to the resource (`valueQuantity.code`). */
export interface ValueProblem {
  path: string;
  message: string;
  code: 'invalid' | 'not-supported' | 'required';
}

/** What a resource's code means to the monitor. */
export type CodeMeaning =
  | { kind: 'code'; code: MonitorCode; loinc: string | null }
  | { kind: 'oxygen-flow'; code: MonitorCode }
  | { kind: 'blood-pressure-panel'; loinc: string };

/** The first coding of `concept` the monitor reads: LOINC codes, or its own code system. */
export function meaningOf(concept: CodeableConcept | undefined, vocabulary: MonitorVocabulary): CodeMeaning | null {
  for (const coding of concept?.coding ?? []) {
    if (typeof coding?.code !== 'string') continue;
    if (coding.system === LOINC_SYSTEM) {
      if (BLOOD_PRESSURE_PANELS.includes(coding.code)) return { kind: 'blood-pressure-panel', loinc: coding.code };
      const o2 = vocabulary.get('SupplementalO2');
      if (coding.code === OXYGEN_FLOW_LOINC && o2) return { kind: 'oxygen-flow', code: o2 };
      const code = vocabulary.ofLoinc(coding.code);
      if (code) return { kind: 'code', code, loinc: coding.code };
    } else if (coding.system === MONITOR_CODE_SYSTEM) {
      const code = vocabulary.get(coding.code);
      if (code) return { kind: 'code', code, loinc: null };
    }
  }
  return null;
}

/** The codes a client may send, for messages: `8867-4 (HR)`, one LOINC code each. */
export function readableCodes(vocabulary: MonitorVocabulary, facts: boolean): string {
  const listed = vocabulary.codes
    .filter((c) => c.stayFact === facts)
    .map((c) => (c.loinc.length > 0 ? `${c.loinc[0]} (${c.code})` : `${MONITOR_CODE_SYSTEM}|${c.code}`));
  if (!facts)
    listed.push(`${OXYGEN_FLOW_LOINC} (SupplementalO2)`, `${BLOOD_PRESSURE_PANELS[0]} (blood pressure panel)`);
  return listed.join(', ');
}

/** A coded answer: codes of each system that mean it, and texts (lower case, without a trailing "(finding)"). */
interface Answer {
  value: number;
  codes: readonly string[];
  texts: readonly string[];
}

/*
 * ACVPU as NEWS2 scores it. SNOMED CT: 248234008 mentally alert, 300202002 responds to voice, 450847001 responds to
 * pain, 422768004 unresponsive (LOINC's answer LA9343-0 too). LA9340-6, LA17108-4 and LA17107-6 are taken as the
 * NEMSIS answers Alert, Verbal and Painful of 67775-7 (not checked against a LOINC release here, so displays and
 * texts are matched as well). Texts are matched whole, so "not alert" is not "alert".
 */
const ACVPU: readonly Answer[] = [
  { value: 0, codes: ['248234008', 'LA9340-6'], texts: ['a', 'alert', 'mentally alert'] },
  {
    value: 1,
    codes: ['130987000'],
    texts: [
      'c',
      'confusion',
      'new confusion',
      'confused',
      'new-onset confusion',
      'new onset confusion',
      'acute confusion',
    ],
  },
  {
    value: 2,
    codes: ['300202002', 'LA17108-4'],
    texts: ['v', 'voice', 'verbal', 'responds to voice', 'responds to verbal stimuli', 'responds to verbal'],
  },
  {
    value: 3,
    codes: ['450847001', 'LA17107-6'],
    texts: ['p', 'pain', 'painful', 'responds to pain', 'responds to painful stimuli', 'responds to painful'],
  },
  { value: 4, codes: ['422768004', 'LA9343-0'], texts: ['u', 'unresponsive'] },
];

/** Sex as the models read it (0 = female, 1 = male): HL7 administrative gender, LOINC answers, SNOMED CT. */
const SEX: readonly Answer[] = [
  { value: 0, codes: ['female', 'F', 'LA3-6', '248152002'], texts: ['f', 'female'] },
  { value: 1, codes: ['male', 'M', 'LA2-8', '248153007'], texts: ['m', 'male'] },
];

const ANSWERS: Readonly<Record<string, { answers: readonly Answer[]; allowed: string }>> = {
  Consciousness: {
    answers: ACVPU,
    allowed:
      'Alert, new Confusion, Voice, Pain, Unresponsive (SNOMED CT 248234008, 300202002, 450847001, 422768004; or the text)',
  },
  Gender: { answers: SEX, allowed: 'male or female (administrative gender, LOINC LA2-8/LA3-6, SNOMED CT)' },
};

function normalText(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s*\([^)]*\)$/, '');
}

function answerOf(concept: CodeableConcept, answers: readonly Answer[]): number | undefined {
  const codings: Coding[] = Array.isArray(concept.coding) ? concept.coding : [];
  for (const coding of codings)
    for (const a of answers) if (typeof coding.code === 'string' && a.codes.includes(coding.code)) return a.value;
  const texts = [concept.text, ...codings.map((c) => c.display)].filter((t): t is string => typeof t === 'string');
  for (const text of texts) for (const a of answers) if (a.texts.includes(normalText(text))) return a.value;
  return undefined;
}

/** The parts of a resource (or component, or extension) a value is read from. */
export interface ValueHolder {
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
}

/** A value read for a monitor code: `unit` is UCUM (the service converts it to the code's unit). */
export interface ReadValue {
  value: number;
  unit: string | null;
  /** The path of the value within its holder, for errors the service reports about it. */
  path: string;
}

/** A coded value (Consciousness, Gender) from valueCodeableConcept; every other code from a UCUM valueQuantity. */
export function readValue(
  code: MonitorCode,
  holder: ValueHolder,
  prefix: string,
  problems: ValueProblem[],
): ReadValue | undefined {
  const coded = ANSWERS[code.code];
  if (coded) {
    const concept = holder.valueCodeableConcept;
    const path = `${prefix}valueCodeableConcept`;
    if (!concept || typeof concept !== 'object') {
      problems.push({
        path,
        message: `${code.code} is sent as a valueCodeableConcept: ${coded.allowed}`,
        code: 'required',
      });
      return undefined;
    }
    const value = answerOf(concept, coded.answers);
    if (value === undefined) {
      problems.push({
        path,
        message: `not a ${code.code} answer the monitor knows; allowed: ${coded.allowed}`,
        code: 'invalid',
      });
      return undefined;
    }
    return { value, unit: null, path };
  }
  return readQuantity(holder, prefix, `${code.code} (unit ${code.ucum})`, problems);
}

/** A valueQuantity's number and UCUM code; `what` names the measurement for messages. */
export function readQuantity(
  holder: ValueHolder,
  prefix: string,
  what: string,
  problems: ValueProblem[],
  unitRequired = true,
): ReadValue | undefined {
  const quantity = holder.valueQuantity;
  const path = `${prefix}valueQuantity`;
  if (!quantity || typeof quantity !== 'object') {
    problems.push({ path, message: `${what} needs a valueQuantity (a number with a UCUM unit)`, code: 'required' });
    return undefined;
  }
  const before = problems.length;
  if (typeof quantity.value !== 'number' || !Number.isFinite(quantity.value))
    problems.push({ path: `${path}.value`, message: 'must be a number', code: 'required' });
  if (quantity.comparator !== undefined)
    problems.push({
      path: `${path}.comparator`,
      message: `a value with comparator "${String(quantity.comparator)}" is a bound, not a measurement the monitor can score; send the measured value`,
      code: 'not-supported',
    });
  let unit: string | null = null;
  if (quantity.code !== undefined || unitRequired) {
    if (quantity.system !== UCUM_SYSTEM)
      problems.push({
        path: `${path}.system`,
        message: `must be ${UCUM_SYSTEM} (the unit is read as UCUM); got ${quantity.system === undefined ? 'none' : `"${String(quantity.system)}"`}`,
        code: 'invalid',
      });
    if (typeof quantity.code !== 'string' || quantity.code === '')
      problems.push({ path: `${path}.code`, message: `must be the UCUM unit of ${what}`, code: 'required' });
    else unit = quantity.code;
  }
  if (problems.length > before) return undefined;
  return { value: quantity.value as number, unit, path };
}

/** An instant with a date, a time and a time zone (FHIR dateTime or instant). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** The instant `text` names, or why it is not one. */
export function readInstant(text: unknown): Date | string {
  if (typeof text !== 'string') return 'must be a dateTime with a time and a time zone, e.g. 2026-03-01T08:00:00Z';
  if (!INSTANT.test(text))
    return `"${text}" must carry a time and a time zone (e.g. 2026-03-01T08:00:00+01:00): a local time is ambiguous`;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? `"${text}" is not a valid date and time` : time;
}

/** The id a reference names for `type`: `Encounter/7`, `https://host/fhir/Encounter/7/_history/2`. */
export function referencedId(reference: Reference | undefined, type: string): string | undefined {
  const text = reference?.reference;
  if (typeof text !== 'string') return undefined;
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(text);
  return match?.[1];
}
