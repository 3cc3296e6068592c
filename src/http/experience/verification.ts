// Experience API verification routes (experience-api.md E6–E8, E21): each answers {verificationId}.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import {
  createPasswordIdentity,
  sendVerificationCode,
  verifyPassword,
  verifyVerificationCode,
} from '../../domain/experience/verification.ts';
import { CodeIdentifier, Identifier, InteractionEvent } from '../../domain/verification/types.ts';
import { contextOf } from './context.ts';
import { errorsOf, security, tags, Verification } from './route-schemas.ts';

const errors = errorsOf(400, 401, 404, 422, 429, 501);

export function verificationRoutes(deps: ExperienceDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/experience/verification/password',
      {
        schema: {
          tags,
          summary: 'E6: verify a password for a username, email or phone',
          security,
          body: z.object({ identifier: Identifier.extend({ value: z.string().min(1) }), password: z.string().min(1) }).describe('CreatePasswordVerificationRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => verifyPassword(deps, contextOf(request), request.body.identifier, request.body.password),
    );
    r.post(
      '/api/experience/verification/verification-code',
      {
        schema: {
          tags,
          summary: 'E7: send a code to an email or phone (the event chooses the template)',
          security,
          body: z.object({ identifier: CodeIdentifier, interactionEvent: InteractionEvent }).describe('CreateAndSendVerificationCodeRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => sendVerificationCode(deps, contextOf(request), request.body.identifier, request.body.interactionEvent),
    );
    r.post(
      '/api/experience/verification/verification-code/verify',
      {
        schema: {
          tags,
          summary: 'E8: verify the code sent to that identifier',
          security,
          body: z
            .object({ identifier: CodeIdentifier, verificationId: z.string().min(1), code: z.string().min(1) })
            .describe('VerifyVerificationCodeVerificationRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => verifyVerificationCode(deps, contextOf(request), request.body.identifier, request.body.verificationId, request.body.code),
    );
    r.post(
      '/api/experience/verification/new-password-identity',
      {
        schema: {
          tags,
          summary: 'E21: a username and password for registration (checked against the password policy)',
          security,
          body: z
            .object({ identifier: z.object({ type: z.literal('username'), value: z.string().regex(/^[A-Z_a-z]\w*$/) }), password: z.string().min(1) })
            .describe('CreateNewPasswordIdentityVerificationRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => createPasswordIdentity(deps, contextOf(request), request.body.identifier.value, request.body.password),
    );
  };
}
