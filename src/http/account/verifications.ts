// Account API A1–A5 (account-verifications-api.md): the signed-in user's verification records, each
// answered by its id. The caller (context.ts) is known before the body is read.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountDeps } from '../../domain/account/deps.ts';
import {
  sendAccountCode,
  startSocialVerification,
  verifyAccountCode,
  verifyAccountPassword,
  verifySocialVerification,
} from '../../domain/account/verifications.ts';
import { CodeIdentifier } from '../../domain/verification/types.ts';
import { callerOf } from './context.ts';
import { errorsOf, security, verificationTags as tags } from './route-schemas.ts';

const Created = z.object({ verificationRecordId: z.string(), expiresAt: z.string() }).describe('CreateVerificationByPassword201Response');
const Verified = z.object({ verificationRecordId: z.string() }).describe('VerifyVerificationByVerificationCode200Response');

export function verificationRoutes(deps: AccountDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/verifications/password',
      {
        schema: {
          tags,
          summary: 'A1: verify the user by its password (a bound record: the identity proof header)',
          security,
          body: z.object({ password: z.string().min(1) }).describe('CreateVerificationByPasswordRequest'),
          response: { 201: Created, ...errorsOf(400, 401, 403, 422, 503) },
        },
      },
      async (request, reply) => reply.code(201).send(await verifyAccountPassword(deps, callerOf(request), request.body.password)),
    );
    r.post(
      '/api/verifications/verification-code',
      {
        schema: {
          tags,
          summary: "A2: send a code to an email or phone (the user's own: a bound record; another: a new identifier's)",
          security,
          body: z.object({ identifier: CodeIdentifier }).describe('CreateVerificationByVerificationCodeRequest'),
          response: { 201: Created, ...errorsOf(400, 401, 403, 429, 501) },
        },
      },
      async (request, reply) => reply.code(201).send(await sendAccountCode(deps, callerOf(request), request.body.identifier)),
    );
    r.post(
      '/api/verifications/verification-code/verify',
      {
        schema: {
          tags,
          summary: 'A3: verify the code sent to that identifier',
          security,
          body: z
            .object({ identifier: CodeIdentifier, verificationId: z.string().min(1), code: z.string().min(1) })
            .describe('VerifyVerificationCodeVerificationRequest'),
          // S001 and LG also declare 501; this route sends nothing, so it never answers it.
          response: { 200: Verified, ...errorsOf(400, 401, 403) },
        },
      },
      async (request) => {
        const { identifier, verificationId, code } = request.body;
        return verifyAccountCode(deps, callerOf(request), identifier, verificationId, code);
      },
    );
    r.post(
      '/api/verifications/social',
      {
        schema: {
          tags,
          summary: "A4: start a social verification: the provider's authorization URI (the connector session is kept in the record)",
          security,
          body: z.object({ connectorId: z.string(), state: z.string(), redirectUri: z.string() }).describe('CreateVerificationBySocialRequest'),
          response: {
            201: Created.extend({ authorizationUri: z.string() }).describe('CreateVerificationBySocial201Response'),
            ...errorsOf(400, 401, 403, 422),
          },
        },
      },
      async (request, reply) => reply.code(201).send(await startSocialVerification(deps, callerOf(request), request.body)),
    );
    r.post(
      '/api/verifications/social/verify',
      {
        schema: {
          tags,
          summary: "A5: verify a social record with the provider's callback (once per authorization)",
          security,
          body: z
            .object({ connectorData: z.record(z.string(), z.unknown()), verificationRecordId: z.string(), verificationId: z.string().optional() })
            .describe('VerifyVerificationBySocialRequest'),
          response: { 200: Verified, ...errorsOf(400, 401, 403, 422, 429, 501) },
        },
      },
      async (request) => verifySocialVerification(deps, callerOf(request), request.body),
    );
  };
}
