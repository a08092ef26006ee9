'use server';
/**
 * The predict form's server action: a shell over submitPrediction with the process's services and the signed-in
 * principal.
 */
import { services } from '@/server/service-container';
import type { PredictFormState } from '@/dashboard/predict-form-state';
import { submitPrediction } from '@/dashboard/predict-submission';
import { currentViewer } from '@/dashboard/viewer';

export async function predictFromForm(modelId: string, _state: PredictFormState, form: FormData): Promise<PredictFormState> {
  const { registry, prediction, audit } = await services();
  // Checked here as well as on the page: an action is an endpoint anyone can post to.
  return submitPrediction({ registry, prediction, audit }, await currentViewer(services), modelId, form);
}
