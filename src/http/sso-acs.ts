// The SAML assertion consumer route (Logto's path): the IdP's HTTP-POST binding delivers the response
// here from the browser, form-encoded and without the interaction's cookies; the answer sends the
// browser back to the sign-in page (302). Register the URL at the IdP (README "Enterprise SSO").
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExperienceDeps } from '../domain/experience/deps.ts';
import { consumeSamlResponse } from '../domain/experience/sso-acs.ts';
import { ACS_PATH } from '../domain/sso/saml.ts';
import { errorsOf } from './experience/route-schemas.ts';

export function samlAcsRoutes(deps: ExperienceDeps) {
  return async (app: FastifyInstance) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      ACS_PATH,
      {
        schema: {
          tags: ['experience'],
          consumes: ['application/x-www-form-urlencoded'],
          summary: "SAML assertion consumer service: the IdP's response to an E11 AuthnRequest (HTTP-POST binding)",
          params: z.object({ connectorId: z.string().min(1) }),
          body: z.object({ SAMLResponse: z.string().min(1), RelayState: z.string().optional() }).describe('SamlAssertion'),
          response: { 302: z.null().describe('To the redirect URI given at E11, with its state'), ...errorsOf(400, 404, 500) },
        },
      },
      async (request, reply) => {
        const { redirectTo } = await consumeSamlResponse(deps, request.params.connectorId, request.body, {
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        });
        return reply.redirect(redirectTo, 302);
      },
    );
  };
}
