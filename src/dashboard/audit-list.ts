/**
 * The audit list page's records: the filters read from its URL, narrowed to what the viewer may read, and the page of
 * records they select.
 */
import { readableRecords, type Principal } from '@/access/roles';
import { InvalidCursorError, type AuditPage } from '@/audit/audit-pages';
import { type AuditLog } from '@/audit/audit-log';
import type { ModelCard } from '@/inference/model-card';
import type { ModelRegistry } from '@/inference/model-registry';
import { readAuditQuery, type AuditQuery, type SearchParams } from './audit-query';

/** What the list needs of the process's services. */
export interface AuditListServices {
  registry: Pick<ModelRegistry, 'list'>;
  audit: Pick<AuditLog, 'list'>;
}

export interface AuditList {
  /** Every served model, for the filter's choices. */
  cards: ModelCard[];
  /** Model id → name, for the rows. */
  names: Map<string, string>;
  query: AuditQuery;
  /** Null when a filter could not be used: there is nothing to list until it is fixed. */
  page: AuditPage | null;
  /** The cursor in the URL was not one the audit log made (an old or edited link): the first page is shown instead. */
  badCursor: boolean;
}

const PAGE_SIZE = 25;

/** The list's own address with the single-valued parameters as given, for sign-in to come back to. */
export function auditListPath(params: SearchParams): string {
  const back = new URLSearchParams(
    Object.entries(params).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])),
  ).toString();
  return `/predictions${back ? `?${back}` : ''}`;
}

export async function auditList(
  services: AuditListServices,
  viewer: Principal,
  params: SearchParams,
): Promise<AuditList> {
  const { registry, audit } = services;
  const models = await registry.list();
  const asked = readAuditQuery(
    params,
    models.map((m) => m.card.id),
  );
  // A clinician sees only the predictions it asked for.
  const query = { ...asked, filter: { ...asked.filter, ...readableRecords(viewer) } };
  const usable = Object.keys(query.errors).length === 0;
  let page = usable
    ? await audit
        .list(query.filter, PAGE_SIZE, query.after)
        .catch((error: unknown) => (error instanceof InvalidCursorError ? null : Promise.reject(error)))
    : null;
  const badCursor = usable && page === null;
  if (badCursor) page = await audit.list(query.filter, PAGE_SIZE);
  return {
    cards: models.map((m) => m.card),
    names: new Map(models.map(({ card }) => [card.id, card.name])),
    query,
    page,
    badCursor,
  };
}
