/** Queries over the shipped models: read from the registry's cards. */
import 'reflect-metadata';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from './context';
import { RiskModel, riskModelOf } from './risk-model.type';

@Resolver(() => RiskModel)
export class RiskModelResolver {
  @Query(() => [RiskModel], { description: 'Every model this server runs, by id.' })
  async models(@Ctx() { services }: GraphQLContext): Promise<RiskModel[]> {
    return (await services.registry.list()).map((m) => riskModelOf(m.card));
  }

  @Query(() => RiskModel, { nullable: true, description: 'One model, or null when no model has this id.' })
  async model(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext): Promise<RiskModel | null> {
    const model = (await services.registry.load()).get(id);
    return model ? riskModelOf(model.card) : null;
  }
}
