/** The monitor's vocabulary from the shipped cards (models/<id>/card.json), without loading the models. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelCardSchema } from '../../src/inference/model-card';
import { MONITORED_MODELS, MonitorVocabulary } from '../../src/monitoring/vocabulary';

export function shippedVocabulary(): MonitorVocabulary {
  const models = join(__dirname, '../../models');
  return MonitorVocabulary.fromCards(
    Object.fromEntries(
      MONITORED_MODELS.map((id) => [
        id,
        modelCardSchema.parse(JSON.parse(readFileSync(join(models, id, 'card.json'), 'utf8'))),
      ]),
    ),
  );
}
