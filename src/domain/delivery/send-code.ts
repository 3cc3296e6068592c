// Use case shared by every Logto-family code flow (Management verification codes, the Experience
// API): issue a 6-digit code within the abuse policy, render the connector's template for the
// usage type, send it, and undo the issue when the connector fails. Throws LogtoError
// connector.not_found (501), connector.template_not_found, connector.rate_limit_exceeded (429),
// connector.general (the send failed; the code is removed, so nothing is left to verify);
// checking: verification_code.not_found / code_mismatch / exceed_max_try / expired (400).
import { connectorTemplate, renderTemplate } from '../../connectors/templates.ts';
import type { Channel, SenderDirectory } from '../../connectors/types.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { checkCode, discardUndelivered, issueCode, type CheckGuard, type CheckResult, type CodeDeps, type CodeOwner, type CodeRow } from '../codes/index.ts';
export type { CheckGuard };
import { LogtoError, RateLimitedError, type LogtoErrorCode } from '../errors.ts';
import { sendLimits, type PolicyConfig } from '../policy.ts';

export interface SendCodeDeps extends CodeDeps {
  senders: SenderDirectory;
  metrics: Metrics;
  policy: PolicyConfig;
}

export interface SendCodeInput {
  owner: CodeOwner;
  channel: Channel;
  /** The normalised recipient the code is bound to (lower-cased email, digits-only phone). */
  recipient: string;
  /** The address the message goes to. */
  to: string;
  /** Template usage type: Generic, SignIn, Register, ForgotPassword, UserPermissionValidation,
   *  BindNewIdentifier (the last two fall back to Generic: connectors/templates.ts). */
  usageType: string;
  ip: string | null;
  ttlSeconds: number;
  maxAttempts: number;
}

export async function sendCode(deps: SendCodeDeps, input: SendCodeInput): Promise<CodeRow> {
  const { channel, recipient } = input;
  const delivery = await deps.senders.resolve(channel);
  if (!delivery) throw new LogtoError('connector.not_found');
  const template = connectorTemplate((usageType) => delivery.template(usageType), input.usageType);
  if (!template) throw new LogtoError('connector.template_not_found');
  // A connector that would fail at once (circuit open) is answered before a code is issued.
  if (delivery.sender.ready?.() === false) throw new LogtoError('connector.general');
  let issued;
  try {
    issued = await issueCode(deps, {
      owner: input.owner,
      channel,
      recipient,
      pinType: 'numbers',
      pinLength: 6,
      ttlSeconds: input.ttlSeconds,
      maxAttempts: input.maxAttempts,
      callbackUrl: null,
      meta: {},
      limits: sendLimits(deps.policy, { channel, recipient, ip: input.ip, now: deps.clock.now() }),
      replacePending: true,
    });
  } catch (error) {
    if (error instanceof RateLimitedError) throw new LogtoError('connector.rate_limit_exceeded');
    throw error;
  }
  const { sender } = delivery;
  try {
    await sender.send({
      channel,
      to: input.to,
      text: renderTemplate(template.content, issued.code),
      ...(template.subject === undefined ? {} : { subject: renderTemplate(template.subject, issued.code) }),
      html: template.contentType === 'text/html',
      code: issued.code,
      purpose: input.usageType,
    });
  } catch (error) {
    await discardUndelivered(deps, issued.record.id, sender.name, error instanceof Error ? error.message : 'connector error');
    deps.metrics.deliveries.inc({ channel, connector: sender.name, outcome: 'failed' });
    throw new LogtoError('connector.general');
  }
  deps.metrics.deliveries.inc({ channel, connector: sender.name, outcome: 'delivered' });
  deps.metrics.codes.inc({ event: 'sent', channel });
  return issued.record;
}

const refusal: Record<Exclude<CheckResult, { ok: true }>['reason'], LogtoErrorCode> = {
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

/** Checks a code sent by sendCode (count → constant-time compare → consume, in the engine). */
export async function checkSentCode(
  deps: SendCodeDeps,
  id: string,
  owner: CodeOwner,
  channel: Channel,
  code: string,
  guard?: CheckGuard,
): Promise<void> {
  const result = await checkCode(deps, id, owner, code, guard);
  if (result.ok) {
    deps.metrics.codes.inc({ event: 'verified', channel });
    return;
  }
  if (result.reason === 'mismatch' || result.reason === 'mismatch_final') deps.metrics.codes.inc({ event: 'failed', channel });
  throw new LogtoError(refusal[result.reason]);
}
