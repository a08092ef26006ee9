/**
 * Maps a FHIR R4 batch or transaction Bundle to one monitor IngestBatch (pure), and the batch's field paths back to
 * the bundle's entries so that every refusal names the entry and the element (FHIRPath) that caused it.
 * Longer than ~400 lines because the rules of Encounters, Observations and the facts of stays share one pass over
 * the entries and its state (the stays of the bundle, the sources of every value); split, they would pass it around.
 */
import type { Bundle, BundleEntry, Encounter, Extension, Observation, Reference } from '@medplum/fhirtypes';
import type { AdmitInput, IngestBatch, ObservationInput, ObservationStatus } from '@/monitoring/monitor-input';
import type { MonitorVocabulary } from '@/monitoring/vocabulary';
import {
  BLOOD_PRESSURE_REQUIRED,
  meaningOf,
  readableCodes,
  readInstant,
  readQuantity,
  readValue,
  referencedId,
  type ValueHolder,
  type ValueProblem,
} from './fhir-values';
import { BatchLocator, entryPath, type AdmissionSource, type EntryLocation, type GroupSource } from './fhir-locator';

/** Extension on an Encounter carrying one fact of the stay: sub-extensions `code` (valueCoding) and `value`. */
export const STAY_FACT_EXTENSION = 'urn:clinical-risk-console:fhir:StructureDefinition:stay-fact';

export type BundleIssueCode = 'invalid' | 'structure' | 'required' | 'not-supported' | 'not-found';

/** One problem of a bundle: the entry (null for the bundle itself) and the FHIRPath of the offending element. */
export interface BundleProblem {
  entry: number | null;
  expression: string;
  message: string;
  code: BundleIssueCode;
}

/** What one entry of the bundle became in the batch, for its response. */
export type EntryPlan =
  | { kind: 'observations'; stayRef: string; positions: number[] }
  | { kind: 'fact'; stayRef: string }
  | { kind: 'encounter'; stayRef: string; admission: boolean; discharge: boolean }
  | { kind: 'ignored'; resourceType: string };

export type BundleKind = 'batch' | 'transaction';

export interface MappedBundle {
  type: BundleKind;
  batch: IngestBatch;
  /** One per entry of the bundle, in its order. */
  entries: EntryPlan[];
  locator: BatchLocator;
}

export type BundleMapping =
  { ok: true; mapped: MappedBundle } | { ok: false; type: BundleKind | null; problems: BundleProblem[] };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** FHIR Encounter statuses: which admit, which also discharge. */
const ADMITTING: readonly Encounter['status'][] = [
  'planned',
  'arrived',
  'triaged',
  'in-progress',
  'onleave',
  'finished',
];
const OBSERVATION_STATUSES: readonly Observation['status'][] = [
  'final',
  'preliminary',
  'amended',
  'corrected',
  'entered-in-error',
];

interface EncounterRecord {
  entry: number;
  patientRef: string;
  admission: AdmitInput;
  source: AdmissionSource;
  dischargedAt: Date | null;
}

/**
 * The batch a bundle means, or every problem found in it (the whole bundle is read, not only up to the first
 * problem). Units are passed through as UCUM codes: the monitor converts them to its codes' units.
 */
export function mapBundle(body: unknown, vocabulary: MonitorVocabulary, requester: string): BundleMapping {
  if (!isObject(body) || body.resourceType !== 'Bundle') {
    const got = isObject(body) ? `a ${String(body.resourceType ?? 'resource without resourceType')}` : 'not a resource';
    return {
      ok: false,
      type: null,
      problems: [
        {
          entry: null,
          expression: 'Bundle',
          message: `send a Bundle of type batch or transaction; got ${got}`,
          code: 'structure',
        },
      ],
    };
  }
  const bundle = body as unknown as Bundle;
  if (bundle.type !== 'batch' && bundle.type !== 'transaction') {
    return {
      ok: false,
      type: null,
      problems: [
        {
          entry: null,
          expression: 'Bundle.type',
          message: `must be batch or transaction; got ${bundle.type === undefined ? 'none' : `"${String(bundle.type)}"`}`,
          code: 'not-supported',
        },
      ],
    };
  }
  const type: BundleKind = bundle.type;
  const entries: unknown[] = bundle.entry === undefined ? [] : Array.isArray(bundle.entry) ? bundle.entry : [null];
  return new BundleReader(type, entries, vocabulary, requester).read();
}

