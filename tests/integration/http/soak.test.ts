/**
 * The predict soak, shortened for CI (`npm run soak` is the full minute): 64 connections on predict
 * against the app's server (`npm start`) with its audit records in a fresh Postgres database. Every request is answered
 * with a prediction, every acknowledged id is stored (and nothing else is), and the server's memory at rest
 * stays within the bounds that predict-soak.ts justifies.
 */
import {
  DEFAULT_SOAK,
  soakOnFreshDatabase,
  summaryLine,
  type SoakOptions,
  type SoakResult,
} from '../../load/predict-soak';

/** The full soak's connections, warm-up and checks; 8 s of load. */
const CI_SOAK: SoakOptions = { ...DEFAULT_SOAK, seconds: 8, idleSeconds: 2 };

describe(`predict under sustained load: ${CI_SOAK.connections} connections for ${CI_SOAK.seconds} s, audit records to Postgres`, () => {
  let result: SoakResult;

  beforeAll(async () => {
    result = await soakOnFreshDatabase(CI_SOAK);
    console.log(summaryLine(result));
  }, 300_000);

  it('answers every request with a 200 and a prediction for that request', () => {
    expect(result.measured.ok).toBeGreaterThan(0);
    expect(result.errors).toEqual(expect.objectContaining({ total: 0, unanswered: 0 }));
  });

  it('stores every acknowledged prediction under its id, and nothing unacknowledged', () => {
    expect(result.ids).toEqual(
      expect.objectContaining({ missing: 0, mismatched: 0, duplicates: 0, unacknowledged: 0 }),
    );
    expect(result.ids.stored).toBe(result.ids.acknowledged);
  });

  it('keeps what the server retains after a full collection, and its RSS at rest, within their bounds', () => {
    expect(result.memory.retainedGrowthMiB).toBeLessThanOrEqual(result.memory.retainedBoundMiB);
    expect(result.memory.rssGrowthMiB).toBeLessThanOrEqual(result.memory.rssBoundMiB);
  });
});
