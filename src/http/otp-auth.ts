// Owns who is calling the OTP API: an X-API-KEY, or a client-credentials bearer token for the OTP
// resource (urn:verity:otp), resolved to its application, with the per-key request count reported in X-Rate-Limit-* headers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateAccessToken, authenticateApiKey, type AppDeps, type KeyPrincipal } from '../domain/apps/index.ts';
import type { AccessTokenVerifier } from '../oidc/access-tokens.ts';
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

export type OtpAuthDeps = AppDeps & { policy: PolicyConfig; requests: RequestCounter; tokens: AccessTokenVerifier };

/** Resolves the caller: X-API-KEY first (the SMS.cx client may send both), else a bearer token. */
async function authenticate(deps: OtpAuthDeps, request: FastifyRequest): Promise<KeyPrincipal> {
  const key = request.headers['x-api-key'];
  if (typeof key === 'string' && key.length > 0) {
    const principal = await authenticateApiKey(deps, key);
    if (!principal) throw new OtpError('invalid_api_key');
    return principal;
  }
  const authorization = request.headers.authorization;
  if (!authorization) throw new OtpError('invalid_api_key');
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  const principal = bearer ? await authenticateAccessToken(deps, bearer) : null;
  if (!principal) throw new OtpError('invalid_client');
  return principal;
}

/** preHandler: 401 invalid_api_key / invalid_client, 429 rate_limit past the caller's limit. */
export function otpAuth(deps: OtpAuthDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await authenticate(deps, request);
    reply.headers(rateLimitHeaders(principal.rate.limit, principal.rate.remaining));
    request.otpCaller = { applicationId: principal.applicationId, otpSettings: principal.otpSettings, ip: request.ip ?? null };
  };
}