/** One pass over a bundle's entries: Encounters first (Observations refer to them in any order), then the rest. */
class BundleReader {
  private readonly problems: BundleProblem[] = [];
  private readonly plans: (EntryPlan | null)[];
  /** fullUrl → entry index, for `urn:uuid:` references within the bundle. */
  private readonly fullUrls = new Map<string, number>();
  private readonly encounters = new Map<string, EncounterRecord>();
  private readonly encounterByEntry = new Map<number, string>();
  private readonly groups = new Map<string, { observations: ObservationInput[]; source: GroupSource }>();

  constructor(
    private readonly type: BundleKind,
    private readonly entries: unknown[],
    private readonly vocabulary: MonitorVocabulary,
    private readonly requester: string,
  ) {
    this.plans = entries.map(() => null);
  }

  read(): BundleMapping {
    const resources: { index: number; entry: BundleEntry }[] = [];
    this.entries.forEach((raw, index) => {
      const entry = this.checkEntry(raw, index);
      if (!entry) return;
      if (typeof entry.fullUrl === 'string') this.fullUrls.set(entry.fullUrl, index);
      resources.push({ index, entry });
    });
    for (const { index, entry } of resources)
      if (entry.resource?.resourceType === 'Encounter') this.readEncounter(index, entry, entry.resource);
    for (const { index, entry } of resources) {
      const resource = entry.resource!;
      if (resource.resourceType === 'Observation') this.readObservation(index, entry, resource);
      else if (resource.resourceType === 'Patient') this.plans[index] = { kind: 'ignored', resourceType: 'Patient' };
      else if (resource.resourceType !== 'Encounter')
        this.problem(
          index,
          'resource.resourceType',
          `${resource.resourceType} is not read here; send Observation, Encounter or Patient`,
          'not-supported',
        );
    }
    if (this.problems.length > 0) return { ok: false, type: this.type, problems: this.sortedProblems() };
    const admitting: EncounterRecord[] = [];
    const discharging: EncounterRecord[] = [];
    for (const [stayRef, record] of this.encounters) {
      /*
       * A finished Encounter is usually the update of one admitted earlier, sent without the facts of the stay; as an
       * admission it would differ from the stored one (facts) and be refused. So it only discharges, unless the bundle
       * carries its facts too (the whole record of a stay, e.g. a replay), when it admits as well.
       */
      const admits = record.dischargedAt === null || (record.admission.facts?.length ?? 0) > 0;
      if (admits) admitting.push(record);
      if (record.dischargedAt) discharging.push(record);
      this.plans[record.entry] = {
        kind: 'encounter',
        stayRef,
        admission: admits,
        discharge: record.dischargedAt !== null,
      };
    }
    const groups = [...this.groups.entries()];
    const batch: IngestBatch = { source: 'fhir', requester: this.requester };
    if (admitting.length > 0) batch.admissions = admitting.map((r) => r.admission);
    if (groups.length > 0)
      batch.observations = groups.map(([stayRef, g]) => ({ stayRef, observations: g.observations }));
    if (discharging.length > 0)
      batch.discharges = discharging.map((r) => ({ stayRef: r.admission.stayRef, dischargedAt: r.dischargedAt! }));
    return {
      ok: true,
      mapped: {
        type: this.type,
        batch,
        entries: this.plans as EntryPlan[],
        locator: new BatchLocator(
          admitting.map((r) => r.source),
          groups.map(([, g]) => g.source),
          discharging.map((r) => ({ entry: r.entry, expression: entryPath(r.entry, 'resource.period.end') })),
        ),
      },
    };
  }

  private sortedProblems(): BundleProblem[] {
    return this.problems
      .map((p, order) => ({ p, order }))
      .sort((a, b) => (a.p.entry ?? -1) - (b.p.entry ?? -1) || a.order - b.order)
      .map(({ p }) => p);
  }

  private problem(entry: number, path: string, message: string, code: BundleIssueCode): void {
    this.problems.push({ entry, expression: entryPath(entry, path), message, code });
  }

  private valueProblems(entry: number, prefix: string, problems: ValueProblem[]): void {
    for (const p of problems) this.problem(entry, `${prefix}${p.path}`, p.message, p.code);
  }

