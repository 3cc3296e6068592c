// Experience API enterprise SSO routes (experience-api.md E5, E11, E12).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import { createSsoAuthorization, findSsoConnectorIds, verifySso } from '../../domain/experience/sso.ts';
import { contextOf } from './context.ts';
import { errorsOf, security, tags, Verification } from './route-schemas.ts';

const Params = z.object({ connectorId: z.string().min(1) });

export function ssoRoutes(deps: ExperienceDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/experience/sso-connectors',
      {
        schema: {
          tags,
          summary: "E5: the enabled SSO connectors of the email's domain (none when single sign-on is off)",
          security,
          querystring: z.object({ email: z.string().email() }),
          response: { 200: z.object({ connectorIds: z.array(z.string()) }).describe('SsoConnectorIds'), ...errorsOf(400) },
        },
      },
      async (request) => findSsoConnectorIds(deps, request.query.email),
    );
    r.post(
      '/api/experience/verification/sso/:connectorId/authorization-uri',
      {
        schema: {
          tags,
          summary: "E11: start a sign-in at the SSO connector's IdP (an EnterpriseSso record holds the session)",
          security,
          params: Params,
          body: z.object({ state: z.string().min(1), redirectUri: z.string().url() }).describe('CreateEnterpriseSsoVerificationRequest'),
          response: { 200: Verification.extend({ authorizationUri: z.string() }).describe('EnterpriseSsoAuthorization'), ...errorsOf(400, 404, 500) },
        },
      },
      async (request) => createSsoAuthorization(deps, contextOf(request), request.params.connectorId, request.body),
    );
    r.post(
      '/api/experience/verification/sso/:connectorId/verify',
      {
        schema: {
          tags,
          summary: "E12: complete the SSO sign-in with the IdP's answer (the session is used once)",
          security,
          params: Params,
          body: z
            .object({ connectorData: z.record(z.string(), z.unknown()), verificationId: z.string().min(1) })
            .describe('VerifyEnterpriseSsoVerificationRequest'),
          response: { 200: Verification, ...errorsOf(400, 404, 500) },
        },
      },
      async (request) => verifySso(deps, contextOf(request), request.params.connectorId, request.body.verificationId, request.body.connectorData),
    );
  };
}
