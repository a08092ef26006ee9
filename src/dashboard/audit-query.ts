/**
 * The audit list's query string: filters and cursor read from the URL (with a message for each bad value), and written
 * back for links.
 */
import { filterTextProblems, type AuditFilter } from '@/audit/audit-pages';
import { RISK_BANDS, type RiskBand } from '@/audit/risk-band';

/** What the list page shows: the filter as typed (for the form), as parsed (for the query), and what was wrong. */
export interface AuditQuery {
  /** The raw values, echoed back into the filter form. */
  form: { modelId: string; riskBand: string; patientRef: string; from: string; to: string };
  filter: AuditFilter;
  after: string | null;
  /** Field name → message, for the filters that could not be used. */
  errors: Record<string, string>;
}

export type SearchParams = Record<string, string | string[] | undefined>;

/** The first value of a repeated parameter; trimmed unless `exact` (a patientRef is matched as stored). */
function single(params: SearchParams, name: string, exact = false): string {
  const value = (Array.isArray(params[name]) ? params[name][0] : params[name]) ?? '';
  return exact ? value : value.trim();
}

/** A URL's query as SearchParams, keeping repeated parameters, so a route reads it exactly as a page does. */
export function searchParamsOf(url: URL): SearchParams {
  return Object.fromEntries([...new Set(url.searchParams.keys())].map((key) => [key, url.searchParams.getAll(key)]));
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day (YYYY-MM-DD) as the UTC instant it starts at, or null if it is no real day. */
function utcDay(text: string): Date | null {
  if (!DAY.test(text)) return null;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? date : null;
}

/**
 * Reads the list's filters. Dates are whole UTC days and both ends are inclusive, as a person reads
 * "from 3 to 5 November"; the audit log's range is half-open, so `to` becomes the next day's start.
 */
export function readAuditQuery(params: SearchParams, modelIds: readonly string[]): AuditQuery {
  const form = {
    modelId: single(params, 'modelId'),
    riskBand: single(params, 'riskBand'),
    patientRef: single(params, 'patientRef', true),
    from: single(params, 'from'),
    to: single(params, 'to'),
  };
  const filter: AuditFilter = {};
  const errors: Record<string, string> = {};
  if (form.modelId) {
    if (modelIds.includes(form.modelId)) filter.modelId = form.modelId;
    else errors.modelId = `unknown model; choose one of ${modelIds.join(', ')}`;
  }
  if (form.riskBand) {
    if ((RISK_BANDS as readonly string[]).includes(form.riskBand)) filter.riskBand = form.riskBand as RiskBand;
    else errors.riskBand = `choose one of ${RISK_BANDS.join(', ')}`;
  }
  if (form.patientRef) {
    // The audit log's own check, so the page says what it would refuse (a NUL, say) next to the field.
    const problem = filterTextProblems({ patientRef: form.patientRef }).patientRef;
    if (problem) errors.patientRef = problem;
    else filter.patientRef = form.patientRef;
  }
  if (form.from) {
    const from = utcDay(form.from);
    if (from) filter.from = from;
    else errors.from = 'must be a date, YYYY-MM-DD';
  }
  if (form.to) {
    const to = utcDay(form.to);
    if (to) filter.to = new Date(to.getTime() + 24 * 3600 * 1000);
    else errors.to = 'must be a date, YYYY-MM-DD';
  }
  if (filter.from && filter.to && filter.from >= filter.to) errors.to = 'must not be before the start date';
  const after = single(params, 'after') || null;
  return { form, filter, after, errors };
}

/** The query string for the same filters (only those given), optionally with a cursor; "" when empty. */
export function auditQueryString(form: AuditQuery['form'], after?: string | null): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value) params.set(name, value);
  if (after) params.set('after', after);
  const text = params.toString();
  return text ? `?${text}` : '';
}
