// Experience API TOTP routes (experience-api.md E13, E14): a new secret for the identified user, and
// a code checked against it or against the user's bound TOTP. Both answer a Totp record's id.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import { createTotpSecret, verifyTotp } from '../../domain/experience/totp.ts';
import { contextOf } from './context.ts';
import { errorsOf, security, tags } from './route-schemas.ts';

const errors = errorsOf(400, 404);

export function totpRoutes(deps: ExperienceDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/experience/verification/totp/secret',
      {
        schema: {
          tags,
          summary: 'E13: a new TOTP secret for the identified user, with its otpauth QR code (shown once)',
          security,
          response: {
            200: z
              .object({
                verificationId: z.string(),
                secret: z.string().describe('base32, 32 characters'),
                secretQrCode: z.string().describe('data:image/png;base64,… of the otpauth:// URI'),
              })
              .describe('CreateTotpSecretResponse'),
            ...errors,
          },
        },
      },
      async (request) => createTotpSecret(deps, contextOf(request)),
    );
    r.post(
      '/api/experience/verification/totp/verify',
      {
        schema: {
          tags,
          summary: "E14: check a TOTP code against E13's secret (verificationId) or the user's bound TOTP (an MFA proof)",
          security,
          body: z.object({ code: z.string().min(1), verificationId: z.string().optional() }).describe('VerifyTotpVerificationRequest'),
          response: { 200: z.object({ verificationId: z.string() }).describe('VerificationId'), ...errors },
        },
      },
      async (request) => verifyTotp(deps, contextOf(request), request.body.code, request.body.verificationId),
    );
  };
}
