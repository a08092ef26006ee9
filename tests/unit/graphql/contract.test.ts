/**
 * The client contract: every type, field and argument clients rely on exists in the served schema with the same type;
 * additions are allowed, changes are not.
 */
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLNamedType,
} from 'graphql';
import { buildGraphQLSchema } from '@/graphql/schema';

/** The contract as published to clients (DateTime is graphql-scalars' scalar). */
const CONTRACT = /* GraphQL */ `
  scalar DateTime
  type Query {
    models: [RiskModel!]!
    model(id: ID!): RiskModel
    prediction(id: ID!): Prediction
    predictions(filter: PredictionFilter, first: Int = 20, after: String): PredictionConnection!
  }
  type Mutation {
    predict(input: PredictInput!): Prediction!
    predictBatch(input: PredictBatchInput!): [Prediction!]!
  }
  input FeatureValueInput {
    name: String!
    value: Float
  }
  input PredictInput {
    modelId: ID!
    features: [FeatureValueInput!]!
    patientRef: String
  }
  input PredictRowInput {
    features: [FeatureValueInput!]!
    patientRef: String
  }
  input PredictBatchInput {
    modelId: ID!
    rows: [PredictRowInput!]!
  }
  input PredictionFilter {
    modelId: ID
    patientRef: String
    riskBand: RiskBand
    from: DateTime
    to: DateTime
  }
  enum RiskBand {
    LOW
    MODERATE
    HIGH
  }
  type RiskModel {
    id: ID!
    name: String!
    version: String!
    outcome: String!
    description: String!
    threshold: Float!
    features: [FeatureSpec!]!
    metrics: ModelMetrics!
    dataset: DatasetInfo!
    globalImportance: [FeatureImportance!]!
  }
  type FeatureSpec {
    name: String!
    label: String!
    unit: String
    description: String!
    kind: FeatureKind!
    codes: [FeatureCode!]!
    min: Float!
    max: Float!
    required: Boolean!
  }
  enum FeatureKind {
    BINARY
    INTEGER
    CONTINUOUS
  }
  type FeatureCode {
    value: Int!
    label: String!
  }
  type FeatureImportance {
    name: String!
    meanAbsContribution: Float!
  }
  type ModelMetrics {
    auroc: MetricInterval!
    auprc: MetricInterval!
    brier: MetricInterval!
    sensitivity: MetricInterval!
    specificity: MetricInterval!
    f1: MetricInterval!
  }
  type MetricInterval {
    estimate: Float!
    lower: Float!
    upper: Float!
  }
  type DatasetInfo {
    name: String!
    citation: String!
    licence: String!
    rows: Int!
  }
  type Prediction {
    id: ID!
    model: RiskModel!
    modelVersion: String!
    probability: Float!
    positive: Boolean!
    riskBand: RiskBand!
    baseValue: Float!
    contributions: [FeatureContribution!]!
    features: [FeatureValue!]!
    patientRef: String
    createdAt: DateTime!
  }
  type FeatureContribution {
    name: String!
    value: Float
    contribution: Float!
  }
  type FeatureValue {
    name: String!
    value: Float
  }
  type PredictionConnection {
    edges: [PredictionEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type PredictionEdge {
    cursor: String!
    node: Prediction!
  }
  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }
`;

const contract = buildSchema(CONTRACT);
const served = buildGraphQLSchema();

const contractTypes = Object.values(contract.getTypeMap()).filter(
  (t) => !t.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name),
);

function kind(type: GraphQLNamedType | undefined): string {
  if (!type) return 'missing';
  if (isObjectType(type)) return 'object';
  if (isInputObjectType(type)) return 'input';
  if (isEnumType(type)) return 'enum';
  if (isScalarType(type)) return 'scalar';
  return 'other';
}

/** What a client can omit: a nullable argument or input field, or one with a default. */
function optional(input: GraphQLArgument | GraphQLInputField): boolean {
  return !isNonNullType(input.type) || input.defaultValue !== undefined;
}

describe.each(contractTypes.map((t) => [t.name, t]))('contract type %s', (name, expected) => {
  const actual = served.getType(name);

  it('exists with the same kind', () => {
    expect(kind(actual)).toBe(kind(expected));
  });

  if (isObjectType(expected)) {
    it.each(Object.values(expected.getFields()).map((f) => [f.name, f]))(
      'field %s keeps its type and arguments',
      (fieldName, field) => {
        const servedField = isObjectType(actual) ? actual.getFields()[fieldName] : undefined;
        expect(servedField && String(servedField.type)).toBe(String(field.type));
        const servedArgs = new Map(servedField?.args.map((a) => [a.name, a]));
        for (const arg of field.args) {
          const servedArg = servedArgs.get(arg.name);
          expect([arg.name, servedArg && String(servedArg.type), servedArg?.defaultValue]).toEqual([
            arg.name,
            String(arg.type),
            arg.defaultValue,
          ]);
        }
        // A new argument may not be required: the contract's operations would stop validating.
        const added = servedField?.args.filter((a) => !field.args.some((c) => c.name === a.name)) ?? [];
        expect(added.filter((a) => !optional(a)).map((a) => a.name)).toEqual([]);
      },
    );
  }

  if (isInputObjectType(expected)) {
    it('keeps every input field with its type (or the same type made optional), and adds only optional ones', () => {
      const servedFields = isInputObjectType(actual) ? actual.getFields() : {};
      const expectedFields = expected.getFields();
      for (const field of Object.values(expectedFields)) {
        const served = servedFields[field.name] && String(servedFields[field.name].type);
        // An input that became optional still takes every value a client sends (PredictInput.features, since a
        // model may take observations instead); any other change would break a client.
        const accepted = [String(field.type), ...(isNonNullType(field.type) ? [String(field.type.ofType)] : [])];
        expect([field.name, accepted.includes(served ?? '') ? String(field.type) : served]).toEqual([
          field.name,
          String(field.type),
        ]);
      }
      const added = Object.values(servedFields).filter((f) => !(f.name in expectedFields));
      expect(added.filter((f) => !optional(f)).map((f) => f.name)).toEqual([]);
    });
  }

  if (isEnumType(expected)) {
    it('has the same values', () => {
      const values = (t: GraphQLNamedType | undefined) =>
        isEnumType(t)
          ? t
              .getValues()
              .map((v) => v.name)
              .sort()
          : [];
      expect(values(actual)).toEqual(values(expected));
    });
  }
});

describe('schema documentation', () => {
  it('says wherever contributions or the base value appear that they are log-odds, not probabilities', () => {
    const prediction = served.getType('Prediction');
    const contribution = served.getType('FeatureContribution');
    if (!isObjectType(prediction) || !isObjectType(contribution)) throw new Error('missing types');
    const descriptions = [
      prediction.description,
      prediction.getFields().baseValue.description,
      prediction.getFields().contributions.description,
      contribution.description,
      contribution.getFields().contribution.description,
      served.getType('RiskModel')?.description,
      served.getType('FeatureImportance')?.description,
    ];
    for (const description of descriptions) expect(description).toMatch(/LOG-ODDS[^.]*not probabilit/);
    for (const description of [
      prediction.description,
      prediction.getFields().baseValue.description,
      contribution.description,
    ]) {
      expect(description).toContain('baseValue + Σ contributions = logit(probability)');
    }
  });
});
