/**
 * One audit record in full: inputs as sent and as vectorized, the answer, its explanation, model version and hash, time
 * and latency.
 */
import { auditRecordDetail } from '@/dashboard/audit-record';
import { predictionView } from '@/dashboard/prediction-view';
import { requireViewer } from '@/dashboard/viewer';
import { services } from '@/server/service-container';
import { RecordFacts } from '@/ui/audit-record/facts';
import { RecordInputs } from '@/ui/audit-record/inputs';
import { PredictionResult } from '@/ui/prediction-result';
import { NotFound } from '@/ui/route-states';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Record ${id.slice(0, 8)} — Clinical Risk Console` };
}

export default async function PredictionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireViewer(services, `/predictions/${encodeURIComponent(id)}`);
  const detail = await auditRecordDetail(await services(), viewer, id);
  // Not notFound(): in production Next.js 16.4 answers it with an empty body that only JavaScript
  // fills in (vercel/next.js#98295), and these pages must read without JavaScript.
  if (!detail)
    return <NotFound what="audit record" back={{ href: '/predictions', label: 'Back to the audit records' }} />;
  const { record, card } = detail;
  return (
    <>
      <h1>Audit record</h1>
      <RecordFacts detail={detail} />
      {card ? (
        <PredictionResult view={predictionView(record, card)} />
      ) : (
        <p className="error">
          The model {record.modelId} is no longer served, so its explanation cannot be labelled; the stored values
          follow.
        </p>
      )}
      <h2>Inputs</h2>
      <RecordInputs record={record} card={card} />
    </>
  );
}
