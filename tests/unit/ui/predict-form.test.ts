/** The predict form as the server renders it: one control per input, chosen by the input's kind. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { sepsisFeatureSet } from '@/features/sepsis';
import { heartFailureFeatureSet } from '@/features/heart-failure';
import { FieldGroups, PredictForm } from '@/ui/predict-form';
import { EMPTY_FORM_STATE, type PredictFormState } from '@/dashboard/predict-form-state';
import { attr, tags } from './charts/svg-markup';

const SPECS = [...sepsisFeatureSet.inputs, ...heartFailureFeatureSet.inputs];
const pick = (names: string[]) => names.map((name) => SPECS.find((s) => s.name === name)!);

function render(names: string[]): string {
  return renderToStaticMarkup(
    createElement(PredictForm, { modelName: 'Test', features: pick(names), action: async () => EMPTY_FORM_STATE }),
  );
}

/** The markup of one element with its content, e.g. the whole `<select id="feature-gender">…</select>`. */
function element(markup: string, name: string, id: string): string {
  const match = markup.match(new RegExp(`<${name}[^>]*id="${id}"[^>]*>[\\s\\S]*?</${name}>`));
  return match?.[0] ?? '';
}

describe('the predict form', () => {
  it('renders a binary input as a select of its labelled codes, with no code preselected when it is required', () => {
    const markup = render(['gender']);
    expect(tags(markup, 'input').filter((t) => attr(t, 'id') === 'feature-gender')).toEqual([]);
    const select = element(markup, 'select', 'feature-gender');
    expect(attr(tags(select, 'select')[0], 'name')).toBe('gender');
    expect(tags(select, 'option').map((o) => attr(o, 'value'))).toEqual(['', '0', '1']);
    expect(select).toContain('>female (0)</option>');
    expect(select).toContain('>male (1)</option>');
    expect(select).toContain('<option value="" selected="">choose…</option>');
    expect(select.match(/selected/g)).toHaveLength(1);
    expect(markup).toContain('0 = female, 1 = male');
  });

  it('offers an optional binary input an empty "not measured" option (missing), chosen until a code is', () => {
    const select = element(render(['smoking']), 'select', 'feature-smoking');
    expect(tags(select, 'option').map((o) => attr(o, 'value'))).toEqual(['', '0', '1']);
    expect(select).toContain('<option value="" selected="">not measured</option>');
    expect(select).toContain('>yes (1)</option>');
  });

  it('renders an integer input as a number box stepping by 1 within its range, and a measurement as a decimal text box', () => {
    const markup = render(['iculos', 'heart_rate']);
    const [iculos] = tags(markup, 'input').filter((t) => attr(t, 'id') === 'feature-iculos');
    expect([
      attr(iculos, 'type'),
      attr(iculos, 'step'),
      attr(iculos, 'min'),
      attr(iculos, 'max'),
      attr(iculos, 'inputMode'),
    ]).toEqual(['number', '1', '1', '336', 'numeric']);
    expect(markup).toContain('whole number, 1 to 336 h');
    const [heartRate] = tags(markup, 'input').filter((t) => attr(t, 'id') === 'feature-heart_rate');
    expect([attr(heartRate, 'type'), attr(heartRate, 'step'), attr(heartRate, 'inputMode')]).toEqual([
      'text',
      undefined,
      'decimal',
    ]);
    expect(markup).toContain('20 to 300/min; leave blank if not measured');
  });

  it('writes units as clinicians write them, in the label and in the hint', () => {
    const markup = render(['heart_rate', 'sbp', 'wbc', 'o2_sat']);
    expect(markup).toContain('<span class="unit"> (/min)</span>');
    expect(markup).toContain('<span class="unit"> (mmHg)</span>');
    expect(markup).toContain('20 to 300 mmHg; leave blank');
    expect(markup).toContain('0 to 500 ×10³/µL; leave blank');
    expect(markup).toContain('20 to 100%; leave blank');
  });

  it('says at the field what the sign of the hospital-to-ICU time means', () => {
    const hint = element(render(['hosp_adm_time']), 'p', 'feature-hosp_adm_time-hint');
    expect(hint).toContain('-8760 to 24 h; leave blank if not measured.');
    expect(hint).toContain('(negative: the hospital admission came first)');
    // An input that cannot be negative keeps its hint short.
    expect(element(render(['heart_rate']), 'p', 'feature-heart_rate-hint')).not.toContain('Heart rate.');
  });
});

