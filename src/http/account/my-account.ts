// Account API M1–M10 (my-account-api.md): the signed-in user's own account. The pipeline before
// these routes (CORS, the user's token, the Account Center switch) is context.ts; each route checks
// its body, calls one use case of domain/account and maps the result. Order of the checks inside a
// route: the use case (the spec's order).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AccountDeps } from '../../domain/account/deps.ts';
import { removePrimaryIdentifier, setPrimaryIdentifier } from '../../domain/account/identifiers.ts';
import { linkMyIdentity, unlinkMyIdentity } from '../../domain/account/identities.ts';
import { changeMyPassword } from '../../domain/account/password.ts';
import { getMyAccount, updateMyAccount, updateMyProfile } from '../../domain/account/profile.ts';
import { callerOf } from './context.ts';
import {
  done,
  GetMyAccountResponse,
  IdentityBody,
  IdentityParams,
  MyAccountPatch,
  PasswordBody,
  PrimaryEmailBody,
  PrimaryPhoneBody,
  UserProfile,
} from './my-account-schemas.ts';
import { errorsOf, myAccountTags as tags, security } from './route-schemas.ts';

/** The pipeline's answers, on every route. */
const pipeline = errorsOf(400, 401, 403);

export function myAccountRoutes(deps: AccountDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/my-account',
      { schema: { tags, summary: 'M1: my account, as the token scopes and the Account Center allow', security, response: { 200: GetMyAccountResponse, ...pipeline } } },
      async (request) => getMyAccount(callerOf(request)),
    );
    r.patch(
      '/api/my-account',
      {
        schema: {
          tags,
          summary: 'M2: change my name, avatar or username (null clears)',
          security,
          body: MyAccountPatch,
          response: { 200: GetMyAccountResponse, ...pipeline, ...errorsOf(422) },
        },
      },
      async (request) => updateMyAccount(deps, callerOf(request), request.body),
    );
    r.patch(
      '/api/my-account/profile',
      {
        schema: {
          tags,
          summary: 'M3: merge into my profile (keys sent overwrite; address replaced whole)',
          security,
          body: UserProfile,
          response: { 200: UserProfile, ...pipeline },
        },
      },
      async (request) => updateMyProfile(deps, callerOf(request), request.body),
    );
    r.post(
      '/api/my-account/password',
      {
        schema: {
          tags,
          summary: 'M4: set my password (needs logto-verification-id); my other sessions end',
          security,
          body: PasswordBody,
          response: { 204: done, ...pipeline, ...errorsOf(422, 503) },
        },
      },
      async (request, reply) => {
        await changeMyPassword(deps, callerOf(request), request.body.password);
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/my-account/primary-email',
      {
        schema: {
          tags,
          summary: 'M5: replace my primary email with a verified new one (needs logto-verification-id)',
          security,
          body: PrimaryEmailBody,
          response: { 204: done, ...pipeline, ...errorsOf(422) },
        },
      },
      async (request, reply) => {
        const { email, newIdentifierVerificationRecordId } = request.body;
        await setPrimaryIdentifier(deps, callerOf(request), 'email', email, newIdentifierVerificationRecordId);
        return reply.code(204).send(null);
      },
    );
    r.delete(
      '/api/my-account/primary-email',
      { schema: { tags, summary: 'M6: remove my primary email (needs logto-verification-id)', security, response: { 204: done, ...pipeline } } },
      async (request, reply) => {
        await removePrimaryIdentifier(deps, callerOf(request), 'email');
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/my-account/primary-phone',
      {
        schema: {
          tags,
          summary: 'M7: replace my primary phone with a verified new one (needs logto-verification-id)',
          security,
          body: PrimaryPhoneBody,
          response: { 204: done, ...pipeline, ...errorsOf(422) },
        },
      },
      async (request, reply) => {
        const { phone, newIdentifierVerificationRecordId } = request.body;
        await setPrimaryIdentifier(deps, callerOf(request), 'phone', phone, newIdentifierVerificationRecordId);
        return reply.code(204).send(null);
      },
    );
    r.delete(
      '/api/my-account/primary-phone',
      { schema: { tags, summary: 'M8: remove my primary phone (needs logto-verification-id)', security, response: { 204: done, ...pipeline } } },
      async (request, reply) => {
        await removePrimaryIdentifier(deps, callerOf(request), 'phone');
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/my-account/identities',
      {
        schema: {
          tags,
          summary: 'M9: link the social identity of a verified Social record (A4/A5; needs logto-verification-id)',
          security,
          body: IdentityBody,
          response: { 204: done, ...pipeline, ...errorsOf(422) },
        },
      },
      async (request, reply) => {
        await linkMyIdentity(deps, callerOf(request), request.body.newIdentifierVerificationRecordId);
        return reply.code(204).send(null);
      },
    );
    r.delete(
      '/api/my-account/identities/:target',
      {
        schema: {
          tags,
          summary: 'M10: unlink my social identity of a connector target (needs logto-verification-id)',
          security,
          params: IdentityParams,
          response: { 204: done, ...pipeline, ...errorsOf(404) },
        },
      },
      async (request, reply) => {
        await unlinkMyIdentity(deps, callerOf(request), request.params.target);
        return reply.code(204).send(null);
      },
    );
  };
}
