/**
 * The drift a model page shows: the figures, or why there are none, so that a database that cannot be read or a
 * reference that does not fit leaves the rest of the card readable.
 */
import { DatabaseUnavailableError } from '@/db/database';
import { ReferenceMismatchError, type InputDriftMonitor, type ModelDrift } from '@/monitoring/input-drift';

export type ModelDriftView =
  { kind: 'drift'; drift: ModelDrift } | { kind: 'no-reference' } | { kind: 'unavailable'; reason: string };

export async function modelDriftView(
  monitor: Pick<InputDriftMonitor, 'drift'>,
  modelId: string,
): Promise<ModelDriftView> {
  try {
    const drift = await monitor.drift(modelId);
    return drift ? { kind: 'drift', drift } : { kind: 'no-reference' };
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || error instanceof ReferenceMismatchError)
      return { kind: 'unavailable', reason: error.message };
    throw error;
  }
}
