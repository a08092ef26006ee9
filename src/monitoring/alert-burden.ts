/**
 * The alert burden of the monitor on a replay of real stays: alerts per patient-day by kind, and how many septic stays
 * were alerted before onset. Written by `npm run alert-burden` beside a model's card (models/<id>/alert-burden.json)
 * and shown on its page.
 */
import { z } from 'zod';

export const ALERT_BURDEN_FILE = 'alert-burden.json';

const kindBurdenSchema = z.object({
  kind: z.enum(['sepsis', 'news2', 'qsofa', 'any']),
  alerts: z.number().int().nonnegative(),
  perPatientDay: z.number().nonnegative(),
  /** Septic stays with an alert of this kind raised at an hour before onset. */
  septicAlertedBeforeOnset: z.number().int().nonnegative(),
  septicShareAlertedBeforeOnset: z.number().min(0).max(1),
  /** Median hours from the first such alert to onset, over the septic stays alerted before it. */
  medianLeadHours: z.number().nullable(),
  /** Stays never septic with at least one alert of this kind. */
  nonSepticStaysAlerted: z.number().int().nonnegative(),
});

export const alertBurdenSchema = z.object({
  modelId: z.string(),
  modelVersion: z.string(),
  measuredAt: z.string(),
  command: z.string(),
  data: z.string(),
  /** How alerts were answered during the replay (the suppression window is the monitor's). */
  policy: z.string(),
  stays: z.number().int().positive(),
  patientDays: z.number().positive(),
  hoursAssessed: z.number().int().nonnegative(),
  septicStays: z.number().int().nonnegative(),
  /** How onset is read from the data (PhysioNet 2019 labels are shifted 6 h early). */
  onset: z.string(),
  byKind: z.array(kindBurdenSchema),
});

export type AlertBurden = z.infer<typeof alertBurdenSchema>;
export type KindBurden = z.infer<typeof kindBurdenSchema>;
