/** The alert burden measured for a model (models/<id>/alert-burden.json), when one was measured. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadEnvironment } from '@/config/environment';
import { ALERT_BURDEN_FILE, alertBurdenSchema, type AlertBurden } from '@/monitoring/alert-burden';

/** null when the model has none; a file that does not parse is an error (it is committed beside the card). */
export async function readAlertBurden(
  modelId: string,
  modelsDir = loadEnvironment().MODELS_DIR,
): Promise<AlertBurden | null> {
  let text: string;
  try {
    text = await readFile(join(modelsDir, modelId, ALERT_BURDEN_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return alertBurdenSchema.parse(JSON.parse(text));
}
