/** The RiskBand GraphQL enum, registered from the audit records' own enum so the two cannot drift. */
import 'reflect-metadata';
import { registerEnumType } from 'type-graphql';
import { riskBandSchema } from '@/audit/risk-band';

export const RiskBandEnum = riskBandSchema.enum;

registerEnumType(RiskBandEnum, {
  name: 'RiskBand',
  description:
    "Where a probability falls against the model card's bands: LOW below `riskBands.moderateFrom`, " +
    'MODERATE below `riskBands.highFrom`, HIGH from `riskBands.highFrom` (the decision threshold).',
});
