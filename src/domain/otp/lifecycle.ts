// Use cases: GET, verify and cancel one OTP, each mapping the engine's outcome to the SMS.cx codes.
import { cancelCode, checkCode, getCode, type CheckResult } from '../codes/index.ts';
import { OtpError, type OtpErrorKey } from '../errors.ts';
import { otpOwner, type OtpDeps } from './deps.ts';
import { toDataOtp, type DataOtp } from './view.ts';

/** Throws OtpError 2021 when the OTP does not exist for this application. */
export async function getOtp(deps: OtpDeps, applicationId: string, otpId: string): Promise<DataOtp> {
  const row = await getCode(deps, otpId, otpOwner(applicationId));
  if (!row) throw new OtpError('otp_not_found');
  return toDataOtp(row, deps.clock.now());
}

const refusal: Record<Exclude<CheckResult, { ok: true }>['reason'], OtpErrorKey> = {
  not_found: 'otp_not_found',
  mismatch: 'pin_invalid',
  mismatch_final: 'max_attempts',
  exhausted: 'max_attempts',
  expired_now: 'pin_expired',
  PENDING: 'max_attempts',
  VERIFIED: 'otp_verified',
  CANCELLED: 'otp_cancelled',
  EXPIRED: 'otp_expired',
  FAILED: 'otp_failed',
};

/** Throws OtpError 2021, 2023–2029. */
export async function verifyOtp(deps: OtpDeps, applicationId: string, otpId: string, pin: string): Promise<{ status: 'VERIFIED' }> {
  const result = await checkCode(deps, otpId, otpOwner(applicationId), pin);
  if (result.ok) {
    deps.metrics.codes.inc({ event: 'verified', channel: 'sms' });
    return { status: 'VERIFIED' };
  }
  if (result.reason === 'mismatch' || result.reason === 'mismatch_final') deps.metrics.codes.inc({ event: 'failed', channel: 'sms' });
  throw new OtpError(refusal[result.reason]);
}

/** Throws OtpError 2021, 2030 (already cancelled), 2031 (not pending). */
export async function cancelOtp(deps: OtpDeps, applicationId: string, otpId: string): Promise<{ info: { id: string } }> {
  const result = await cancelCode(deps, otpId, otpOwner(applicationId));
  if (result.ok) {
    deps.metrics.codes.inc({ event: 'cancelled', channel: 'sms' });
    return { info: { id: otpId } };
  }
  if (result.reason === 'not_found') throw new OtpError('otp_not_found');
  throw new OtpError(result.reason === 'CANCELLED' ? 'cancel_cancelled' : 'cancel_not_pending');
}
