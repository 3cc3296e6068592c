// Management API: verification codes (spec: management-verification-codes-api.md). 204 on success.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  sendVerificationCode,
  verifyVerificationCode,
  type ManagementCodeDeps,
} from '../../domain/management/verification-codes.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const email = z.string().regex(/^\S+@\S+\.\S+$/);
const phone = z.string().regex(/^\d+$/);
// A body with both keys is read as the email variant (Logto's non-strict union).
const CreateVerificationCodeRequest = z
  .union([z.object({ email }), z.object({ phone })])
  .describe('CreateVerificationCodeRequest');
const VerifyVerificationCodeRequest = z
  .union([
    z.object({ email, verificationCode: z.string().min(1) }),
    z.object({ phone, verificationCode: z.string().min(1) }),
  ])
  .describe('VerifyVerificationCodeRequest');

export function verificationCodeRoutes(deps: ManagementCodeDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/verification-codes',
      {
        schema: {
          tags: ['verification codes'],
          summary: 'Send a verification code to an email address or phone number',
          security: managementSecurity,
          body: CreateVerificationCodeRequest,
          response: { 204: z.null().describe('Sent'), ...managementErrors, 429: LogtoErrorBody, 501: LogtoErrorBody },
        },
      },
      async (request, reply) => {
        await sendVerificationCode(deps, request.body, request.ip ?? null);
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/verification-codes/verify',
      {
        schema: {
          tags: ['verification codes'],
          summary: 'Check a verification code (consumed on success)',
          security: managementSecurity,
          body: VerifyVerificationCodeRequest,
          response: { 204: z.null().describe('The code is correct'), ...managementErrors },
        },
      },
      async (request, reply) => {
        const { verificationCode, ...target } = request.body;
        await verifyVerificationCode(deps, target as { email: string } | { phone: string }, verificationCode);
        return reply.code(204).send(null);
      },
    );
  };
}