  private checkEntry(raw: unknown, index: number): BundleEntry | null {
    if (!isObject(raw)) {
      this.problem(index, '', 'must be an entry object with a resource and a request', 'structure');
      return null;
    }
    const entry = raw as BundleEntry;
    let ok = true;
    if (!isObject(entry.resource) || typeof entry.resource.resourceType !== 'string') {
      this.problem(index, 'resource', 'must be a resource with a resourceType', 'required');
      ok = false;
    }
    if (!isObject(entry.request)) {
      this.problem(index, 'request', `a ${this.type} entry needs a request (method POST or PUT)`, 'required');
      ok = false;
    } else if (entry.request.method !== 'POST' && entry.request.method !== 'PUT') {
      this.problem(
        index,
        'request.method',
        `must be POST or PUT (observations and stays are only added); got ${String(entry.request.method ?? 'none')}`,
        'not-supported',
      );
      ok = false;
    }
    return ok ? entry : null;
  }

  /** The resource's id: its own, else the one a PUT's url names. */
  private idOf(entry: BundleEntry, type: string): string | undefined {
    if (typeof entry.resource?.id === 'string' && entry.resource.id !== '') return entry.resource.id;
    return referencedId({ reference: entry.request?.url }, type);
  }

  private encounterEntry(index: number): boolean {
    return (this.entries[index] as BundleEntry).resource?.resourceType === 'Encounter';
  }

  /** The id a reference names: `Type/<id>` or the fullUrl of an entry of this bundle. */
  private resolve(reference: Reference | undefined, type: 'Patient' | 'Encounter'): string | undefined {
    const text = reference?.reference;
    const index = typeof text === 'string' ? this.fullUrls.get(text) : undefined;
    if (index !== undefined) {
      const entry = this.entries[index] as BundleEntry;
      if (entry.resource?.resourceType !== type) return undefined;
      return type === 'Encounter' ? this.encounterByEntry.get(index) : this.idOf(entry, type);
    }
    return referencedId(reference, type);
  }

  private readEncounter(index: number, entry: BundleEntry, encounter: Encounter): void {
    const before = this.problems.length;
    const stayRef = this.idOf(entry, 'Encounter') ?? encounter.identifier?.[0]?.value;
    if (typeof stayRef !== 'string' || stayRef === '')
      this.problem(
        index,
        'resource.id',
        "the Encounter's id is the stay's reference: send it (or request.url Encounter/<id>)",
        'required',
      );
    else if (this.encounters.has(stayRef))
      this.problem(
        index,
        'resource.id',
        `Encounter ${stayRef} is already in this bundle (entry ${this.encounters.get(stayRef)!.entry})`,
        'invalid',
      );
    const patientRef = this.resolve(encounter.subject, 'Patient');
    if (!patientRef)
      this.problem(index, 'resource.subject.reference', 'must name the patient as Patient/<id>', 'required');
    if (!ADMITTING.includes(encounter.status))
      this.problem(
        index,
        'resource.status',
        `must be one of ${ADMITTING.join(', ')} (finished with period.end discharges the stay); got ${String(encounter.status ?? 'none')}`,
        encounter.status === undefined ? 'required' : 'not-supported',
      );
    const admittedAt = readInstant(encounter.period?.start);
    if (typeof admittedAt === 'string')
      this.problem(index, 'resource.period.start', `the admission: ${admittedAt}`, 'required');
    // The ward is where the patient lies; systems that do not send locations name it as the service or the class.
    const units: [string, unknown][] = [
      ['location[0].location.display', encounter.location?.[0]?.location?.display],
      ['serviceType.text', encounter.serviceType?.text],
      ['class.display', encounter.class?.display],
    ];
    const [unitPath, unit] = units.find(([, value]) => typeof value === 'string' && value.trim() !== '') ?? units[0];
    if (typeof unit !== 'string' || unit.trim() === '')
      this.problem(
        index,
        'resource.location[0].location.display',
        'the unit (ward) of the stay: send location[0].location.display (or serviceType.text, or class.display)',
        'required',
      );
    let dischargedAt: Date | string | undefined;
    if (encounter.status === 'finished') {
      dischargedAt = readInstant(encounter.period?.end);
      if (typeof dischargedAt === 'string')
        this.problem(index, 'resource.period.end', `a finished Encounter is a discharge: ${dischargedAt}`, 'required');
    }
    const facts = this.extensionFacts(index, encounter.extension);
    if (
      this.problems.length > before ||
      !stayRef ||
      !patientRef ||
      typeof admittedAt === 'string' ||
      typeof unit !== 'string'
    )
      return;
    const source: AdmissionSource = {
      entry: index,
      fields: { stayRef: 'id', patientRef: 'subject.reference', unit: unitPath, admittedAt: 'period.start' },
      facts: facts.map((f) => f.location),
    };
    const admission: AdmitInput = { stayRef, patientRef, unit: unit.trim(), admittedAt };
    if (facts.length > 0) admission.facts = facts.map((f) => f.fact);
    this.encounters.set(stayRef, {
      entry: index,
      patientRef,
      admission,
      source,
      dischargedAt: dischargedAt instanceof Date ? dischargedAt : null,
    });
    this.encounterByEntry.set(index, stayRef);
  }

