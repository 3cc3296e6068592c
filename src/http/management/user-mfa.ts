// Management API: a user's MFA verifications (management-core-api.md §3, U9–U11).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createMfaVerification, deleteMfaVerification, listMfaVerifications, type UserMfaDeps } from '../../domain/users/mfa.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const Params = z.object({ userId: z.string() });
const ItemParams = Params.extend({ verificationId: z.string() });
const MfaVerification = z
  .object({
    id: z.string(),
    createdAt: z.string().describe('ISO 8601'),
    type: z.enum(['Totp', 'WebAuthn', 'BackupCode']),
    agent: z.string().optional().describe('WebAuthn: the user agent it was registered with'),
    remainCodes: z.number().int().optional().describe('BackupCode: unused codes'),
  })
  .describe('UserMfaVerification');
const CreateRequest = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('Totp'), secret: z.string().optional().describe('base32, 16–32 characters; generated if absent') }),
    z.object({ type: z.literal('BackupCode'), codes: z.array(z.string()).optional().describe('10 codes of 10 hex characters; generated if absent') }),
  ])
  .describe('CreateUserMfaVerificationRequest');
const Created = z
  .union([
    z.object({ type: z.literal('Totp'), secret: z.string(), secretQrCode: z.string().describe('PNG data URL of the otpauth:// URI') }),
    z.object({ type: z.literal('BackupCode'), codes: z.array(z.string()) }),
  ])
  .describe('CreatedUserMfaVerification');

const notFound = { 404: LogtoErrorBody };
/** The caller an operator's change is audited with. */
export const changeBy = (request: FastifyRequest) => ({
  applicationId: request.managementCaller?.applicationId ?? null,
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});
const schema = <T>(summary: string, rest: T) => ({ tags: ['users'], summary, security: managementSecurity, ...rest });

export function userMfaRoutes(deps: UserMfaDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/users/:userId/mfa-verifications',
      { schema: schema('U9: list the user’s MFA verifications', { params: Params, response: { 200: z.array(MfaVerification), ...managementErrors, ...notFound } }) },
      async (request) => listMfaVerifications(deps, request.params.userId),
    );
    r.post(
      '/api/users/:userId/mfa-verifications',
      {
        schema: schema('U10: bind a TOTP or a backup-code set to the user', {
          params: Params,
          body: CreateRequest,
          response: { 200: Created, ...managementErrors, ...notFound, 422: LogtoErrorBody },
        }),
      },
      async (request) => createMfaVerification(deps, request.params.userId, request.body, request.host, changeBy(request)),
    );
    r.delete(
      '/api/users/:userId/mfa-verifications/:verificationId',
      { schema: schema('U11: remove one of the user’s MFA verifications', { params: ItemParams, response: { 204: z.null().describe('Deleted'), ...managementErrors, ...notFound } }) },
      async (request, reply) => {
        await deleteMfaVerification(deps, request.params.userId, request.params.verificationId, changeBy(request));
        return reply.code(204).send(null);
      },
    );
  };
}
