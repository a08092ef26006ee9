/**
 * Access control in the schema: fields marked `@Authorized(permission)` ask `authChecker`, which
 * throws the error that says why not (no key: UNAUTHENTICATED; a role without the permission:
 * FORBIDDEN). Fields without the mark (model metadata) stay public.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { AuthChecker } from 'type-graphql';
import { requirePermission, type Permission } from '@/access/roles';
import type { GraphQLContext } from './context';

export const authChecker: AuthChecker<GraphQLContext, Permission> = ({ context }, permissions) => {
  for (const permission of permissions) requirePermission(context.principal, permission);
  return true;
};

/** Refuses a request whose credentials were refused, before any field runs, public ones included. */
export const credentialsPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ contextValue }) {
        if (contextValue.credentialsRefused) throw contextValue.credentialsRefused;
      },
    };
  },
};
