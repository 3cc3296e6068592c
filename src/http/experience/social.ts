// Experience API social verification routes (experience-api.md E9, E10).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import { createSocialAuthorization, verifySocial } from '../../domain/experience/social.ts';
import { contextOf } from './context.ts';
import { errorsOf, security, tags, Verification } from './route-schemas.ts';

const errors = errorsOf(400, 401, 404, 422, 429, 501);
const ConnectorParams = z.object({ connectorId: z.string().min(1) });

export function socialRoutes(deps: ExperienceDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/experience/verification/social/:connectorId/authorization-uri',
      {
        schema: {
          tags,
          summary: "E9: start a social sign-in: the provider's authorization URI (the connector session is kept with the interaction)",
          security,
          params: ConnectorParams,
          body: z.object({ state: z.string(), redirectUri: z.string() }).describe('CreateSocialVerificationRequest'),
          response: { 200: Verification.extend({ authorizationUri: z.string() }).describe('CreateSocialVerification200Response'), ...errors },
        },
      },
      async (request) => createSocialAuthorization(deps, contextOf(request), request.params.connectorId, request.body),
    );
    r.post(
      '/api/experience/verification/social/:connectorId/verify',
      {
        schema: {
          tags,
          summary: "E10: verify the provider's callback (once per authorization; Google One Tap is not supported: verificationId required)",
          security,
          params: ConnectorParams,
          body: z
            .object({ connectorData: z.record(z.string(), z.unknown()), verificationId: z.string().min(1).optional() })
            .describe('VerifySocialVerificationRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => verifySocial(deps, contextOf(request), request.params.connectorId, request.body),
    );
  };
}