describe('the predict form, group by group', () => {
  const state = (values: Record<string, string>, errors: Record<string, string> = {}): PredictFormState => ({
    ...EMPTY_FORM_STATE,
    values,
    errors,
  });
  const groups = (features = sepsisFeatureSet.inputs, s = EMPTY_FORM_STATE) =>
    renderToStaticMarkup(createElement(FieldGroups, { features, groups: sepsisFeatureSet.groups, state: s }));
  /** Each fieldset's legend and the names of the controls in it. */
  const fieldsets = (markup: string) =>
    [...markup.matchAll(/<fieldset[^>]*><legend>([^<]*)<\/legend>([\s\S]*?)<\/fieldset>/g)].map((m) => ({
      legend: m[1],
      names: [...tags(m[2], 'input'), ...tags(m[2], 'select')].map((t) => attr(t, 'name')),
      details: tags(m[2], 'details'),
    }));

  it('puts the sepsis inputs in three fieldsets from their feature set: patient and stay, vital signs, laboratory values', () => {
    const sets = fieldsets(groups());
    expect(sets.map((f) => [f.legend, f.names.length])).toEqual([
      ['Patient and stay', 4],
      ['Vital signs', 8],
      ['Laboratory values', 26],
    ]);
    expect(sets[0].names.sort()).toEqual(['age', 'gender', 'hosp_adm_time', 'iculos']);
    expect(sets[1].names).toContain('heart_rate');
    expect(sets[2].names).toContain('lactate');
    expect(sets.flatMap((f) => f.names).sort()).toEqual(sepsisFeatureSet.inputs.map((f) => f.name).sort());
  });

  it('collapses the laboratory values, and only them, while none holds a value or an error', () => {
    const sets = fieldsets(groups());
    expect(sets.map((f) => f.details.length)).toEqual([0, 0, 1]);
    expect(attr(sets[2].details[0], 'open')).toBeUndefined();
    expect(groups()).toContain('<summary>26 fields, none entered</summary>');
  });

  it('opens the laboratory values when one holds a value or an error, so nothing sent or refused is hidden', () => {
    const withValue = fieldsets(groups(undefined, state({ lactate: '3.1', heart_rate: '110' })))[2];
    expect(attr(withValue.details[0], 'open')).toBe('');
    expect(groups(undefined, state({ lactate: '3.1' }))).toContain('<summary>26 fields, 1 entered</summary>');
    const withError = fieldsets(groups(undefined, state({}, { glucose: 'must be a number, got "high"' })))[2];
    expect(attr(withError.details[0], 'open')).toBe('');
    // A value among the vital signs leaves the laboratory values collapsed.
    expect(attr(fieldsets(groups(undefined, state({ heart_rate: '110' })))[2].details[0], 'open')).toBeUndefined();
  });

  it('shows a model without groups (heart failure) as one fieldset of every input, none collapsed', () => {
    const markup = renderToStaticMarkup(
      createElement(FieldGroups, { features: heartFailureFeatureSet.inputs, state: EMPTY_FORM_STATE }),
    );
    const sets = fieldsets(markup);
    expect(sets.map((f) => [f.legend, f.names.length, f.details.length])).toEqual([
      ['Patient values', heartFailureFeatureSet.inputs.length, 0],
    ]);
  });

  it('keeps an input the groups do not name: the form is then shown ungrouped', () => {
    const extra = { ...sepsisFeatureSet.inputs[0], name: 'not_grouped', label: 'Not grouped' };
    const sets = fieldsets(groups([...sepsisFeatureSet.inputs, extra]));
    expect(sets.map((f) => f.legend)).toEqual(['Patient values']);
    expect(sets[0].names).toContain('not_grouped');
  });
});
