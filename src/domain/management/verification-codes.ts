// Use cases: POST /api/verification-codes and /verify. A code for any email or phone, not tied to a
// user: 6 digits, 10 minutes, 10 tries, template Generic; a new code replaces the recipient's older one.
// Throws LogtoError connector.not_found (501), connector.template_not_found, connector.general, connector.rate_limit_exceeded,
// verification_code.not_found / expired / exceed_max_try / code_mismatch.
import type { SenderDirectory } from '../../connectors/types.ts';
import { renderTemplate } from '../../connectors/templates.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { checkCode, discardUndelivered, findLatestCode, issueCode, type CodeDeps } from '../codes/index.ts';
import { LogtoError, RateLimitedError, type LogtoErrorCode } from '../errors.ts';
import { sendLimits, type PolicyConfig } from '../policy.ts';

export interface ManagementCodeDeps extends CodeDeps {
  senders: SenderDirectory;
  metrics: Metrics;
  policy: PolicyConfig;
}

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
  const delivery = await deps.senders.resolve(channel);
  if (!delivery) throw new LogtoError('connector.not_found');
  const { sender } = delivery;
  const template = delivery.template(USAGE);
  if (!template) throw new LogtoError('connector.template_not_found');
  let issued;
  try {
    issued = await issueCode(deps, {
      owner: OWNER,
      channel,
      recipient,
      pinType: 'numbers',
      pinLength: 6,
      ttlSeconds: TTL_SECONDS,
      maxAttempts: MAX_TRIES,
      callbackUrl: null,
      meta: {},
      limits: sendLimits(deps.policy, { channel, recipient, ip, now: deps.clock.now() }),
      replacePending: true,
    });
  } catch (error) {
    if (error instanceof RateLimitedError) throw new LogtoError('connector.rate_limit_exceeded');
    throw error;
  }
  try {
    await sender.send({
      channel,
      to,
      text: renderTemplate(template.content, issued.code),
      ...(template.subject === undefined ? {} : { subject: renderTemplate(template.subject, issued.code) }),
      html: template.contentType === 'text/html',
      code: issued.code,
      purpose: USAGE,
    });
  } catch (error) {
    await discardUndelivered(deps, issued.record.id, sender.name, error instanceof Error ? error.message : 'connector error');
    deps.metrics.deliveries.inc({ channel, connector: sender.name, outcome: 'failed' });
    throw new LogtoError('connector.general');
  }
  deps.metrics.deliveries.inc({ channel, connector: sender.name, outcome: 'delivered' });
  deps.metrics.codes.inc({ event: 'sent', channel });
}

const refusal: Record<string, LogtoErrorCode> = {
  not_found: 'verification_code.not_found',
  VERIFIED: 'verification_code.not_found',
  CANCELLED: 'verification_code.not_found',
  mismatch: 'verification_code.code_mismatch',
  mismatch_final: 'verification_code.code_mismatch',
  exhausted: 'verification_code.exceed_max_try',
  FAILED: 'verification_code.exceed_max_try',
  PENDING: 'verification_code.exceed_max_try',
  expired_now: 'verification_code.expired',
  EXPIRED: 'verification_code.expired',
};

export async function verifyVerificationCode(deps: ManagementCodeDeps, target: CodeTarget, code: string): Promise<void> {
  const { channel, recipient } = recipientOf(target);
  const latest = await findLatestCode(deps, OWNER, recipient);
  if (!latest) throw new LogtoError('verification_code.not_found');
  const result = await checkCode(deps, latest.id, OWNER, code);
  if (result.ok) {
    deps.metrics.codes.inc({ event: 'verified', channel });
    return;
  }
  if (result.reason === 'mismatch' || result.reason === 'mismatch_final') deps.metrics.codes.inc({ event: 'failed', channel });
  throw new LogtoError(refusal[result.reason]!);
}
