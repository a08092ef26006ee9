/**
 * The risk bands a prediction falls in, defined once: the audit database's enum, as a zod enum, its list of values and
 * its type.
 */
import { z } from 'zod';
import { RiskBand as DATABASE_RISK_BANDS } from '@/db/generated/enums';

/** Records store a band in a Postgres enum, so the schema's enum is the one list every layer derives from. */
export const riskBandSchema = z.enum(DATABASE_RISK_BANDS);

/** LOW, MODERATE, HIGH: the database enum's values, in its order. */
export const RISK_BANDS = riskBandSchema.options;

export type RiskBand = z.infer<typeof riskBandSchema>;
