/** A page of predictions, newest first, in the Relay connection shape. */
import 'reflect-metadata';
import { Field, Int, ObjectType } from 'type-graphql';
import { Prediction, type PredictionRecord } from './prediction.type';

@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page; null on an empty page.' })
  endCursor!: string | null;
}

@ObjectType('PredictionEdge')
export class PredictionEdge {
  @Field(() => String, { description: 'Opaque; pass as `after` to continue after this prediction.' })
  cursor!: string;

  @Field(() => Prediction)
  node!: PredictionRecord;
}

@ObjectType('PredictionConnection')
export class PredictionConnection {
  @Field(() => [PredictionEdge])
  edges!: PredictionEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Predictions matching the filter, on every page.' })
  totalCount!: number;
}
