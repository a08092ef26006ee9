/** API keys: admins list, make and revoke them. */
import 'reflect-metadata';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Principal } from '@/access/roles';
import { ApiKey, CreateApiKeyInput, CreatedApiKey } from './api-key.type';
import type { GraphQLContext } from './context';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized('manage-keys')
  @Query(() => [ApiKey], { description: 'Every key, newest first, revoked ones included. Admins only.' })
  apiKeys(@Ctx() { services }: GraphQLContext): Promise<ApiKey[]> {
    return services.keys.list();
  }

  @Authorized('manage-keys')
  @Mutation(() => CreatedApiKey, {
    description: 'Makes a key; the answer holds the key itself, the only time it is shown. Admins only.',
  })
  async createApiKey(
    @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput,
    @Ctx() { services, principal }: GraphQLContext,
  ): Promise<CreatedApiKey> {
    const { key, record } = await services.keys.create({
      name: input.name,
      role: input.role,
      createdBy: (principal as Principal).keyId,
    });
    return { key, apiKey: record };
  }

  @Authorized('manage-keys')
  @Mutation(() => ApiKey, {
    nullable: true,
    description: 'Revokes a key at once, and ends its dashboard sessions; null when no key has this id. Admins only.',
  })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphQLContext): Promise<ApiKey | null> {
    return services.keys.revoke(id);
  }
}
