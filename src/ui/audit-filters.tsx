/**
 * The audit list's filter form (model, risk band, patient, UTC days): a GET form, each value as typed and each refused
 * one said next to its field.
 */
import type { ReactNode } from 'react';
import { RISK_BANDS } from '@/audit/risk-band';
import { type AuditQuery } from '@/dashboard/audit-query';
import type { ModelCard } from '@/inference/model-card';
import { NavLink } from './nav-link';

type Errors = AuditQuery['errors'];

/** The control's error attributes: invalid, and described by the message under it. */
function validity(name: string, errors: Errors) {
  return {
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `filter-${name}-error` : undefined,
  };
}

function Field({
  name,
  label,
  errors,
  children,
}: {
  name: string;
  label: string;
  errors: Errors;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={`filter-${name}`}>{label}</label>
      {children}
      {errors[name] ? (
        <p id={`filter-${name}-error`} className="error" role="alert">
          {errors[name]}
        </p>
      ) : null}
    </div>
  );
}

export function AuditFilters({
  cards,
  query,
}: {
  cards: readonly Pick<ModelCard, 'id' | 'name'>[];
  query: Pick<AuditQuery, 'form' | 'errors'>;
}) {
  const { form, errors } = query;
  return (
    <form className="filters" method="get" action="/predictions" aria-label="Filter audit records">
      <Field name="modelId" label="Model" errors={errors}>
        <select id="filter-modelId" name="modelId" defaultValue={form.modelId} {...validity('modelId', errors)}>
          <option value="">All models</option>
          {cards.map((card) => (
            <option key={card.id} value={card.id}>
              {card.name}
            </option>
          ))}
        </select>
      </Field>
      <Field name="riskBand" label="Risk band" errors={errors}>
        <select id="filter-riskBand" name="riskBand" defaultValue={form.riskBand} {...validity('riskBand', errors)}>
          <option value="">Any</option>
          {RISK_BANDS.map((band) => (
            <option key={band} value={band}>
              {band}
            </option>
          ))}
        </select>
      </Field>
      <Field name="patientRef" label="Patient reference" errors={errors}>
        <input
          id="filter-patientRef"
          name="patientRef"
          type="text"
          defaultValue={form.patientRef}
          {...validity('patientRef', errors)}
        />
      </Field>
      <Field name="from" label="From (UTC day)" errors={errors}>
        <input id="filter-from" name="from" type="date" defaultValue={form.from} {...validity('from', errors)} />
      </Field>
      <Field name="to" label="To (UTC day, inclusive)" errors={errors}>
        <input id="filter-to" name="to" type="date" defaultValue={form.to} {...validity('to', errors)} />
      </Field>
      <button type="submit">Filter</button>
      <NavLink href="/predictions">Clear</NavLink>
    </form>
  );
}
