/** Predictions: make them (one or a batch) through the prediction service, read them back from the audit log. */
import 'reflect-metadata';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AccessDeniedError, readableRecords, type Principal } from '@/access/roles';
import { MAX_PAGE_SIZE, type AuditFilter } from '@/audit/audit-pages';
import {
  type PredictionRow,
  type RequestOrigin,
  type FeatureValue as ServiceFeatureValue,
} from '@/prediction/prediction-service';
import type { GraphQLContext } from './context';
import { edgeCursor } from './edge-cursor';
import { PredictionConnection } from './prediction-connection.type';
import {
  PredictBatchInput,
  PredictInput,
  PredictionFilter,
  type FeatureValueInput,
  type PredictRowInput,
} from './prediction.inputs';
import { Prediction, type PredictionRecord } from './prediction.type';
import { RiskModel, riskModelOf } from './risk-model.type';

/** Page size when `first` is not given. */
export const DEFAULT_PAGE_SIZE = 20;

// An omitted value means missing, like null; the service reads only null as missing.
function featureValues(features: FeatureValueInput[] | null | undefined): ServiceFeatureValue[] | null {
  return features ? features.map(({ name, value }) => ({ name, value: value ?? null })) : null;
}

/** A row as the service takes it: features or a course, as sent (the service says which the model takes). */
function predictionRow(
  input: Pick<PredictRowInput, 'features' | 'observations' | 'admittedAt' | 'patientRef'>,
): PredictionRow {
  return {
    features: featureValues(input.features),
    observations: input.observations?.map(({ name, time, value }) => ({ name, time, value })) ?? null,
    admittedAt: input.admittedAt ?? null,
    patientRef: input.patientRef,
  };
}

/**
 * The filter as asked, narrowed to the records the principal may read; asking for another key's records without that
 * right is refused.
 */
function auditFilter(filter: PredictionFilter | null | undefined, principal: Principal | null): AuditFilter {
  const scope = readableRecords(principal);
  if (scope.requester && filter?.requester && filter.requester !== scope.requester) {
    throw new AccessDeniedError((principal as Principal).role, 'read-all-records');
  }
  return {
    requester: filter?.requester ?? undefined,
    modelId: filter?.modelId ?? undefined,
    patientRef: filter?.patientRef ?? undefined,
    riskBand: filter?.riskBand ?? undefined,
    from: filter?.from ?? undefined,
    to: filter?.to ?? undefined,
    ...scope,
  };
}

// Runs only behind @Authorized('predict'), so a principal is present.
function originOf({ requestId, principal }: GraphQLContext): RequestOrigin {
  return { requestId, requester: (principal as Principal).keyId };
}

@Resolver(() => Prediction)
export class PredictionResolver {
  @Query(() => Prediction, {
    nullable: true,
    description:
      "One stored prediction, or null when none has this id. Needs a key: a clinician sees only the predictions it asked for (another's id reads as null).",
  })
  prediction(
    @Arg('id', () => ID) id: string,
    @Ctx() { services, principal }: GraphQLContext,
  ): Promise<PredictionRecord | null> {
    // Someone else's record is answered as if it did not exist: its existence is not this caller's to know.
    return services.audit.get(id, readableRecords(principal));
  }

  @Query(() => PredictionConnection, {
    description:
      'Stored predictions matching the filter, newest first, a page at a time. Needs a key: a clinician sees only the predictions it asked for.',
  })
  async predictions(
    @Arg('filter', () => PredictionFilter, { nullable: true }) filter: PredictionFilter | null | undefined,
    @Arg('first', () => Int, {
      nullable: true,
      defaultValue: DEFAULT_PAGE_SIZE,
      description: `Page size, 1 to ${MAX_PAGE_SIZE}.`,
    })
    first: number | null,
    @Arg('after', () => String, {
      nullable: true,
      description: "A previous page's `pageInfo.endCursor` (or an edge's cursor).",
    })
    after: string | null | undefined,
    @Ctx() { services, principal }: GraphQLContext,
  ): Promise<PredictionConnection> {
    const page = await services.audit.list(auditFilter(filter, principal), first ?? DEFAULT_PAGE_SIZE, after ?? null);
    return {
      edges: page.records.map((record) => ({ cursor: edgeCursor(record), node: record })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @Authorized('predict')
  @Mutation(() => Prediction, {
    description:
      "Scores, explains and stores one prediction, from a row of features or from a stay's course of observations (`RiskModel.takes`); nothing is stored when the input is refused. Clinician or admin keys.",
  })
  predict(
    @Arg('input', () => PredictInput) input: PredictInput,
    @Ctx() context: GraphQLContext,
  ): Promise<PredictionRecord> {
    return context.services.prediction.predict(input.modelId, predictionRow(input), originOf(context));
  }

  @Authorized('predict')
  @Mutation(() => [Prediction], {
    description:
      'Scores 1 to 1000 rows (rows of features or courses of observations) of one model, in order; every row is validated first, and one bad row refuses the whole batch. Clinician or admin keys.',
  })
  predictBatch(
    @Arg('input', () => PredictBatchInput) input: PredictBatchInput,
    @Ctx() context: GraphQLContext,
  ): Promise<PredictionRecord[]> {
    const rows = input.rows.map(predictionRow);
    return context.services.prediction.predictBatch(input.modelId, rows, originOf(context));
  }

  @FieldResolver(() => RiskModel)
  async model(@Root() prediction: PredictionRecord, @Ctx() { services }: GraphQLContext): Promise<RiskModel> {
    return riskModelOf((await services.registry.get(prediction.modelId)).card);
  }
}
