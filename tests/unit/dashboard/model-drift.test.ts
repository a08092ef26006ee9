/** What the model page's drift section is given: the figures, no reference, or why they cannot be read. */
import { DatabaseUnavailableError } from '@/db/database';
import { modelDriftView } from '@/dashboard/model-drift';
import { ReferenceMismatchError, type ModelDrift } from '@/monitoring/input-drift';

const failing = (error: Error) => ({ drift: () => Promise.reject(error) });

describe('modelDriftView', () => {
  it('passes the figures on, and says when a model has no reference', async () => {
    const drift = { modelId: 'diabetes' } as ModelDrift;
    expect(await modelDriftView({ drift: async () => drift }, 'diabetes')).toEqual({ kind: 'drift', drift });
    expect(await modelDriftView({ drift: async () => null }, 'diabetes')).toEqual({ kind: 'no-reference' });
  });

  it('turns an unreadable database or a reference of another model into a reason, so the card still renders', async () => {
    const down = await modelDriftView(failing(new DatabaseUnavailableError('connection refused')), 'sepsis');
    expect(down).toEqual({ kind: 'unavailable', reason: 'the audit database is unavailable: connection refused' });
    const stale = await modelDriftView(failing(new ReferenceMismatchError('reference.json is stale')), 'sepsis');
    expect(stale).toEqual({ kind: 'unavailable', reason: 'reference.json is stale' });
  });

  it('lets an unexpected error through to the page’s error boundary', async () => {
    await expect(modelDriftView(failing(new TypeError('bug')), 'sepsis')).rejects.toThrow('bug');
  });
});
