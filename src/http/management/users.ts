// Management API: users (spec: management-core-api.md §3, routes U1–U8 and the partial PATCHes).
// 503 user.password_hashing_busy (with Retry-After) when the bounded password pool is full: the
// server is out of capacity, not the caller over a quota, hence 503 rather than 429.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEGACY_ALGORITHMS } from '../../crypto/passwords.ts';
import { createUser } from '../../domain/users/create.ts';
import { setUserPassword, verifyUserPassword } from '../../domain/users/password.ts';
import { emailRule, phoneRule, usernameRule } from '../../domain/users/identifier-rules.ts';
import { getUser, listUsers, userHasPassword } from '../../domain/users/read.ts';
import { parseSearch } from '../../domain/search.ts';
import { USER_SEARCH_FIELDS } from '../../storage/repos/users.ts';
import { deleteUser, setSuspended, updateCustomData, updateProfile, updateUser } from '../../domain/users/update.ts';
import type { UserDeps } from '../../domain/users/view.ts';
import { pageOf, PaginationQuery, setPageHeaders } from './pagination.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const username = usernameRule;
const email = emailRule;
const phone = phoneRule;
const name = z.string().max(128);
const avatar = z.union([z.url().max(2048), z.literal('')]).nullable();
const CustomData = z.record(z.string(), z.unknown()).describe('Arbitrary JSON object, replaced whole');
const s = z.string().optional();
const Profile = z
  .object({
    familyName: s, givenName: s, middleName: s, nickname: s, preferredUsername: s, profile: s, website: s,
    gender: s, birthdate: s, zoneinfo: s, locale: s,
    address: z.object({ formatted: s, streetAddress: s, locality: s, region: s, postalCode: s, country: s }).optional(),
  })
  .describe('UserProfile');
export const User = z
  .object({
    id: z.string(),
    username: z.string().nullable(),
    primaryEmail: z.string().nullable(),
    primaryPhone: z.string().nullable(),
    name: z.string().nullable(),
    avatar: z.string().nullable(),
    customData: CustomData,
    identities: z.record(z.string(), z.object({ userId: z.string(), details: z.record(z.string(), z.unknown()).optional() })),
    profile: Profile,
    applicationId: z.string().nullable(),
    lastSignInAt: z.number().nullable().describe('epoch ms'),
    isSuspended: z.boolean(),
    hasPassword: z.boolean(),
    createdAt: z.number().describe('epoch ms'),
    updatedAt: z.number().describe('epoch ms'),
    ssoIdentities: z.array(z.record(z.string(), z.unknown())).optional().describe('only with includeSsoIdentities'),
  })
  .describe('User');

const CreateUserRequest = z
  .object({
    username: username.optional(),
    primaryEmail: email.optional(),
    primaryPhone: phone.optional(),
    password: z.string().min(1).optional(),
    passwordDigest: z.string().optional(),
    passwordAlgorithm: z.enum(LEGACY_ALGORITHMS).optional().describe('Bcrypt is refused: no bcrypt implementation'),
    name: name.nullable().optional(),
    avatar: avatar.optional(),
    customData: CustomData.optional(),
    profile: Profile.optional(),
  })
  .describe('CreateUserRequest');
const clearable = <T extends z.ZodString>(schema: T) => z.union([schema, z.literal('')]).nullable().optional();
const UpdateUserRequest = z
  .object({
    username: clearable(username),
    primaryEmail: clearable(email),
    primaryPhone: clearable(phone),
    name: clearable(name),
    avatar: avatar.optional(),
    customData: CustomData.optional(),
    profile: Profile.optional(),
  })
  .describe('UpdateUserRequest');
const PasswordRequest = z.object({ password: z.string().min(1) });
const q = z.union([z.string(), z.array(z.string())]).optional();
const ListUsersQuery = PaginationQuery.extend({
  search: q.describe('SQL LIKE pattern (mode like) matched against every searchable field'),
  'search.id': q, 'search.primaryEmail': q, 'search.primaryPhone': q, 'search.username': q, 'search.name': q,
  mode: z.string().optional().describe('like (default), exact, similar_to, posix; also mode.<field>'),
  joint: z.string().optional().describe('or (default), and'),
  isCaseSensitive: z.string().optional().describe('true or false (default)'),
  excludeRoleId: z.string().optional().describe('accepted; no roles exist yet, so nothing is excluded'),
  excludeOrganizationId: z.string().optional().describe('accepted; no organizations exist yet, so nothing is excluded'),
}).catchall(q);
const Params = z.object({ userId: z.string() });

