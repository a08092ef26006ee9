/**
 * What the predict form's server action does: read the fields, predict through the service (which stores the record),
 * and say what to show next.
 */
import { randomUUID } from 'node:crypto';
import { AccessDeniedError, can, readableRecords, type Principal } from '@/access/roles';
import type { AuditLog } from '@/audit/audit-log';
import { DatabaseUnavailableError } from '@/db/database';
import type { ModelCard } from '@/inference/model-card';
import type { ModelRegistry } from '@/inference/model-registry';
import { validateInputs } from '@/prediction/input-validation';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import type { PredictionService } from '@/prediction/prediction-service';
import { courseFormErrors, readFormCourse } from './form-course';
import { readFormFeatures } from './form-features';
import { EMPTY_FORM_STATE, type PredictFormState } from './predict-form-state';
import { predictionView } from './prediction-view';

export interface PredictSubmissionServices {
  registry: ModelRegistry;
  prediction: PredictionService;
  audit: AuditLog;
}

function byField(errors: FieldError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[e.name] = out[e.name] ? `${out[e.name]}; ${e.message}` : e.message;
  return out;
}

/**
 * Fields: one per model input (blank = missing), `patientRef`, and `previousId` (the prediction on
 * screen, kept as the "before" of a what-if). The model is the route's, never a form field. `viewer`
 * is the signed-in principal: without one, or without the predict permission, nothing is predicted.
 */
export async function submitPrediction(
  services: PredictSubmissionServices,
  viewer: Principal | null,
  modelId: string,
  form: FormData,
): Promise<PredictFormState> {
  if (!viewer)
    return {
      ...EMPTY_FORM_STATE,
      formError:
        'You are not signed in (or your session has ended), so nothing was predicted or stored. Sign in and submit again.',
    };
  if (!can(viewer, 'predict'))
    return {
      ...EMPTY_FORM_STATE,
      formError: `Nothing was predicted: ${new AccessDeniedError(viewer.role, 'predict').message}.`,
    };
  const model = (await services.registry.load()).get(modelId);
  if (!model) return { ...EMPTY_FORM_STATE, formError: `Unknown model "${modelId}".` };
  const { card } = model;
  if (card.features.length === 0 && card.timeline) return submitCourse(services, viewer, model.card, form);
  const read = readFormFeatures(
    form,
    card.features.map((f) => f.name),
  );
  const patientRef = typeof form.get('patientRef') === 'string' ? String(form.get('patientRef')).trim() : '';
  const values = { ...read.values, patientRef };
  const previousId = form.get('previousId');
  // The "before" of a what-if is a nicety: an audit database that cannot answer must not stop the prediction.
  // Only a record this viewer may read can be the "before": an id from elsewhere is ignored.
  const previousRecord =
    typeof previousId === 'string' && previousId
      ? await services.audit.get(previousId, readableRecords(viewer)).catch((error: unknown) => {
          if (error instanceof DatabaseUnavailableError) return null;
          throw error;
        })
      : null;
  const previous = previousRecord && previousRecord.modelId === card.id ? predictionView(previousRecord, card) : null;

  if (read.errors.length > 0) {
    // Report the other fields' range problems too, so one submission shows everything to fix.
    const unparsed = new Set(read.errors.map((e) => e.name));
    const others = validateInputs(
      card.features,
      read.features.filter((f) => !unparsed.has(f.name)),
    ).errors.filter((e) => !unparsed.has(e.name));
    return { values, errors: byField([...read.errors, ...others]), formError: null, result: null, previous };
  }
  try {
    // The request id tells an auditor where an answer came from, and whether it was a what-if on a previous one.
    const requestId = `dashboard-${previous ? `what-if-${previous.id.slice(0, 8)}-` : ''}${randomUUID()}`;
    const record = await services.prediction.predict(
      card.id,
      { features: read.features, patientRef: patientRef || null },
      { requestId, requester: viewer.keyId },
    );
    return { values, errors: {}, formError: null, result: predictionView(record, card), previous };
  } catch (error) {
    if (error instanceof InvalidInputError)
      return { values, errors: byField(error.fields), formError: null, result: null, previous };
    if (error instanceof DatabaseUnavailableError) {
      return {
        values,
        errors: {},
        formError: 'The audit database is unavailable, so nothing was predicted or stored. Try again in a moment.',
        result: null,
        previous,
      };
    }
    throw error;
  }
}

/**
 * The course form of a model that takes only observations: fields `admittedAt` and `course` (lines Time,Parameter,Value
 * with time HH:MM from admission) and `patientRef`. Each answer stands alone (no what-if comparison).
 */
async function submitCourse(
  services: PredictSubmissionServices,
  viewer: Principal,
  card: ModelCard,
  form: FormData,
): Promise<PredictFormState> {
  const read = readFormCourse(form);
  const patientRef = typeof form.get('patientRef') === 'string' ? String(form.get('patientRef')).trim() : '';
  const values = { ...read.values, patientRef };
  if (read.errors.length > 0)
    return { values, errors: byField(read.errors), formError: null, result: null, previous: null };
  try {
    const record = await services.prediction.predictCourse(
      card.id,
      { observations: read.observations, admittedAt: read.admittedAt, patientRef: patientRef || null },
      { requestId: `dashboard-${randomUUID()}`, requester: viewer.keyId },
    );
    return { values, errors: {}, formError: null, result: predictionView(record, card), previous: null };
  } catch (error) {
    if (error instanceof InvalidInputError)
      return {
        values,
        errors: byField(courseFormErrors(error.fields, read.lines)),
        formError: null,
        result: null,
        previous: null,
      };
    if (error instanceof DatabaseUnavailableError) {
      return {
        values,
        errors: {},
        formError: 'The audit database is unavailable, so nothing was predicted or stored. Try again in a moment.',
        result: null,
        previous: null,
      };
    }
    throw error;
  }
}
