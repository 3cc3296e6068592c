// Owns how failures become HTTP answers. Routes under /otp answer in the SMS.cx envelope
// {"error":{type,message,uri,code}}; under /oidc (errors raised before the provider takes over) in
// the OAuth shape {error,error_description}; everything else in the Logto shape {code,message[,data,details]}.
// Bad input is always a 4xx with a body; only an unexpected fault is a 500, and it is logged. Two
// failures answer alike in every family: input the database cannot store (400) and a database
// connection that failed (503 with Retry-After).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  LogtoError,
  OtpError,
  RateLimitedError,
  UnstorableInputError,
  logtoErrors,
  otpErrors,
  type OtpErrorKey,
  type OtpErrorSpec,
} from '../domain/errors.ts';
import { UNAVAILABLE_DESCRIPTION } from '../oidc/db-errors.ts';
import { isDatabaseUnavailable, refusedInput } from '../storage/db.ts';
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
export const isOidcRoute = (url: string) => url === '/oidc' || url.startsWith('/oidc/') || url.startsWith('/oidc?');

type Family = 'otp' | 'oidc' | 'logto';
const familyOf = (url: string): Family => (isOtpRoute(url) ? 'otp' : isOidcRoute(url) ? 'oidc' : 'logto');

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

/** Input the database could not store, as UnstorableInputError (a refusal by the database names no place). */
function unstorable(error: unknown): UnstorableInputError | null {
  if (error instanceof UnstorableInputError) return error;
  if (refusedInput(error)) return new UnstorableInputError(['request'], 'holds a value the database cannot store');
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_ERR_BAD_URL') return new UnstorableInputError(['path'], 'is not valid percent-encoded UTF-8');
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') return new UnstorableInputError(['path'], 'has a segment that is too long');
  return null;
}

function sendUnstorable(family: Family, error: UnstorableInputError, reply: FastifyReply) {
  if (family === 'otp') return sendOtpError(reply, otpErrors.invalid_text);
  const description = `${error.where} ${error.reason}`;
  if (family === 'oidc') return reply.code(400).send({ error: 'invalid_request', error_description: description });
  return reply.code(400).send({
    code: 'guard.invalid_input',
    message: logtoErrors['guard.invalid_input'].message,
    data: [{ code: 'custom', path: error.path, message: error.reason }],
    details: description,
  });
}

function sendUnavailable(family: Family, reply: FastifyReply, retryAfterSeconds: number) {
  const headers = { 'retry-after': String(retryAfterSeconds) };
  if (family === 'otp') return sendOtpError(reply, otpErrors.unavailable, headers);
  if (family === 'oidc') return reply.code(503).headers(headers).send({ error: 'temporarily_unavailable', error_description: UNAVAILABLE_DESCRIPTION });
  const code = 'status.database_unavailable';
  return reply.code(503).headers(headers).send({ code, message: logtoErrors[code].message });
}

/** Answers the two failures every family answers alike; false (nothing sent) for any other error. */
function answeredAlike(error: unknown, request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): boolean {
  const family = familyOf(request.url);
  const input = unstorable(error);
  if (input) {
    request.log.info({ where: input.where, reason: input.reason }, 'input refused');
    void sendUnstorable(family, input, reply);
    return true;
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    void sendUnavailable(family, reply, retryAfterSeconds);
    return true;
  }
  return false;
}

/** Fastify's frameworkErrors option: a URL the router cannot decode gets the family's 400, not Fastify's own body. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const input = unstorable(error);
  if (input) return sendUnstorable(familyOf(request.url), input, reply);
  request.log.error({ err: error }, 'unhandled framework error');
  return reply.code(500).send({ message: 'Internal server error.' });
}

/** A failure raised in the /oidc scope before the provider takes over, in the OAuth error shape. */
function sendOidcError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status !== 500) return reply.code(status).send({ error: 'invalid_request', error_description: error.message });
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send({ error: 'server_error', error_description: 'Internal server error.' });
}

/** `retryAfterSeconds`: the Retry-After of a 503 for a failed database connection. */
export function registerErrorHandling(app: FastifyInstance, options: { retryAfterSeconds: number }) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (answeredAlike(error, request, reply, options.retryAfterSeconds)) return reply;
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
    if (isOidcRoute(request.url)) return sendOidcError(error, request, reply);
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
