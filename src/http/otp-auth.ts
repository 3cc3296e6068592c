// Owns who is calling the OTP API: an X-API-KEY (or, once the OIDC provider exists, a bearer token)
// resolved to its application, with the per-key request count reported in X-Rate-Limit-* headers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateApiKey, type AppDeps } from '../domain/apps/index.ts';
import type { OtpSettings } from '../domain/apps/otp-settings.ts';
import { OtpError } from '../domain/errors.ts';
import type { PolicyConfig } from '../domain/policy.ts';
import type { RequestCounter } from '../domain/request-counter.ts';
import { rateLimitHeaders } from './errors.ts';

export interface OtpCaller {
  applicationId: string;
  otpSettings: OtpSettings;
  ip: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    otpCaller?: OtpCaller;
  }
}

/** The authenticated caller; only called from routes behind the otpAuth hook. */
export function callerOf(request: FastifyRequest): OtpCaller {
  if (!request.otpCaller) throw new OtpError('invalid_api_key');
  return request.otpCaller;
}

/** preHandler: 401 invalid_api_key / invalid_client, 429 rate_limit past the key's limit. */
export function otpAuth(deps: AppDeps & { policy: PolicyConfig; requests: RequestCounter }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['x-api-key'];
    if (typeof key === 'string' && key.length > 0) {
      const principal = await authenticateApiKey(deps, key);
      if (!principal) throw new OtpError('invalid_api_key');
      reply.headers(rateLimitHeaders(principal.rate.limit, principal.rate.remaining));
      request.otpCaller = { applicationId: principal.applicationId, otpSettings: principal.otpSettings, ip: request.ip ?? null };
      return;
    }
    // Bearer tokens are issued by the OIDC provider, which is not part of this release.
    if (request.headers.authorization) throw new OtpError('invalid_client');
    throw new OtpError('invalid_api_key');
  };
}
