/** API keys as the API shows them to admins: never the key itself, except once in `CreatedApiKey`. */
import 'reflect-metadata';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { ROLE_ENUM, type Role } from '@/access/roles';

registerEnumType(ROLE_ENUM, {
  name: 'Role',
  description:
    'clinician: predict and read the records it asked for; auditor: read every record, no predict; admin: everything, and manage keys.',
});

@ObjectType('ApiKey', {
  description: 'An API key: one identity, for programs (Authorization: Bearer) and for dashboard sign-in.',
})
export class ApiKey {
  @Field(() => ID, { description: 'What audit records name as their `requester`.' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ROLE_ENUM)
  role!: Role;

  @Field(() => String, { description: "The key's first 12 characters, to recognise it; not secret." })
  prefix!: string;

  @Field(() => String, { description: 'Who made it: an admin key id, "cli" (npm run keys) or "first-start".' })
  createdBy!: string;

  @Field(() => DateTimeResolver)
  createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it stopped working; null while active.' })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKey {
  @Field(() => String, { description: 'The key itself, shown this once: only its SHA-256 is stored.' })
  key!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => String, { description: 'Who or what uses it, 1 to 100 characters.' })
  name!: string;

  @Field(() => ROLE_ENUM)
  role!: Role;
}
