// Management API: the sign-in experience (management-core-api.md §4, S1–S2).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  findSignInExperience,
  updateSignInExperience,
  type SignInExperienceDeps,
} from '../../domain/sign-in-experience/index.ts';
import { SignInExperience, SignInExperiencePatch } from '../../domain/sign-in-experience/schema.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const tags = ['sign-in experience'];

export function signInExperienceRoutes(deps: SignInExperienceDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/sign-in-exp',
      {
        schema: {
          tags,
          summary: 'Get the sign-in experience settings',
          security: managementSecurity,
          response: { 200: SignInExperience, ...managementErrors, 404: LogtoErrorBody },
        },
      },
      async () => findSignInExperience(deps),
    );
    r.patch(
      '/api/sign-in-exp',
      {
        schema: {
          tags,
          summary: 'Update the sign-in experience settings (each field given is replaced whole)',
          security: managementSecurity,
          body: SignInExperiencePatch,
          response: { 200: SignInExperience, ...managementErrors, 404: LogtoErrorBody },
        },
      },
      async (request) => updateSignInExperience(deps, request.body),
    );
  };
}
