'use server';
/** The predict form's server action: a shell over submitPrediction with the process's services. */
import { services } from '@/config/service-container';
import type { PredictFormState } from '@/ui/predict-form-state';
import { submitPrediction } from '@/ui/predict-submission';

export async function predictFromForm(modelId: string, _state: PredictFormState, form: FormData): Promise<PredictFormState> {
  const { registry, prediction, audit } = await services();
  return submitPrediction({ registry, prediction, audit }, modelId, form);
}
