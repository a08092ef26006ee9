'use server';
/**
 * The stay page's alert actions: shells over moveAlertFromForm with the process's services and the signed-in
 * principal; the page is revalidated when an alert moved.
 */
import { revalidatePath } from 'next/cache';
import { moveAlertFromForm, type AlertFormState, type AlertMove } from '@/dashboard/stay-alert-action';
import { currentViewer } from '@/dashboard/viewer';
import { services } from '@/server/service-container';

async function move(kind: AlertMove, stayRef: string, form: FormData): Promise<AlertFormState> {
  const { monitor, stays } = await services();
  // Checked here as well as on the page: an action is an endpoint anyone can post to.
  const { state, changed } = await moveAlertFromForm(
    { monitor, stays },
    await currentViewer(services),
    kind,
    stayRef,
    form,
  );
  if (changed) revalidatePath(`/stays/${encodeURIComponent(stayRef)}`);
  return state;
}

export async function acknowledgeAlert(
  stayRef: string,
  _state: AlertFormState,
  form: FormData,
): Promise<AlertFormState> {
  return move('acknowledge', stayRef, form);
}

export async function resolveAlert(stayRef: string, _state: AlertFormState, form: FormData): Promise<AlertFormState> {
  return move('resolve', stayRef, form);
}
