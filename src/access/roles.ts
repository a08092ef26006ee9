/**
 * Who may do what: the roles API keys carry, the permissions each grants, and the errors for a request without them.
 */
import { CodedError } from '@/errors/coded-error';
import { Role as ROLE_VALUES } from '@/db/generated/enums';

export type Role = (typeof ROLE_VALUES)[keyof typeof ROLE_VALUES];
/** The database enum itself ({ clinician: 'clinician', … }), as GraphQL registers it. */
export const ROLE_ENUM = ROLE_VALUES;
/** clinician, auditor, admin: the database enum's values, in its order. */
export const ROLES = Object.values(ROLE_VALUES) as readonly Role[];

export type Permission =
  | 'predict'
  | 'read-own-records'
  | 'read-all-records'
  | 'manage-keys'
  | 'record-observations'
  | 'read-stays'
  | 'manage-alerts';

/**
 * Clinicians predict and read back what they asked, and on the ward admit stays, record observations and answer
 * alerts; auditors read everything and change nothing; admins hold every permission, so the first-start admin key
 * alone runs the quick start.
 */
const GRANTS: Readonly<Record<Role, readonly Permission[]>> = {
  clinician: ['predict', 'read-own-records', 'record-observations', 'read-stays', 'manage-alerts'],
  auditor: ['read-all-records', 'read-stays'],
  admin: ['predict', 'read-all-records', 'manage-keys', 'record-observations', 'read-stays', 'manage-alerts'],
};

/** What a permission lets its holder do, as error messages say it. */
const DOING: Readonly<Record<Permission, string>> = {
  predict: 'make predictions',
  'read-own-records': 'read prediction records',
  'read-all-records': "read other keys' prediction records",
  'manage-keys': 'manage API keys',
  'record-observations': 'admit stays or record observations',
  'read-stays': 'read stays, their observations, assessments and alerts',
  'manage-alerts': 'acknowledge or resolve alerts',
};

/** The identity behind a request: an API key, sent as a bearer token or signed in to the dashboard. */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}

/** No credentials, or credentials that do not name a live key. */
export class AuthenticationRequiredError extends CodedError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'an API key is required: send it as "Authorization: Bearer <key>"') {
    super(message);
  }
}

/** A known key whose role does not grant the permission asked for. */
export class AccessDeniedError extends CodedError {
  readonly code = 'FORBIDDEN';
  constructor(
    readonly role: Role,
    readonly permission: Permission,
  ) {
    const allowed = ROLES.filter((r) => GRANTS[r].includes(permission));
    super(`the ${role} role may not ${DOING[permission]}; roles that may: ${allowed.join(', ')}`);
  }
}

export function can(principal: Principal, permission: Permission): boolean {
  return GRANTS[principal.role].includes(permission);
}

/** The principal, when it holds `permission`; otherwise the error that says why not. */
export function requirePermission(principal: Principal | null, permission: Permission): Principal {
  if (!principal) throw new AuthenticationRequiredError();
  if (!can(principal, permission)) throw new AccessDeniedError(principal.role, permission);
  return principal;
}

/**
 * Which records a principal may read: all of them, or only those it asked for. Throws for a
 * principal that may read none.
 */
export function readableRecords(principal: Principal | null): { requester?: string } {
  if (principal && can(principal, 'read-all-records')) return {};
  return { requester: requirePermission(principal, 'read-own-records').keyId };
}
