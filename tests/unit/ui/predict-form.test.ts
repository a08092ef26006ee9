/** The predict form as the server renders it: one control per input, chosen by the input's kind. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { sepsisFeatureSet } from '@/features/sepsis';
import { heartFailureFeatureSet } from '@/features/heart-failure';
import { PredictForm } from '@/ui/predict-form';
import { EMPTY_FORM_STATE } from '@/dashboard/predict-form-state';
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
    expect(markup).toContain('20 to 300 beats/min; leave blank if not measured');
  });
});