  /** Facts of the stay carried as STAY_FACT_EXTENSION extensions of the Encounter. */
  private extensionFacts(index: number, extensions: Extension[] | undefined) {
    const facts: { fact: { name: string; value: number; unit?: string | null }; location: EntryLocation }[] = [];
    (extensions ?? []).forEach((extension, k) => {
      if (extension?.url !== STAY_FACT_EXTENSION) return;
      const prefix = `resource.extension[${k}].`;
      const parts = Array.isArray(extension.extension) ? extension.extension : [];
      const codeAt = parts.findIndex((p) => p?.url === 'code');
      const valueAt = parts.findIndex((p) => p?.url === 'value');
      const meaning = codeAt < 0 ? null : meaningOf({ coding: [parts[codeAt].valueCoding ?? {}] }, this.vocabulary);
      if (!meaning || meaning.kind !== 'code' || !meaning.code.stayFact) {
        this.problem(
          index,
          codeAt < 0 ? `${prefix}extension` : `${prefix}extension[${codeAt}].valueCoding`,
          `a stay-fact extension needs a code sub-extension naming a fact of the stay: ${readableCodes(this.vocabulary, true)}`,
          codeAt < 0 ? 'required' : 'not-supported',
        );
        return;
      }
      if (valueAt < 0) {
        this.problem(
          index,
          `${prefix}extension`,
          `a stay-fact extension needs a value sub-extension (valueQuantity or valueCodeableConcept)`,
          'required',
        );
        return;
      }
      const valuePrefix = `${prefix}extension[${valueAt}].`;
      const problems: ValueProblem[] = [];
      const read = readValue(meaning.code, parts[valueAt] as ValueHolder, '', problems);
      this.valueProblems(index, valuePrefix, problems);
      if (read)
        facts.push({
          fact: { name: meaning.code.code, value: read.value, unit: read.unit },
          location: { entry: index, expression: entryPath(index, `${valuePrefix}${read.path}`) },
        });
    });
    return facts;
  }

