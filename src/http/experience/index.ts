// The Experience API (experience-api.md): headless sign-in, registration and password reset bound to
// the OIDC interaction cookie and the browser binding (context.ts). Routes read like the spec's
// E-numbers; each calls one use case.
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import { identifyUser } from '../../domain/experience/identify.ts';
import { startExperience, switchExperienceEvent } from '../../domain/experience/interaction.ts';
import { bindMfa, skipMfa } from '../../domain/experience/mfa.ts';
import { addProfile, resetPassword } from '../../domain/experience/profile.ts';
import { MfaFactor } from '../../domain/sign-in-experience/schema.ts';
import { submitExperience } from '../../domain/experience/submit.ts';
import { InteractionEvent } from '../../domain/verification/types.ts';
import { backupCodeRoutes } from './backup-code.ts';
import { bindingCookie, contextOf, interactionContext } from './context.ts';
import { ssoRoutes } from './sso.ts';
import { totpRoutes } from './totp.ts';
import { verificationRoutes } from './verification.ts';
import { socialRoutes } from './social.ts';
import { webAuthnRoutes } from './webauthn.ts';
import { errorsOf, security, tags } from './route-schemas.ts';

const errors = errorsOf(400, 401, 403, 404, 409, 422);
const done = z.null().describe('Done');
const EventBody = z.object({ interactionEvent: InteractionEvent });
const username = z.string().regex(/^[A-Z_a-z]\w*$/);
const ProfileBody = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('username'), value: username }),
    z.object({ type: z.literal('password'), value: z.string().min(1) }),
    z.object({ type: z.literal('email'), verificationId: z.string().min(1) }),
    z.object({ type: z.literal('phone'), verificationId: z.string().min(1) }),
    z.object({ type: z.literal('social'), verificationId: z.string().min(1) }),
  ])
  .describe('AddUserProfileRequest');

export function experienceRoutes(deps: ExperienceDeps) {
  return async (app: FastifyInstance) => {
    await app.register(fastifyCookie);
    // preValidation: the interaction is looked up before the body is checked (README "Experience").
    app.addHook('preValidation', interactionContext(deps));
    app.addHook('onSend', bindingCookie(deps.provider));
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.put(
      '/api/experience',
      { schema: { tags, summary: 'E1: start (or restart) the interaction with an event', security, body: EventBody, response: { 204: done, ...errors } } },
      async (request, reply) => {
        await startExperience(deps, contextOf(request), request.body.interactionEvent);
        return reply.code(204).send(null);
      },
    );
    r.put(
      '/api/experience/interaction-event',
      { schema: { tags, summary: 'E2: switch between SignIn and Register', security, body: EventBody, response: { 204: done, ...errors } } },
      async (request, reply) => {
        await switchExperienceEvent(deps, contextOf(request), request.body.interactionEvent);
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/experience/identification',
      {
        schema: {
          tags,
          summary: 'E3: identify the user (SignIn, ForgotPassword) or create it (Register → 201)',
          security,
          body: z.object({ verificationId: z.string().min(1).optional(), linkSocialIdentity: z.boolean().optional() }).optional(),
          response: { 201: done, 204: done, ...errors },
        },
      },
      async (request, reply) => {
        const { created } = await identifyUser(deps, contextOf(request), request.body?.verificationId, request.body?.linkSocialIdentity);
        return reply.code(created ? 201 : 204).send(null);
      },
    );
    r.post(
      '/api/experience/submit',
      {
        schema: {
          tags,
          summary: 'E4: finish — SignIn/Register answer {redirectTo}; ForgotPassword resets the password',
          security,
          response: { 200: z.union([z.object({ redirectTo: z.string() }), z.null()]), ...errors },
        },
      },
      async (request, reply) => {
        const { redirectTo } = await submitExperience(deps, contextOf(request));
        return reply.code(200).send(redirectTo === undefined ? null : { redirectTo });
      },
    );
    r.post(
      '/api/experience/profile',
      { schema: { tags, summary: 'E24: stage profile data (written at submit)', security, body: ProfileBody, response: { 204: done, ...errors } } },
      async (request, reply) => {
        await addProfile(deps, contextOf(request), request.body);
        return reply.code(204).send(null);
      },
    );
    r.put(
      '/api/experience/profile/password',
      {
        schema: { tags, summary: 'E25: the new password (ForgotPassword)', security, body: z.object({ password: z.string().min(1) }), response: { 204: done, ...errors } },
      },
      async (request, reply) => {
        await resetPassword(deps, contextOf(request), request.body.password);
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/experience/profile/mfa',
      {
        schema: {
          tags,
          summary: 'E22: bind a verified new MFA factor to the user (written at submit)',
          security,
          body: z.object({ type: MfaFactor, verificationId: z.string().min(1) }).describe('BindMfaVerificationRequest'),
          response: { 204: done, ...errors },
        },
      },
      async (request, reply) => {
        await bindMfa(deps, contextOf(request), request.body.type, request.body.verificationId);
        return reply.code(204).send(null);
      },
    );
    r.post(
      '/api/experience/profile/mfa/mfa-skipped',
      { schema: { tags, summary: 'E23: skip binding an MFA factor (UserControlled policy; saved at submit)', security, response: { 204: done, ...errors } } },
      async (request, reply) => {
        await skipMfa(deps, contextOf(request));
        return reply.code(204).send(null);
      },
    );
    await app.register(verificationRoutes(deps));
    await app.register(totpRoutes(deps));
    await app.register(webAuthnRoutes(deps));
    await app.register(backupCodeRoutes(deps));
    await app.register(ssoRoutes(deps));
    await app.register(socialRoutes(deps));
  };
}
