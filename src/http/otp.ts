// The SMS.cx-compatible OTP API (spec: otp-api.md). Each route declares its schemas, calls one use case.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { OtpError } from '../domain/errors.ts';
import { createOtp } from '../domain/otp/create.ts';
import type { OtpDeps } from '../domain/otp/deps.ts';
import { cancelOtp, getOtp, verifyOtp } from '../domain/otp/lifecycle.ts';
import { callerOf, otpAuth, type OtpAuthDeps } from './otp-auth.ts';
import {
  CancelOtpResponse,
  DataOtp,
  NewOtpRequest,
  OtpIdParams,
  SmsCxError,
  VerifyPinRequest,
  VerifyPinResponse,
  newOtpError,
  verifyPinError,
} from './otp-schemas.ts';

const OTP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const errors = { 400: SmsCxError, 401: SmsCxError, 403: SmsCxError, 404: SmsCxError, 405: SmsCxError, 429: SmsCxError, 500: SmsCxError };
const security: Record<string, string[]>[] = [{ ApiKeyAuth: [] }, { BearerAuth: [] }];

/** The path id must be a lowercase UUID; anything else cannot name an OTP (404 2021). */
function otpId(raw: string): string {
  if (!OTP_ID.test(raw)) throw new OtpError('otp_not_found');
  return raw;
}

export function otpRoutes(deps: OtpDeps & OtpAuthDeps) {
  return async (app: FastifyInstance) => {
    await app.register(methodNotAllowed);
    await app.register(authenticated(deps));
  };
}

/** Other methods on the OTP paths answer 405 invalid_method, before any authentication. */
async function methodNotAllowed(app: FastifyInstance) {
  const handler = async () => {
    throw new OtpError('invalid_method');
  };
  app.route({ method: ['GET', 'PUT', 'PATCH', 'DELETE'], url: '/otp', schema: { hide: true }, handler });
  app.route({ method: ['PUT', 'PATCH'], url: '/otp/:otpId', schema: { hide: true }, handler });
}

function authenticated(deps: OtpDeps & OtpAuthDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.addHook('preHandler', otpAuth(deps));

    r.post(
      '/otp',
      {
        schema: {
          tags: ['otp'],
          summary: 'New OTP: send a one-time PIN by SMS',
          security,
          body: NewOtpRequest,
          response: { 201: DataOtp.describe('NewOtpResponse'), ...errors, 502: SmsCxError, 503: SmsCxError },
        },
        config: { otpValidation: newOtpError },
      },
      async (request, reply) => reply.code(201).send(await createOtp(deps, callerOf(request), request.body)),
    );

    r.get(
      '/otp/:otpId',
      { schema: { tags: ['otp'], summary: 'Get OTP status', security, params: OtpIdParams, response: { 200: DataOtp, ...errors } } },
      async (request) => getOtp(deps, callerOf(request).applicationId, otpId(request.params.otpId)),
    );

    r.post(
      '/otp/:otpId',
      {
        schema: {
          tags: ['otp'],
          summary: 'Verify OTP',
          security,
          params: OtpIdParams,
          body: VerifyPinRequest,
          response: { 200: VerifyPinResponse, ...errors },
        },
        config: { otpValidation: verifyPinError },
      },
      async (request) => verifyOtp(deps, callerOf(request).applicationId, otpId(request.params.otpId), request.body.pin),
    );

    r.delete(
      '/otp/:otpId',
      { schema: { tags: ['otp'], summary: 'Cancel OTP', security, params: OtpIdParams, response: { 200: CancelOtpResponse, ...errors } } },
      async (request) => cancelOtp(deps, callerOf(request).applicationId, otpId(request.params.otpId)),
    );
  };
}
