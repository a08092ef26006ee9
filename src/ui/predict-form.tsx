'use client';
/**
 * The predict form, generated from the model card. It submits through a server action, so it works
 * without JavaScript too (Next.js posts the form and renders the action's state); with JavaScript the
 * page is not reloaded. Field errors sit next to their fields and every value typed is kept. Inputs
 * with groups are shown group by group, the laboratory values collapsed until one is needed.
 */
import { useActionState } from 'react';
import { INPUT_GROUPS, type FeatureSpec, type InputGroup } from '@/features/feature-set';
import { fieldControl, fieldHint } from './field-control';
import { clinicalUnit } from './format';
import { PatientRefField } from './patient-ref-field';
import { PredictionResult } from './prediction-result';
import { EMPTY_FORM_STATE, type PredictFormState } from '@/dashboard/predict-form-state';

interface Props {
  modelName: string;
  features: FeatureSpec[];
  /** Each input's group (the model's feature set); without it the inputs form one group. */
  groups?: Readonly<Record<string, InputGroup>>;
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
        {spec.unit ? <span className="unit"> ({clinicalUnit(spec.unit)})</span> : null}
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

/**
 * How a form shows each group. The 26 laboratory values of a sepsis hour are mostly blank, so they start collapsed;
 * `<details>` opens and closes without JavaScript.
 */
const GROUP_LAYOUT: Readonly<Record<InputGroup, { legend: string; collapsed: boolean }>> = {
  demographics: { legend: 'Patient and stay', collapsed: false },
  vitals: { legend: 'Vital signs', collapsed: false },
  labs: { legend: 'Laboratory values', collapsed: true },
};

interface GroupProps {
  legend: string;
  collapsed: boolean;
  specs: FeatureSpec[];
  state: PredictFormState;
}

function FieldGroup({ legend, collapsed, specs, state }: GroupProps) {
  const fields = (
    <div className="fields">
      {specs.map((spec) => (
        <Field key={spec.name} spec={spec} value={state.values[spec.name] ?? ''} error={state.errors[spec.name]} />
      ))}
    </div>
  );
  // Never hidden: a field holding a value or an error (the clinician must see what is sent or refused) or a required one.
  const open = specs.some((s) => s.required || (state.values[s.name] ?? '') !== '' || state.errors[s.name]);
  const entered = specs.filter((s) => (state.values[s.name] ?? '') !== '').length;
  return (
    <fieldset className="field-group">
      <legend>{legend}</legend>
      {collapsed ? (
        <details open={open}>
          <summary>
            {specs.length} fields, {entered === 0 ? 'none' : entered} entered
          </summary>
          {fields}
        </details>
      ) : (
        fields
      )}
    </fieldset>
  );
}

/** The inputs group by group in INPUT_GROUPS order, each keeping the card's order; one group when the model has none. */
function fieldGroups(features: FeatureSpec[], groups: Props['groups']): Omit<GroupProps, 'state'>[] {
  // An input the groups miss (a card listing an input this code does not group) must not vanish from the form.
  if (!groups || features.some((f) => !(f.name in groups)))
    return [{ legend: 'Patient values', collapsed: false, specs: features }];
  return INPUT_GROUPS.map((group) => ({
    ...GROUP_LAYOUT[group],
    specs: features.filter((f) => groups[f.name] === group),
  })).filter((g) => g.specs.length > 0);
}

/** The form's fields as the state of the last submission left them, one fieldset per group. */
export function FieldGroups({
  features,
  groups,
  state,
}: Pick<Props, 'features' | 'groups'> & { state: PredictFormState }) {
  return fieldGroups(features, groups).map((g) => <FieldGroup key={g.legend} {...g} state={state} />);
}

export function PredictForm({ modelName, features, groups, action }: Props) {
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
        <FieldGroups features={features} groups={groups} state={state} />
        <PatientRefField value={state.values.patientRef} error={state.errors.patientRef} />
        <button type="submit" disabled={pending}>
          {pending ? 'Predicting…' : state.result ? 'Predict again with these values (what-if)' : 'Predict'}
        </button>
      </form>
      {state.result ? <PredictionResult view={state.result} previous={state.previous} /> : null}
    </>
  );
}
