// Experience API backup-code routes (experience-api.md E19, E20): a new set for the identified user
// (its codes answered once, bound by E22) and an MFA proof with one unused code.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createBackupCodeVerification, verifyBackupCodeVerification } from '../../domain/experience/backup-code.ts';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import { contextOf } from './context.ts';
import { errorsOf, security, tags, Verification } from './route-schemas.ts';

const errors = errorsOf(400, 401, 404);
const Generated = z
  .object({ verificationId: z.string(), codes: z.array(z.string().regex(/^[\da-f]{10}$/)).length(10) })
  .describe('GenerateBackupCodesResponse');

export function backupCodeRoutes(deps: ExperienceDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/experience/verification/backup-code/generate',
      {
        schema: {
          tags,
          summary: 'E19: a new set of 10 backup codes for the identified user (shown once; bind with E22)',
          security,
          response: { 200: Generated, ...errors },
        },
      },
      async (request) => createBackupCodeVerification(deps, contextOf(request)),
    );
    r.post(
      '/api/experience/verification/backup-code/verify',
      {
        schema: {
          tags,
          summary: 'E20: prove MFA with one of the user’s unused backup codes (used at once)',
          security,
          body: z.object({ code: z.string().min(1) }).describe('VerifyBackupCodeVerificationRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => verifyBackupCodeVerification(deps, contextOf(request), request.body.code),
    );
  };
}
