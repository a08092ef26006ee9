/** One audit record in full: inputs as sent and as vectorized, the answer, its explanation, model version and hash, time and latency. */
import { services } from '@/server/service-container';
import { featureValue, percent, utcTime } from '@/ui/format';
import { PredictionResult } from '@/ui/prediction-result';
import { labelsOf, predictionView } from '@/dashboard/prediction-view';
import { NavLink } from '@/ui/nav-link';
import { NotFound } from '@/ui/route-states';
import { readableRecords } from '@/access/roles';
import { requireViewer } from '@/dashboard/viewer';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Record ${id.slice(0, 8)} — Clinical Risk Console` };
}

export default async function PredictionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const scope = readableRecords(await requireViewer(services, `/predictions/${encodeURIComponent(id)}`));
  const { registry, audit, keys } = await services();
  // Another key's record reads as not found for a clinician: its existence is not theirs to know.
  const record = await audit.get(id, scope);
  // Not notFound(): in production Next.js 16.4 answers it with an empty body that only JavaScript
  // fills in (vercel/next.js#98295), and these pages must read without JavaScript.
  if (!record) return <NotFound what="audit record" back={{ href: '/predictions', label: 'Back to the audit records' }} />;
  const model = (await registry.load()).get(record.modelId);
  const requesterKey = record.requester ? await keys.get(record.requester) : null;
  const card = model?.card;
  const labels = card ? labelsOf(card) : new Map<string, { label: string; unit: string | null }>();
  const vectorNames = card ? [...card.features.map((f) => f.name), ...card.derivedFeatures.map((f) => f.name)] : [];
  return (
    <>
      <h1>Audit record</h1>
      <dl className="facts">
        <dt>Record id</dt>
        <dd>
          <code>{record.id}</code>
        </dd>
        <dt>Time</dt>
        <dd>{utcTime(record.createdAt)}</dd>
        <dt>Model</dt>
        <dd>
          {card ? <NavLink href={`/models/${card.id}`}>{card.name}</NavLink> : record.modelId}, version {record.modelVersion}
          {card && card.version !== record.modelVersion ? ` (the service now runs version ${card.version})` : ''}
        </dd>
        <dt>ONNX sha256</dt>
        <dd>
          <code>{record.onnxSha256}</code>
        </dd>
        <dt>Patient reference</dt>
        <dd>{record.patientRef ?? '–'}</dd>
        <dt>Request id</dt>
        <dd>
          <code>{record.requestId}</code>
        </dd>
        <dt>Requested by</dt>
        <dd>
          {requesterKey ? (
            <>
              {requesterKey.name} <span className="muted">({requesterKey.role} key {requesterKey.prefix}…)</span>
            </>
          ) : (
            (record.requester ?? 'not recorded (before access control)')
          )}
        </dd>
        <dt>Latency</dt>
        <dd>{record.latencyMs.toFixed(2)} ms (validation, inference and explanation)</dd>
        <dt>Probability</dt>
        <dd>{percent(record.probability)}</dd>
      </dl>
      {card ? (
        <PredictionResult view={predictionView(record, card)} />
      ) : (
        <p className="error">The model {record.modelId} is no longer served, so its explanation cannot be labelled; the stored values follow.</p>
      )}
      <h2>Inputs</h2>
      <div className="charts">
        <table className="data">
          <caption>As received</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {record.inputs.map((f) => (
              <tr key={f.name}>
                <th scope="row">{labels.get(f.name)?.label ?? f.name}</th>
                <td>{featureValue(f.value, labels.get(f.name)?.unit)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="data">
          <caption>As the model saw them (float32, in the card&apos;s order)</caption>
          <thead>
            <tr>
              <th scope="col">Position</th>
              <th scope="col">Feature</th>
              <th scope="col" className="num">
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {record.vector.map((v, i) => (
              <tr key={i}>
                <td>{i}</td>
                <th scope="row">{vectorNames[i] ? (labels.get(vectorNames[i])?.label ?? vectorNames[i]) : '?'}</th>
                <td className="num">{v === null ? 'missing' : v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
