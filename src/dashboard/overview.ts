/**
 * The overview's figures: each model with its prediction counts (in total and today, UTC) and the latest records, as
 * far as the viewer may read them.
 */
import { readableRecords, type Principal } from '@/access/roles';
import type { AuditLog } from '@/audit/audit-log';
import type { AuditPage } from '@/audit/audit-pages';
import type { ModelCard } from '@/inference/model-card';
import type { ModelRegistry } from '@/inference/model-registry';

/** What the overview needs of the process's services. */
export interface OverviewServices {
  registry: Pick<ModelRegistry, 'list'>;
  audit: Pick<AuditLog, 'count' | 'list'>;
}

export interface ModelCounts {
  card: ModelCard;
  total: number;
  /** Since the start of the current UTC day. */
  today: number;
}

export interface Overview {
  models: ModelCounts[];
  latest: AuditPage;
  /** Model id → name, for the rows of the latest records. */
  names: Map<string, string>;
}

/** How many of the latest records the overview lists. */
const LATEST = 10;

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export async function overview(services: OverviewServices, viewer: Principal, now = new Date()): Promise<Overview> {
  // A clinician's overview counts and lists only the predictions it asked for.
  const scope = readableRecords(viewer);
  const { registry, audit } = services;
  const models = await registry.list();
  const today = startOfUtcDay(now);
  const [counts, latest] = await Promise.all([
    Promise.all(
      models.map(async ({ card }) => ({
        total: await audit.count({ ...scope, modelId: card.id }),
        today: await audit.count({ ...scope, modelId: card.id, from: today }),
      })),
    ),
    audit.list(scope, LATEST),
  ]);
  return {
    models: models.map(({ card }, i) => ({ card, ...counts[i] })),
    latest,
    names: new Map(models.map(({ card }) => [card.id, card.name])),
  };
}
