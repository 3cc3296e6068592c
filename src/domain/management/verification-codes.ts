// Use cases: POST /api/verification-codes and /verify. A code for any email or phone, not tied to a
// user: 6 digits, 10 minutes, 10 tries, template Generic; a new code replaces the recipient's older one.
// Throws LogtoError connector.not_found (501), connector.template_not_found, connector.general, connector.rate_limit_exceeded,
// verification_code.not_found / expired / exceed_max_try / code_mismatch.
import { findLatestCode } from '../codes/index.ts';
import { checkSentCode, sendCode, type SendCodeDeps } from '../delivery/send-code.ts';
import { LogtoError } from '../errors.ts';

export type ManagementCodeDeps = SendCodeDeps;

export type CodeTarget = { email: string } | { phone: string };

const OWNER = { scope: 'management:Generic', applicationId: null };
const TTL_SECONDS = 600;
const MAX_TRIES = 10;
const USAGE = 'Generic';

function recipientOf(target: CodeTarget): { channel: 'sms' | 'email'; recipient: string; to: string } {
  if ('email' in target) return { channel: 'email', recipient: target.email.trim().toLowerCase(), to: target.email.trim() };
  return { channel: 'sms', recipient: target.phone, to: `+${target.phone}` };
}

export async function sendVerificationCode(deps: ManagementCodeDeps, target: CodeTarget, ip: string | null): Promise<void> {
  const { channel, recipient, to } = recipientOf(target);
  await sendCode(deps, { owner: OWNER, channel, recipient, to, usageType: USAGE, ip, ttlSeconds: TTL_SECONDS, maxAttempts: MAX_TRIES });
}

export async function verifyVerificationCode(deps: ManagementCodeDeps, target: CodeTarget, code: string): Promise<void> {
  const { channel, recipient } = recipientOf(target);
  const latest = await findLatestCode(deps, OWNER, recipient);
  if (!latest) throw new LogtoError('verification_code.not_found');
  await checkSentCode(deps, latest.id, OWNER, channel, code);
}
