/**
 * Predict: a form generated from the model card; the answer, its explanation and a what-if comparison appear below it.
 */
import { services } from '@/server/service-container';
import { CourseForm } from '@/ui/course-form';
import { PredictForm } from '@/ui/predict-form';
import { predictFromForm } from './actions';
import { PredictLead } from '@/ui/predict-lead';
import { NotFound } from '@/ui/route-states';
import { AccessDeniedError, can } from '@/access/roles';
import { requireViewer } from '@/dashboard/viewer';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return { title: `Predict ${id} — Clinical Risk Console` };
}

export default async function PredictPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await requireViewer(services, `/models/${encodeURIComponent(id)}/predict`);
  const { registry } = await services();
  const model = (await registry.load()).get(id);
  // Not notFound(): in production Next.js 16.4 answers it with an empty body that only JavaScript
  // fills in (vercel/next.js#98295), and these pages must read without JavaScript.
  if (!model) return <NotFound what="model" back={{ href: '/', label: 'See the models on the overview' }} />;
  const { card, featureSet } = model;
  return (
    <>
      <h1>Predict: {card.name}</h1>
      <PredictLead card={card} />
      {can(viewer, 'predict') ? (
        card.features.length === 0 && card.timeline ? (
          // A model that reads only a course has no inputs to make fields of: the form takes the course's lines.
          <CourseForm
            modelName={card.name}
            windowMinutes={card.timeline.windowMinutes}
            exampleCodes={card.timeline.observations.slice(0, 6).map((o) => o.name)}
            action={predictFromForm.bind(null, card.id)}
            apiHint="Programs send the same course to GraphQL: predict(input: { modelId, admittedAt, observations: [{ name, time, value }] }), as in graphql/operations/PredictCourse.graphql."
          />
        ) : (
          <PredictForm
            modelName={card.name}
            features={card.features}
            groups={featureSet.groups}
            action={predictFromForm.bind(null, card.id)}
          />
        )
      ) : (
        <p className="error" role="alert">
          You are signed in as {viewer.name}, and {new AccessDeniedError(viewer.role, 'predict').message}. Sign in with another key to predict.
        </p>
      )}
    </>
  );
}
