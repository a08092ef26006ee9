'use client';
/**
 * The predict form, generated from the model card. It submits through a server action, so it works
 * without JavaScript too (Next.js posts the form and renders the action's state); with JavaScript the
 * page is not reloaded. Field errors sit next to their fields and every value typed is kept.
 */
import { useActionState } from 'react';
import type { FeatureSpec } from '@/features/feature-set';
import { fieldControl, fieldHint } from './field-control';
import { PatientRefField } from './patient-ref-field';
import { PredictionResult } from './prediction-result';
import { EMPTY_FORM_STATE, type PredictFormState } from '@/dashboard/predict-form-state';

interface Props {
  modelName: string;
  features: FeatureSpec[];
  action: (state: PredictFormState, form: FormData) => Promise<PredictFormState>;
}

function Field({ spec, value, error }: { spec: FeatureSpec; value: string; error?: string }) {
  const id = `feature-${spec.name}`;
  const control = fieldControl(spec);
  const shared = {
    id,
    name: spec.name,
    defaultValue: value,
    required: spec.required,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': `${id}-hint${error ? ` ${id}-error` : ''}`,
  };
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {spec.label}
        {spec.unit ? <span className="unit"> ({spec.unit})</span> : null}
        {spec.required ? <span className="required"> required</span> : <span className="optional"> optional</span>}
      </label>
      {control.control === 'select' ? (
        // Keyed by its value: React resets a form after its action, and a select returns to the options
        // selected when it was mounted, not to a later defaultValue; a new mount makes the sent value stick.
        <select key={value} {...shared}>
          {control.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...shared}
          type={control.type}
          inputMode={control.inputMode}
          {...(control.type === 'number' ? { step: control.step, min: control.min, max: control.max } : {})}
          autoComplete="off"
        />
      )}
      <p id={`${id}-hint`} className="hint">
        {fieldHint(spec)}
      </p>
      {error ? (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function PredictForm({ modelName, features, action }: Props) {
  const [state, formAction, pending] = useActionState(action, EMPTY_FORM_STATE);
  const errorCount = Object.keys(state.errors).length;
  return (
    <>
      <form action={formAction} className="predict-form" noValidate aria-describedby="form-summary">
        <input type="hidden" name="previousId" value={state.result?.id ?? state.previous?.id ?? ''} />
        <p
          id="form-summary"
          className={errorCount || state.formError ? 'error' : 'muted'}
          role={errorCount || state.formError ? 'alert' : undefined}
        >
          {state.formError ??
            (errorCount
              ? `${errorCount} field${errorCount > 1 ? 's need' : ' needs'} attention; nothing was stored.`
              : `Enter the patient's values for ${modelName}. Optional values may be left blank.`)}
        </p>
        <fieldset>
          <legend>Patient values</legend>
          <div className="fields">
            {features.map((spec) => (
              <Field
                key={spec.name}
                spec={spec}
                value={state.values[spec.name] ?? ''}
                error={state.errors[spec.name]}
              />
            ))}
          </div>
        </fieldset>
        <PatientRefField value={state.values.patientRef} error={state.errors.patientRef} />
        <button type="submit" disabled={pending}>
          {pending ? 'Predicting…' : state.result ? 'Predict again with these values (what-if)' : 'Predict'}
        </button>
      </form>
      {state.result ? <PredictionResult view={state.result} previous={state.previous} /> : null}
    </>
  );
}