const notFound = { 404: LogtoErrorBody };
const busy = { 503: LogtoErrorBody };
const schema = <T>(summary: string, rest: T) => ({ tags: ['users'], summary, security: managementSecurity, ...rest });

export function userRoutes(deps: UserDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    app.addHook('onSend', async (_request, reply) => {
      // A database outage's 503 carries its own Retry-After (http/errors.ts).
      if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
    });

    r.post(
      '/api/users',
      { schema: schema('Create a user', { body: CreateUserRequest, response: { 200: User, ...managementErrors, 422: LogtoErrorBody, ...busy } }) },
      async (request) => createUser(deps, request.body),
    );
    r.get(
      '/api/users',
      { schema: schema('List users, newest first (always paginated)', { querystring: ListUsersQuery, response: { 200: z.array(User), ...managementErrors } }) },
      async (request, reply) => {
        const page = pageOf(request.query)!;
        const { users, total } = await listUsers(deps, parseSearch(request.query, USER_SEARCH_FIELDS), page);
        setPageHeaders(request, reply, page, total);
        return users;
      },
    );
    r.get(
      '/api/users/:userId',
      {
        schema: schema('Get a user', {
          params: Params,
          querystring: z.object({ includeSsoIdentities: z.string().optional().describe('any non-empty value') }),
          response: { 200: User, ...managementErrors, ...notFound },
        }),
      },
      async (request) => getUser(deps, request.params.userId, Boolean(request.query.includeSsoIdentities)),
    );
    r.patch(
      '/api/users/:userId',
      { schema: schema('Update a user', { params: Params, body: UpdateUserRequest, response: { 200: User, ...managementErrors, ...notFound, 422: LogtoErrorBody } }) },
      async (request) => updateUser(deps, request.params.userId, request.body),
    );
    r.delete(
      '/api/users/:userId',
      { schema: schema('Delete a user', { params: Params, response: { 204: z.null().describe('Deleted'), ...managementErrors, ...notFound } }) },
      async (request, reply) => {
        await deleteUser(deps, request.params.userId, request.managementCaller?.applicationId);
        return reply.code(204).send(null);
      },
    );
    r.patch(
      '/api/users/:userId/password',
      { schema: schema('Set a user password', { params: Params, body: PasswordRequest, response: { 200: User, ...managementErrors, ...notFound, ...busy } }) },
      async (request) => setUserPassword(deps, request.params.userId, request.body.password),
    );
    r.post(
      '/api/users/:userId/password/verify',
      {
        schema: schema('Check a user password', {
          params: Params,
          body: PasswordRequest,
          response: { 204: z.null().describe('The password is correct'), ...managementErrors, ...notFound, 422: LogtoErrorBody, ...busy },
        }),
      },
      async (request, reply) => {
        await verifyUserPassword(deps, request.params.userId, request.body.password);
        return reply.code(204).send(null);
      },
    );
    r.get(
      '/api/users/:userId/has-password',
      {
        schema: schema('Whether a user has a password', {
          params: Params,
          response: { 200: z.object({ hasPassword: z.boolean() }), ...managementErrors, ...notFound },
        }),
      },
      async (request) => userHasPassword(deps, request.params.userId),
    );
    r.patch(
      '/api/users/:userId/custom-data',
      {
        schema: schema('Replace a user custom data', {
          params: Params,
          body: z.object({ customData: CustomData }),
          response: { 200: CustomData, ...managementErrors, ...notFound },
        }),
      },
      async (request) => updateCustomData(deps, request.params.userId, request.body.customData),
    );
    r.patch(
      '/api/users/:userId/profile',
      { schema: schema('Replace a user profile', { params: Params, body: z.object({ profile: Profile }), response: { 200: Profile, ...managementErrors, ...notFound } }) },
      async (request) => updateProfile(deps, request.params.userId, request.body.profile),
    );
    r.patch(
      '/api/users/:userId/is-suspended',
      {
        schema: schema('Suspend or reinstate a user (suspending ends its sessions)', {
          params: Params,
          body: z.object({ isSuspended: z.boolean() }),
          response: { 200: User, ...managementErrors, ...notFound },
        }),
      },
      async (request) => setSuspended(deps, request.params.userId, request.body.isSuspended),
    );
  };
}
