/** Overview: the models with their headline metrics and prediction counts, and the latest predictions; read in-process from the services. */
import { services } from '@/server/service-container';
import { interval, percent, utcTime } from '@/ui/format';
import { RiskBadge } from '@/ui/risk-badge';
import { NavLink } from '@/ui/nav-link';
import { readableRecords } from '@/access/roles';
import { requireViewer } from '@/dashboard/viewer';

export const dynamic = 'force-dynamic';

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export default async function Overview() {
  const viewer = await requireViewer(services, '/');
  // A clinician's overview counts and lists only the predictions it asked for.
  const scope = readableRecords(viewer);
  const { registry, audit } = await services();
  const models = await registry.list();
  const today = startOfUtcDay(new Date());
  const [counts, latest] = await Promise.all([
    Promise.all(
      models.map(async ({ card }) => ({ total: await audit.count({ ...scope, modelId: card.id }), today: await audit.count({ ...scope, modelId: card.id, from: today }) })),
    ),
    audit.list(scope, 10),
  ]);
  const names = new Map(models.map(({ card }) => [card.id, card.name]));
  return (
    <>
      <h1>Overview</h1>
      <p className="lead">
        Validated clinical risk models, each answer explained feature by feature and kept as an audit record. Metrics are out-of-fold estimates from
        cross-validation with 95% bootstrap intervals.
      </p>
      <div className="cards">
        {models.map(({ card }, i) => (
          <section className="card" key={card.id} aria-labelledby={`model-${card.id}`}>
            <h2 id={`model-${card.id}`}>
              <NavLink href={`/models/${card.id}`}>{card.name}</NavLink>
            </h2>
            <p className="muted">
              Version {card.version}. {card.outcome}
            </p>
            <p>
              AUROC <span className="stat">{card.evaluation.gbdt.auroc.estimate.toFixed(3)}</span>
              <br />
              <span className="muted">95% CI {interval(card.evaluation.gbdt.auroc)}</span>
            </p>
            <p>
              Predictions: <strong>{counts[i].today.toLocaleString('en-US')}</strong> today (UTC), <strong>{counts[i].total.toLocaleString('en-US')}</strong> in total
            </p>
            <p>
              <NavLink className="button" href={`/models/${card.id}/predict`}>
                Predict
              </NavLink>{' '}
              <NavLink className="button button-secondary" href={`/predictions?modelId=${card.id}`}>
                Audit records
              </NavLink>
            </p>
          </section>
        ))}
      </div>
      <h2>Latest predictions</h2>
      {latest.records.length === 0 ? (
        <p className="muted">No predictions yet. Open a model and predict to see them here.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Table, scrolls sideways on narrow screens">
          <table className="data">
            <caption>The {latest.records.length} most recent of {latest.totalCount.toLocaleString('en-US')} audit records</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Model</th>
                <th scope="col">Patient</th>
                <th scope="col" className="num">Probability</th>
                <th scope="col">Risk band</th>
              </tr>
            </thead>
            <tbody>
              {latest.records.map((r) => (
                <tr key={r.id}>
                  <td>
                    <NavLink href={`/predictions/${r.id}`}>{utcTime(r.createdAt)}</NavLink>
                  </td>
                  <td>{names.get(r.modelId) ?? r.modelId}</td>
                  <td>{r.patientRef ?? '–'}</td>
                  <td className="num">{percent(r.probability)}</td>
                  <td>
                    <RiskBadge band={r.riskBand} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
