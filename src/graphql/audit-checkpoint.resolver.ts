/** The audit chain's signed checkpoint, for auditors and admins to keep elsewhere. */
import 'reflect-metadata';
import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { AuditCheckpoint } from './audit-checkpoint.type';
import type { GraphQLContext } from './context';

@Resolver(() => AuditCheckpoint)
export class AuditCheckpointResolver {
  @Authorized('read-all-records')
  @Query(() => AuditCheckpoint, { description: "The audit chain's current head, signed now. Auditors and admins." })
  auditCheckpoint(@Ctx() { services }: GraphQLContext): Promise<AuditCheckpoint> {
    return services.checkpoints.latest();
  }
}
