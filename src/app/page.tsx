/**
 * Overview: the models with their headline metrics and prediction counts, and the latest predictions; read in-process
 * from the services.
 */
import { overview } from '@/dashboard/overview';
import { requireViewer } from '@/dashboard/viewer';
import { services } from '@/server/service-container';
import { AuditTable } from '@/ui/audit-table';
import { ModelOverviewCard } from '@/ui/model-overview-card';

export const dynamic = 'force-dynamic';

export default async function Overview() {
  const viewer = await requireViewer(services, '/');
  const { models, latest, names } = await overview(await services(), viewer);
  return (
    <>
      <h1>Overview</h1>
      <p className="lead">
        Validated clinical risk models, each answer explained feature by feature and kept as an audit record. Metrics
        are out-of-fold estimates from cross-validation with 95% bootstrap intervals.
      </p>
      <div className="cards">
        {models.map((model) => (
          <ModelOverviewCard key={model.card.id} model={model} />
        ))}
      </div>
      <h2>Latest predictions</h2>
      {latest.records.length === 0 ? (
        <p className="muted">No predictions yet. Open a model and predict to see them here.</p>
      ) : (
        <AuditTable
          records={latest.records}
          names={names}
          columns="latest"
          caption={
            <>
              The {latest.records.length} most recent of {latest.totalCount.toLocaleString('en-US')} audit records
            </>
          }
        />
      )}
    </>
  );
}
