// Experience API WebAuthn routes (experience-api.md E15–E18): registration options and verify (a
// new passkey for E22), authentication options and verify (an MFA proof). The relying party is the
// configured one, or in development the request's own host (verification/webauthn-rp.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import {
  createWebAuthnAuthentication,
  createWebAuthnRegistration,
  verifyWebAuthnAuthentication,
  verifyWebAuthnRegistration,
} from '../../domain/experience/webauthn.ts';
import { AuthenticationPayload, RegistrationPayload } from '../../domain/verification/webauthn-payload.ts';
import { relyingPartyFor } from '../../domain/verification/webauthn-rp.ts';
import { contextOf } from './context.ts';
import { errorsOf, security, tags, Verification } from './route-schemas.ts';

const errors = errorsOf(400, 401, 404, 422);
/** E15 and E17 take no body (an empty object is accepted too). */
const NoBody = z.object({}).nullish();
const UserVerification = z.enum(['required', 'preferred', 'discouraged']);
const CredentialDescriptor = z.object({ type: z.string(), id: z.string(), transports: z.array(z.string()).optional() });
const Extensions = z.object({ appid: z.string().optional(), credProps: z.boolean().optional(), hmacCreateSecret: z.boolean().optional() });

const RegistrationOptions = z
  .object({
    rp: z.object({ name: z.string(), id: z.string().optional() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    challenge: z.string(),
    pubKeyCredParams: z.array(z.object({ type: z.string(), alg: z.number() })),
    timeout: z.number().optional(),
    excludeCredentials: z.array(CredentialDescriptor).optional(),
    authenticatorSelection: z
      .object({
        authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
        requireResidentKey: z.boolean().optional(),
        residentKey: z.enum(['discouraged', 'preferred', 'required']).optional(),
        userVerification: UserVerification.optional(),
      })
      .optional(),
    attestation: z.enum(['none', 'indirect', 'direct', 'enterprise']).optional(),
    extensions: Extensions.optional(),
  })
  .describe('WebAuthnRegistrationOptions');

const AuthenticationOptions = z
  .object({
    challenge: z.string(),
    timeout: z.number().optional(),
    rpId: z.string().optional(),
    allowCredentials: z.array(CredentialDescriptor).optional(),
    userVerification: UserVerification.optional(),
    extensions: Extensions.optional(),
  })
  .describe('WebAuthnAuthenticationOptions');

export function webAuthnRoutes(deps: ExperienceDeps) {
  const rpOf = (request: FastifyRequest) => relyingPartyFor(deps.webauthn, { hostname: request.hostname, host: request.host });
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/experience/verification/web-authn/registration',
      {
        schema: {
          tags,
          summary: 'E15: options to create a passkey for the identified user',
          body: NoBody,
          security,
          response: { 200: z.object({ verificationId: z.string(), registrationOptions: RegistrationOptions }), ...errors },
        },
      },
      async (request) => createWebAuthnRegistration(deps, contextOf(request), rpOf(request)),
    );
    r.post(
      '/api/experience/verification/web-authn/registration/verify',
      {
        schema: {
          tags,
          summary: 'E16: verify the new passkey (bindable through E22)',
          security,
          body: z.object({ verificationId: z.string().min(1), payload: RegistrationPayload }).describe('VerifyWebAuthnRegistrationRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => verifyWebAuthnRegistration(deps, contextOf(request), rpOf(request), request.body.verificationId, request.body.payload),
    );
    r.post(
      '/api/experience/verification/web-authn/authentication',
      {
        schema: {
          tags,
          summary: "E17: options to sign in with one of the identified user's passkeys",
          body: NoBody,
          security,
          response: { 200: z.object({ verificationId: z.string(), authenticationOptions: AuthenticationOptions }), ...errors },
        },
      },
      async (request) => createWebAuthnAuthentication(deps, contextOf(request), rpOf(request)),
    );
    r.post(
      '/api/experience/verification/web-authn/authentication/verify',
      {
        schema: {
          tags,
          summary: "E18: verify an assertion by one of the user's passkeys (an MFA proof)",
          security,
          body: z.object({ verificationId: z.string().min(1), payload: AuthenticationPayload }).describe('VerifyWebAuthnAuthenticationRequest'),
          response: { 200: Verification, ...errors },
        },
      },
      async (request) => verifyWebAuthnAuthentication(deps, contextOf(request), rpOf(request), request.body.verificationId, request.body.payload),
    );
  };
}
