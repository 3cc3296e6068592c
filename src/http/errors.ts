// Owns how failures become HTTP answers. Routes under /otp answer in the SMS.cx envelope
// {"error":{type,message,uri,code}}; everything else in the Logto shape {code,message[,data,details]}.
// Bad input is always a 4xx with a body; only an unexpected fault is a 500, and it is logged.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LogtoError, OtpError, RateLimitedError, otpErrors, type OtpErrorKey, type OtpErrorSpec } from '../domain/errors.ts';
import type { Issue } from './otp-schemas.ts';

const DOCS_URI = '/api/docs#tag/otp';

/** Thrown by the validator compiler; carries zod's issues for the per-route mappers. */
export class SchemaValidationError extends Error {
  readonly statusCode = 400;
  constructor(readonly issues: readonly Issue[]) {
    super('Request validation failed');
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Maps a failed body validation to the route's documented OTP error. */
    otpValidation?: (issues: readonly Issue[], body: unknown) => OtpErrorKey;
  }
}

export const isOtpRoute = (url: string) => url === '/otp' || url.startsWith('/otp/') || url.startsWith('/otp?');

export function sendOtpError(reply: FastifyReply, spec: OtpErrorSpec, headers: Record<string, string> = {}) {
  return reply
    .code(spec.status)
    .headers(headers)
    .type('application/json; charset=utf-8')
    .send({ error: { type: spec.type, message: spec.message, uri: `${DOCS_URI}-${spec.code}`, code: spec.code } });
}

export function rateLimitHeaders(limit: number, remaining: number, resetAt?: Date): Record<string, string> {
  const headers: Record<string, string> = { 'x-rate-limit-limit': String(limit), 'x-rate-limit-remaining': String(remaining) };
  if (resetAt) {
    headers['x-rate-limit-reset'] = String(Math.ceil(resetAt.getTime() / 1000));
    headers['retry-after'] = String(Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000)));
  }
  return headers;
}

function frameworkOtpError(error: FastifyError, request: FastifyRequest): OtpErrorKey | null {
  if (error instanceof SchemaValidationError) {
    const map = request.routeOptions.config.otpValidation;
    return map ? map(error.issues, request.body) : 'invalid_body';
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    const map = request.routeOptions.config.otpValidation;
    return map ? map([], undefined) : 'invalid_body';
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'body_too_large';
  if (error.statusCode === 400 || error.statusCode === 415) return 'invalid_body';
  return null;
}

export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isOtpRoute(request.url)) {
      if (error instanceof OtpError) return sendOtpError(reply, error.spec, error.headers);
      if (error instanceof RateLimitedError) {
        const spec = error.scope === 'key' ? otpErrors.rate_limit : otpErrors.send_limit;
        return sendOtpError(reply, spec, rateLimitHeaders(error.limit, 0, error.resetAt));
      }
      const key = frameworkOtpError(error, request);
      if (key) return sendOtpError(reply, otpErrors[key]);
      request.log.error({ err: error }, 'unhandled error');
      return sendOtpError(reply, otpErrors.server_error);
    }
    if (error instanceof LogtoError)
      return reply
        .code(error.status)
        .send({ code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }), ...error.extra });
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send({ message: 'Internal server error.' });
    }
    if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return reply.code(400).send({ message: error.message });
    if (error instanceof SchemaValidationError) {
      const details = error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('\n');
      return reply.code(400).send({ code: 'guard.invalid_input', message: 'The request input is invalid.', data: error.issues, details });
    }
    return reply.code(status).send({ code: `request.${(error.code ?? 'invalid').toLowerCase()}`, message: error.message });
  });

  app.setNotFoundHandler((request, reply) => {
    if (isOtpRoute(request.url)) return sendOtpError(reply, otpErrors.route_not_found);
    return reply.code(404).send({ code: 'request.not_found', message: `Route ${request.method} ${request.url.split('?')[0]} not found` });
  });
}
