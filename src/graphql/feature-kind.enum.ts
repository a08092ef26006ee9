/** The FeatureKind GraphQL enum, registered from the feature spec schema's own enum so the two cannot drift. */
import 'reflect-metadata';
import { registerEnumType } from 'type-graphql';
import { featureKindSchema, type FeatureKind } from '@/features/feature-set';

/** GraphQL names (BINARY) → the card's values (binary): resolvers return the card's, clients see the names. */
export const FeatureKindEnum = Object.fromEntries(
  featureKindSchema.options.map((kind) => [kind.toUpperCase(), kind]),
) as {
  [K in FeatureKind as Uppercase<K>]: K;
};

registerEnumType(FeatureKindEnum, {
  name: 'FeatureKind',
  description: 'What the values of an input are; a value its kind cannot take is rejected with BAD_USER_INPUT.',
  valuesConfig: {
    BINARY: { description: 'A code: exactly one of `codes` (e.g. 0 = female, 1 = male).' },
    INTEGER: { description: 'A count or an index: a whole number from `min` to `max`.' },
    CONTINUOUS: { description: 'A measurement: any number from `min` to `max`.' },
  },
});
