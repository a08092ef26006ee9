/**
 * What the stay page's alert forms do: acknowledge or resolve an alert with a note, as the signed-in key, through the
 * monitor service (which refuses an empty note and stores nothing), and say what to show next.
 */
import { AccessDeniedError, can, type Principal } from '@/access/roles';
import { DatabaseUnavailableError } from '@/db/database';
import { InvalidInputError } from '@/errors/invalid-input';
import { AlertStateError, UnknownAlertError, type AlertMoveInput } from '@/monitoring/alerts';
import { EMPTY_ALERT_FORM_STATE, type AlertFormState, type AlertMove } from './alert-form-state';

export type { AlertFormState, AlertMove } from './alert-form-state';
export { EMPTY_ALERT_FORM_STATE } from './alert-form-state';

export interface AlertActionServices {
  stays: { get(stayRef: string): Promise<{ alerts: { id: string }[] } | null> };
  monitor: {
    acknowledgeAlert(input: AlertMoveInput): Promise<unknown>;
    resolveAlert(input: AlertMoveInput): Promise<unknown>;
  };
}

const WORD: Record<AlertMove, string> = { acknowledge: 'acknowledged', resolve: 'resolved' };

/**
 * Fields: `alertId` and `note`. The alert must belong to `stayRef` (the page's), so a form posted from one stay's page
 * cannot move another stay's alert. `changed`: something was stored, so the page is to be revalidated.
 */
export async function moveAlertFromForm(
  services: AlertActionServices,
  viewer: Principal | null,
  move: AlertMove,
  stayRef: string,
  form: FormData,
): Promise<{ state: AlertFormState; changed: boolean }> {
  const refuse = (formError: string) => ({ state: { ...EMPTY_ALERT_FORM_STATE, formError }, changed: false });
  if (!viewer)
    return refuse(
      `You are not signed in (or your session has ended), so the alert was not ${WORD[move]}. Sign in and try again.`,
    );
  if (!can(viewer, 'manage-alerts'))
    return refuse(`Nothing was stored: ${new AccessDeniedError(viewer.role, 'manage-alerts').message}.`);
  const alertId = String(form.get('alertId') ?? '');
  const note = String(form.get('note') ?? '');
  // Checked here too, so the refusal names the field before the database is asked anything.
  if (note.trim().length === 0)
    return {
      state: {
        ...EMPTY_ALERT_FORM_STATE,
        fieldErrors: {
          note: `Note: a note is required to ${move} an alert (what was seen or done); nothing was stored.`,
        },
      },
      changed: false,
    };
  try {
    const stay = await services.stays.get(stayRef);
    if (!stay?.alerts.some((a) => a.id === alertId.toLowerCase()))
      return {
        state: {
          ...EMPTY_ALERT_FORM_STATE,
          fieldErrors: { alertId: `alertId: "${alertId}" is not an alert of stay ${stayRef}; nothing was stored.` },
        },
        changed: false,
      };
    const input = { alertId, actor: viewer.keyId, note };
    await (move === 'acknowledge' ? services.monitor.acknowledgeAlert(input) : services.monitor.resolveAlert(input));
    return { state: { ...EMPTY_ALERT_FORM_STATE, done: `Alert ${WORD[move]}.` }, changed: true };
  } catch (error) {
    if (error instanceof InvalidInputError)
      return {
        state: {
          ...EMPTY_ALERT_FORM_STATE,
          fieldErrors: Object.fromEntries(error.fields.map((f) => [f.name, `${f.name}: ${f.message}`])),
          formError: 'Nothing was stored.',
        },
        changed: false,
      };
    if (error instanceof UnknownAlertError || error instanceof AlertStateError)
      return refuse(`Nothing was stored: ${error.message}. Reload the page to see the alert as it is now.`);
    if (error instanceof DatabaseUnavailableError)
      return refuse('The database is unavailable, so nothing was stored. Try again in a moment.');
    throw error;
  }
}
