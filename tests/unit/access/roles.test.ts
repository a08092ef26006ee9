/** The roles: what each may do, and the error that names the refusal and the roles that would be allowed. */
import {
  AccessDeniedError,
  AuthenticationRequiredError,
  can,
  readableRecords,
  requirePermission,
  ROLES,
  type Permission,
  type Principal,
} from '@/access/roles';

const as = (role: Principal['role']): Principal => ({ keyId: `${role}-key`, name: role, role });

describe('the permission table', () => {
  it.each<[Principal['role'], Permission[]]>([
    ['clinician', ['predict', 'read-own-records']],
    ['auditor', ['read-all-records']],
    ['admin', ['predict', 'read-all-records', 'manage-keys']],
  ])('grants %s exactly %p', (role, granted) => {
    const all: Permission[] = ['predict', 'read-own-records', 'read-all-records', 'manage-keys'];
    expect(all.filter((p) => can(as(role), p))).toEqual(all.filter((p) => granted.includes(p)));
  });

  it('knows the roles the database does, in its order', () => {
    expect(ROLES).toEqual(['clinician', 'auditor', 'admin']);
  });
});

describe('requirePermission', () => {
  it('asks for a key when there is no principal', () => {
    expect(() => requirePermission(null, 'predict')).toThrow(AuthenticationRequiredError);
    expect(() => requirePermission(null, 'predict')).toThrow(
      'an API key is required: send it as "Authorization: Bearer <key>"',
    );
  });

  it('names the role, what it may not do, and which roles may', () => {
    const denied = (() => {
      try {
        requirePermission(as('auditor'), 'predict');
      } catch (error) {
        return error;
      }
    })();
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect(denied).toMatchObject({
      code: 'FORBIDDEN',
      message: 'the auditor role may not make predictions; roles that may: clinician, admin',
    });
  });

  it('returns the principal when the role grants the permission', () => {
    expect(requirePermission(as('admin'), 'manage-keys')).toEqual(as('admin'));
  });
});

describe('readableRecords', () => {
  it('narrows a clinician to the records its key asked for', () => {
    expect(readableRecords(as('clinician'))).toEqual({ requester: 'clinician-key' });
  });

  it.each(['auditor', 'admin'] as const)('leaves an %s every record', (role) => {
    expect(readableRecords(as(role))).toEqual({});
  });

  it('refuses nobody with a request for a key', () => {
    expect(() => readableRecords(null)).toThrow(AuthenticationRequiredError);
  });
});
