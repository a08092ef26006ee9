/** The FHIR R4 answers of the ingest endpoint: transaction-response and batch-response Bundles, and OperationOutcomes. */
import type { Bundle, BundleEntry, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { FieldError } from '@/errors/invalid-input';
import type { IngestResult } from '@/monitoring/monitor-input';
import type { BundleProblem, EntryPlan, MappedBundle } from './fhir-bundle';
import type { BatchLocator } from './fhir-locator';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export type IssueCode = OperationOutcomeIssue['code'];

/** A FHIR JSON response; never cached (it answers one write). */
export function fhirResponse(body: Bundle | OperationOutcome, status: number, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': FHIR_JSON, 'cache-control': 'no-store', ...headers },
  });
}

/** One error issue; `expression` names the element (FHIRPath) when there is one. */
export function errorIssue(code: IssueCode, diagnostics: string, expression?: string): OperationOutcomeIssue {
  return { severity: 'error', code, diagnostics, ...(expression ? { expression: [expression] } : {}) };
}

export function outcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

function information(diagnostics: string): OperationOutcome {
  return outcome([{ severity: 'information', code: 'informational', diagnostics }]);
}

function entryPrefix(entry: number | null): string {
  return entry === null ? '' : `entry ${entry}: `;
}

/** The bundle's own problems, one issue each, in entry order. */
export function problemsOutcome(problems: readonly BundleProblem[]): OperationOutcome {
  return outcome(problems.map((p) => errorIssue(p.code, `${entryPrefix(p.entry)}${p.message}`, p.expression)));
}

/** A field path naming a stay (in a refusal that is not only about unknown stays, the message says which). */
const STAY_FIELD = /^(observations|discharges)\[\d+\]\.stayRef$/;

/**
 * The monitor's refusal of a batch, as issues on the entries its fields came from: `observations[0].observations[3]
 * (HR)` becomes an issue on the entry (and element) the HR value was read from.
 */
export function refusedFieldsOutcome(
  fields: readonly FieldError[],
  locator: BatchLocator,
  stayNotFound: boolean,
): OperationOutcome {
  const issues: OperationOutcomeIssue[] = [];
  for (const field of fields) {
    const named = / \(([^)]+)\)$/.exec(field.name)?.[1];
    const code: IssueCode =
      stayNotFound || (STAY_FIELD.test(field.name) && /not admitted|not found|unknown stay/i.test(field.message))
        ? 'not-found'
        : 'invalid';
    for (const at of locator.locate(field.name))
      issues.push(
        errorIssue(code, `${entryPrefix(at.entry)}${named ? `${named}: ` : ''}${field.message}`, at.expression),
      );
  }
  return outcome(issues);
}

function entryResponse(plan: EntryPlan, result: IngestResult): BundleEntry['response'] {
  switch (plan.kind) {
    case 'observations': {
      const stored = result.stored.find((s) => s.stayRef === plan.stayRef)?.observations ?? [];
      const ids = plan.positions.map((p) => stored[p]?.id).filter((id): id is string => typeof id === 'string');
      if (ids.length === 0)
        return {
          status: '200 OK',
          outcome: information('already on record (a redelivery): observations are stored once; nothing was changed'),
        };
      return {
        status: '201 Created',
        location: `Observation/${ids[0]}`,
        // A blood pressure panel is stored as one observation per component: every id is named.
        ...(ids.length > 1 || ids.length < plan.positions.length
          ? {
              outcome: information(
                `stored as ${ids.map((id) => `Observation/${id}`).join(', ')}${ids.length < plan.positions.length ? `; ${plan.positions.length - ids.length} already on record` : ''}`,
              ),
            }
          : {}),
      };
    }
    case 'fact':
      return {
        status: result.admitted.includes(plan.stayRef) ? '201 Created' : '200 OK',
        outcome: information(`kept as a fact of the stay Encounter/${plan.stayRef}, given at its admission`),
      };
    case 'encounter': {
      const admitted = result.admitted.includes(plan.stayRef);
      const discharged = plan.discharge && result.discharged.includes(plan.stayRef);
      const notes = [
        ...(plan.admission ? [admitted ? 'admitted' : 'already admitted with the same content'] : []),
        ...(plan.discharge ? [discharged ? 'discharged' : 'discharge already on record'] : []),
      ];
      return {
        status: admitted ? '201 Created' : '200 OK',
        location: `Encounter/${plan.stayRef}`,
        outcome: information(`stay ${plan.stayRef}: ${notes.join('; ')}`),
      };
    }
    case 'ignored':
      return {
        status: '200 OK',
        outcome: information(
          `${plan.resourceType} resources are not stored by the monitor: the patient is the Encounter's subject`,
        ),
      };
  }
}

/** One response per entry, in the bundle's order. */
export function responseBundle(mapped: MappedBundle, result: IngestResult): Bundle {
  return {
    resourceType: 'Bundle',
    type: mapped.type === 'transaction' ? 'transaction-response' : 'batch-response',
    entry: mapped.entries.map((plan) => ({ response: entryResponse(plan, result) })),
  };
}