  private readObservation(index: number, entry: BundleEntry, observation: Observation): void {
    const before = this.problems.length;
    const status = observation.status;
    if (!OBSERVATION_STATUSES.includes(status))
      this.problem(
        index,
        'resource.status',
        status === undefined
          ? `required: one of ${OBSERVATION_STATUSES.join(', ')}`
          : `${String(status)} observations are not kept (not a result yet, or withdrawn before one); allowed: ${OBSERVATION_STATUSES.join(', ')}`,
        status === undefined ? 'required' : 'not-supported',
      );
    const meaning = isObject(observation.code) ? meaningOf(observation.code, this.vocabulary) : null;
    if (!isObject(observation.code))
      this.problem(
        index,
        'resource.code',
        'required: the LOINC code (system http://loinc.org) of the observation',
        'required',
      );
    else if (!meaning)
      this.problem(
        index,
        'resource.code.coding',
        `no coding the monitor reads (LOINC, system http://loinc.org); it reads ${readableCodes(this.vocabulary, false)}; and as facts of the stay ${readableCodes(this.vocabulary, true)}`,
        'not-supported',
      );
    const stayRef = this.resolve(observation.encounter, 'Encounter');
    if (!stayRef) {
      // An Encounter of this bundle that was refused has its own problems.
      const target = this.fullUrls.get(String(observation.encounter?.reference));
      const inBundle = target !== undefined && this.encounterEntry(target);
      if (!inBundle)
        this.problem(
          index,
          'resource.encounter.reference',
          'must name the stay as Encounter/<id> (or the fullUrl of an Encounter entry of this bundle)',
          'required',
        );
    }
    const stay = stayRef ? this.encounters.get(stayRef) : undefined;
    if (observation.subject !== undefined) {
      const patientRef = this.resolve(observation.subject, 'Patient');
      if (!patientRef)
        this.problem(index, 'resource.subject.reference', 'must name the patient as Patient/<id>', 'invalid');
      else if (stay && stay.patientRef !== patientRef)
        this.problem(
          index,
          'resource.subject.reference',
          `Patient/${patientRef} is not the patient of Encounter/${stayRef} (Patient/${stay.patientRef})`,
          'invalid',
        );
    }
    if (meaning?.kind === 'code' && meaning.code.stayFact) {
      if (stayRef) this.readFact(index, observation, meaning.code, stayRef, stay);
      return;
    }
    const time = this.effectiveTime(index, observation);
    const id = this.idOf(entry, 'Observation');
    const sourced = this.sourcing(index, observation, id, entry.fullUrl, time);
    if (!meaning) return;
    const withdrawn = status === 'entered-in-error';
    const values: { name: string; value: number | null; unit: string | null; suffix: string; path: string }[] = [];
    const problems: ValueProblem[] = [];
    if (meaning.kind === 'code') {
      const read = withdrawn ? null : readValue(meaning.code, observation, '', problems);
      if (read !== undefined)
        values.push({
          name: meaning.code.code,
          value: read?.value ?? null,
          unit: read?.unit ?? null,
          suffix: '',
          path: read?.path ?? 'code',
        });
    } else if (meaning.kind === 'oxygen-flow') {
      const read = withdrawn
        ? null
        : readQuantity(observation, '', 'the inhaled oxygen flow rate (L/min)', problems, false);
      if (read && read.value < 0)
        problems.push({
          path: 'valueQuantity.value',
          message: 'an oxygen flow rate cannot be negative (0 = room air)',
          code: 'invalid',
        });
      else if (read !== undefined)
        // NEWS2 reads only air (0) or oxygen (1): any flow above zero is oxygen, in whatever unit it was measured.
        values.push({
          name: meaning.code.code,
          value: read === null ? null : read.value > 0 ? 1 : 0,
          unit: null,
          suffix: '',
          path: read?.path ?? 'code',
        });
    } else {
      this.panelValues(observation, withdrawn, values, problems);
    }
    this.valueProblems(index, 'resource.', problems);
    if (this.problems.length > before || !(time instanceof Date) || !sourced || !stayRef) return;
    const group = this.group(stayRef, index);
    const positions: number[] = [];
    for (const v of values) {
      positions.push(group.observations.length);
      group.observations.push({
        name: v.name,
        time,
        value: v.value,
        unit: v.unit,
        sourceId: sourced.sourceId === null ? null : `${sourced.sourceId}${v.suffix}`,
        supersedes: sourced.supersedes === null ? null : `${sourced.supersedes}${v.suffix}`,
        status: sourced.status,
      });
      group.source.observations.push({ entry: index, expression: entryPath(index, `resource.${v.path}`) });
    }
    this.plans[index] = { kind: 'observations', stayRef, positions };
  }

  /** The components of a blood pressure panel, each its own observation (source id `<id>#<component LOINC>`). */
  private panelValues(
    observation: Observation,
    withdrawn: boolean,
    values: { name: string; value: number | null; unit: string | null; suffix: string; path: string }[],
    problems: ValueProblem[],
  ): void {
    const components = Array.isArray(observation.component) ? observation.component : [];
    const seen = new Set<string>();
    components.forEach((component, k) => {
      const meaning = isObject(component) ? meaningOf(component.code, this.vocabulary) : null;
      if (!meaning || meaning.kind !== 'code' || !meaning.loinc || meaning.code.stayFact) return;
      seen.add(meaning.loinc);
      const read = withdrawn ? null : readValue(meaning.code, component, `component[${k}].`, problems);
      if (read !== undefined)
        values.push({
          name: meaning.code.code,
          value: read?.value ?? null,
          unit: read?.unit ?? null,
          suffix: `#${meaning.loinc}`,
          path: read?.path ?? `component[${k}].code`,
        });
    });
    const missing = BLOOD_PRESSURE_REQUIRED.filter((loinc) => !seen.has(loinc));
    if (missing.length > 0)
      problems.push({
        path: 'component',
        message: `a blood pressure panel needs components ${BLOOD_PRESSURE_REQUIRED.join(' (systolic) and ')} (diastolic), 8478-0 (mean) optional; missing ${missing.join(', ')}`,
        code: 'required',
      });
  }

