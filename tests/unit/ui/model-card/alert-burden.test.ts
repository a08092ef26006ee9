/** The model page's alert-burden section, from the burden measured for the shipped sepsis model. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { readAlertBurden } from '@/dashboard/alert-burden';
import { CardAlertBurden } from '@/ui/model-card/alert-burden';

describe('the alert burden on the model page', () => {
  it('shows alerts per patient-day and septic stays alerted before onset for every kind, and how it was measured', async () => {
    const burden = (await readAlertBurden('sepsis', 'models'))!;
    expect(burden.modelId).toBe('sepsis');
    const html = renderToStaticMarkup(createElement(CardAlertBurden, { burden }));
    expect(html).toContain('Alert burden on replay');
    expect(html).toContain(burden.command);
    for (const kind of burden.byKind) {
      expect(html).toContain(kind.perPatientDay.toFixed(2));
      expect(html).toContain(`${kind.septicAlertedBeforeOnset} of ${burden.septicStays}`);
    }
  });

  it('shows nothing for a model without a measured burden', async () => {
    expect(await readAlertBurden('diabetes', 'models')).toBeNull();
    expect(renderToStaticMarkup(createElement(CardAlertBurden, { burden: null }))).toBe('');
  });
});
