/** The drift gauges of /api/metrics: read from the drift source at each scrape, one series per model input. */
import { createMetrics, type InputDriftReading } from '@/telemetry/metrics';

describe('crc_input_psi and crc_input_missing_share', () => {
  it('are empty until a drift source is set', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toContain('# TYPE crc_input_psi gauge');
    expect(text).not.toMatch(/^crc_input_psi\{/m);
  });

  it('report each input of each model the source reports, at scrape time', async () => {
    const metrics = createMetrics();
    let readings: InputDriftReading[] = [
      {
        modelId: 'sepsis',
        inputs: [
          { name: 'heart_rate', psi: 0.31, missingShare: 0.02 },
          { name: 'o2_sat', psi: 0.04, missingShare: 0.5 },
        ],
      },
      { modelId: 'diabetes', inputs: null },
    ];
    let scrapes = 0;
    metrics.setInputDriftSource(async () => {
      scrapes++;
      return readings;
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('crc_input_psi{model="sepsis",input="heart_rate"} 0.31');
    expect(text).toContain('crc_input_psi{model="sepsis",input="o2_sat"} 0.04');
    expect(text).toContain('crc_input_missing_share{model="sepsis",input="o2_sat"} 0.5');
    // Too few requests: no series rather than a noisy one.
    expect(text).not.toContain('model="diabetes"');
    expect(scrapes).toBeGreaterThan(0);

    // A later scrape reads again: a model that no longer has figures loses its series.
    readings = [{ modelId: 'sepsis', inputs: null }];
    expect(await metrics.registry.metrics()).not.toMatch(/^crc_input_psi\{/m);
  });

  it('leave the other metrics served when the source fails (the database is down)', async () => {
    const metrics = createMetrics();
    metrics.predictions.inc({ model: 'sepsis', risk_band: 'HIGH' });
    metrics.setInputDriftSource(() => Promise.reject(new Error('database unavailable')));
    const text = await metrics.registry.metrics();
    expect(text).toContain('crc_predictions_total{model="sepsis",risk_band="HIGH"} 1');
    expect(text).not.toMatch(/^crc_input_psi\{/m);
  });
});
