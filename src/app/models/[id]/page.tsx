/**
 * A model's card: what it predicts, for whom, how well (beside its baseline), how it was made, its inputs, and how far
 * the last week's requests have drifted from its training data.
 */
import { readAlertBurden } from '@/dashboard/alert-burden';
import { modelDriftView } from '@/dashboard/model-drift';
import { services } from '@/server/service-container';
import { CardAlertBurden } from '@/ui/model-card/alert-burden';
import { CardDrift } from '@/ui/model-card/drift';
import { CardImportance } from '@/ui/model-card/importance';
import { CardInputs } from '@/ui/model-card/inputs';
import { CardPerformance } from '@/ui/model-card/performance';
import { CardProvenance } from '@/ui/model-card/provenance';
import { CardSummary } from '@/ui/model-card/summary';
import { CardTransfer } from '@/ui/model-card/transfer';
import { NotFound } from '@/ui/route-states';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `${id} — Clinical Risk Console` };
}

export default async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { registry, drift } = await services();
  const model = (await registry.load()).get(id);
  // Not notFound(): in production Next.js 16.4 answers it with an empty body that only JavaScript
  // fills in (vercel/next.js#98295), and these pages must read without JavaScript.
  if (!model) return <NotFound what="model" back={{ href: '/', label: 'See the models on the overview' }} />;
  const { card } = model;
  const [burden, inputDrift] = await Promise.all([readAlertBurden(card.id), modelDriftView(drift, card.id)]);
  return (
    <>
      <CardSummary card={card} />
      <CardPerformance card={card} />
      <CardTransfer card={card} />
      <CardAlertBurden burden={burden} />
      <CardDrift card={card} view={inputDrift} />
      <CardImportance card={card} />
      <CardInputs card={card} />
      <CardProvenance card={card} />
    </>
  );
}