  private effectiveTime(index: number, observation: Observation): Date | null {
    const [path, text] =
      observation.effectiveDateTime !== undefined
        ? ['effectiveDateTime', observation.effectiveDateTime]
        : observation.effectiveInstant !== undefined
          ? ['effectiveInstant', observation.effectiveInstant]
          : ['effectivePeriod.start', observation.effectivePeriod?.start];
    if (text === undefined) {
      this.problem(
        index,
        'resource.effective',
        'required: effectiveDateTime (or effectiveInstant, or effectivePeriod.start) with a time zone',
        'required',
      );
      return null;
    }
    const time = readInstant(text);
    if (typeof time === 'string') {
      this.problem(index, `resource.${path}`, time, 'invalid');
      return null;
    }
    return time;
  }

  /** The source ids of a result: a correction or withdrawal names the id of the observation it supersedes. */
  private sourcing(
    index: number,
    observation: Observation,
    id: string | undefined,
    fullUrl: string | undefined,
    time: Date | null,
  ): { sourceId: string | null; supersedes: string | null; status: ObservationStatus } | null {
    const status = observation.status;
    // Without an id, the fullUrl a client keeps across redeliveries (urn:uuid:...) names the observation.
    if (status === 'final' || status === 'preliminary')
      return { sourceId: id ?? fullUrl ?? null, supersedes: null, status: 'final' };
    if (!OBSERVATION_STATUSES.includes(status)) return null;
    if (!id) {
      this.problem(
        index,
        'resource.id',
        `an Observation with status ${status} must carry the id of the observation it ${status === 'entered-in-error' ? 'withdraws' : 'corrects'}`,
        'required',
      );
      return null;
    }
    if (status === 'entered-in-error')
      return { sourceId: `${id}/entered-in-error`, supersedes: id, status: 'entered-in-error' };
    const version = observation.meta?.versionId;
    if (typeof version === 'string' && version !== '')
      return { sourceId: `${id}/_history/${version}`, supersedes: id, status: 'amended' };
    if (!time) return null;
    return { sourceId: `${id}/amended/${time.toISOString()}`, supersedes: id, status: 'amended' };
  }

  /** A fact of the stay sent as an Observation: only with its Encounter, in the same bundle (facts are admission's). */
  private readFact(
    index: number,
    observation: Observation,
    code: NonNullable<ReturnType<MonitorVocabulary['get']>>,
    stayRef: string,
    stay: EncounterRecord | undefined,
  ): void {
    if (!stay) {
      this.problem(
        index,
        'resource.encounter.reference',
        `${code.code} is a fact of the stay, given at admission: send it in the same bundle as Encounter/${stayRef}`,
        'invalid',
      );
      return;
    }
    if (observation.status !== 'final' && observation.status !== 'preliminary') {
      this.problem(
        index,
        'resource.status',
        `${code.code} is a fact of the stay: send it final, with its Encounter`,
        'not-supported',
      );
      return;
    }
    const problems: ValueProblem[] = [];
    const read = readValue(code, observation, '', problems);
    this.valueProblems(index, 'resource.', problems);
    if (!read) return;
    stay.admission.facts = [...(stay.admission.facts ?? []), { name: code.code, value: read.value, unit: read.unit }];
    stay.source.facts.push({ entry: index, expression: entryPath(index, `resource.${read.path}`) });
    this.plans[index] = { kind: 'fact', stayRef };
  }

  private group(stayRef: string, index: number) {
    let group = this.groups.get(stayRef);
    if (!group) {
      group = { observations: [], source: { encounters: [], observations: [] } };
      this.groups.set(stayRef, group);
    }
    if (!group.source.encounters.some((e) => e.entry === index))
      group.source.encounters.push({ entry: index, expression: entryPath(index, 'resource.encounter.reference') });
    return group;
  }
}
