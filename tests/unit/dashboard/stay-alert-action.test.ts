/**
 * The stay page's alert forms: a note is required (named, nothing asked of the monitor), only roles with manage-alerts
 * move alerts, only an alert of the page's own stay is moved, and the monitor's refusals are said, not thrown.
 */
import { moveAlertFromForm, type AlertActionServices } from '@/dashboard/stay-alert-action';
import { InvalidInputError } from '@/errors/invalid-input';
import { AlertStateError } from '@/monitoring/alerts';

const ALERT = '22222222-2222-4222-8222-222222222222';
const clinician = { keyId: 'key-1', name: 'Dr A', role: 'clinician' as const };

function fakeServices(fail?: Error) {
  const calls: { move: string; input: unknown }[] = [];
  const record = (move: string) => async (input: unknown) => {
    calls.push({ move, input });
    if (fail) throw fail;
    return {};
  };
  const services: AlertActionServices = {
    stays: { get: async (ref) => (ref === 'enc-1' ? { alerts: [{ id: ALERT }] } : null) },
    monitor: { acknowledgeAlert: record('acknowledge'), resolveAlert: record('resolve') },
  };
  return { services, calls };
}

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

describe('acknowledging and resolving from the stay page', () => {
  it('refuses an empty or blank note, naming the field, and asks the monitor nothing', async () => {
    const { services, calls } = fakeServices();
    for (const note of ['', '   \n']) {
      const out = await moveAlertFromForm(services, clinician, 'acknowledge', 'enc-1', form({ alertId: ALERT, note }));
      expect(out.changed).toBe(false);
      expect(out.state.fieldErrors.note).toMatch(/^Note: a note is required to acknowledge an alert/);
      expect(out.state.done).toBeNull();
    }
    expect(calls).toEqual([]);
  });

  it('moves the alert as the signed-in key with the note, and says so', async () => {
    const { services, calls } = fakeServices();
    const out = await moveAlertFromForm(
      services,
      clinician,
      'resolve',
      'enc-1',
      form({ alertId: ALERT, note: 'better' }),
    );
    expect(out).toEqual({ changed: true, state: { fieldErrors: {}, formError: null, done: 'Alert resolved.' } });
    expect(calls).toEqual([{ move: 'resolve', input: { alertId: ALERT, actor: 'key-1', note: 'better' } }]);
  });

  it('refuses an auditor, and anyone not signed in, before anything is asked', async () => {
    const { services, calls } = fakeServices();
    const auditor = await moveAlertFromForm(
      services,
      { keyId: 'k', name: 'Audit', role: 'auditor' },
      'acknowledge',
      'enc-1',
      form({ alertId: ALERT, note: 'x' }),
    );
    expect(auditor.state.formError).toBe(
      'Nothing was stored: the auditor role may not acknowledge or resolve alerts; roles that may: clinician, admin.',
    );
    const nobody = await moveAlertFromForm(services, null, 'acknowledge', 'enc-1', form({ alertId: ALERT, note: 'x' }));
    expect(nobody.state.formError).toMatch(/not signed in/);
    expect(calls).toEqual([]);
  });

  it("moves only an alert of the page's own stay", async () => {
    const { services, calls } = fakeServices();
    const out = await moveAlertFromForm(
      services,
      clinician,
      'acknowledge',
      'enc-2',
      form({ alertId: ALERT, note: 'x' }),
    );
    expect(out.state.fieldErrors.alertId).toMatch(/is not an alert of stay enc-2; nothing was stored/);
    expect(calls).toEqual([]);
  });

  it("says the monitor's refusals (a field, a state already moved) instead of failing the page", async () => {
    const invalid = fakeServices(
      new InvalidInputError([{ name: 'note', message: 'a note of 1 to 2000 characters is required; got 2001' }]),
    );
    const a = await moveAlertFromForm(
      invalid.services,
      clinician,
      'acknowledge',
      'enc-1',
      form({ alertId: ALERT, note: 'x' }),
    );
    expect(a.state.fieldErrors.note).toBe('note: a note of 1 to 2000 characters is required; got 2001');
    expect(a.changed).toBe(false);
    const moved = fakeServices(new AlertStateError(ALERT, 'resolved', 'acknowledged', ['open']));
    const b = await moveAlertFromForm(
      moved.services,
      clinician,
      'acknowledge',
      'enc-1',
      form({ alertId: ALERT, note: 'x' }),
    );
    expect(b.state.formError).toMatch(/^Nothing was stored: alert .* is resolved/);
  });
});
