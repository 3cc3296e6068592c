// Use case: POST /otp. Resolves the phone number, checks a given callback URL against the egress policy,
// fills defaults from the application's settings, issues a code within the abuse policy, delivers it, and
// undoes the issue if delivery fails.
import { DeliveryError, OtpError } from '../errors.ts';
import type { OtpSettings } from '../apps/otp-settings.ts';
import { discardUndelivered, issueCode } from '../codes/index.ts';
import type { PinType } from '../codes/generate.ts';
import { sendLimits } from '../policy.ts';
import { renderTemplate } from '../../connectors/templates.ts';
import { EgressError } from '../../net/egress.ts';
import { otpOwner, type OtpDeps } from './deps.ts';
import { resolvePhone } from './phone.ts';
import { segment } from './sms-parts.ts';
import { toDataOtp, type DataOtp } from './view.ts';

export interface NewOtpInput {
  phoneNumber: string;
  countryIso?: string;
  from?: string;
  template?: string;
  trackId?: string;
  ttl?: number;
  maxAttempts?: number;
  pinType?: PinType;
  pinLength?: number;
  otpCallbackUrl?: string;
}

export interface Caller {
  applicationId: string;
  otpSettings: OtpSettings;
  ip: string | null;
}

/** Throws OtpError (2002/2003/2020 phone, 2019 refused callback URL, 1010 no connector, 1009 gateway) or
 *  RateLimitedError('send'). */
export async function createOtp(deps: OtpDeps, caller: Caller, input: NewOtpInput): Promise<DataOtp> {
  const phone = resolvePhone(input.phoneNumber, input.countryIso);
  // Only a URL the caller gives: the application's default was checked when the operator set it, and a
  // callback whose address is refused at delivery fails for good (callbacks.ts).
  if (input.otpCallbackUrl) await checkCallbackUrl(deps, input.otpCallbackUrl);
  const delivery = await deps.senders.resolve('sms');
  if (!delivery) throw new OtpError('no_sms_connector');
  const { sender } = delivery;
  // A connector that would fail at once (circuit open) is answered before a code is issued.
  if (sender.ready?.() === false) throw new OtpError('gateway_failed');
  const s = caller.otpSettings;
  const pinType = input.pinType ?? s.pinType;
  const pinLength = input.pinLength ?? s.pinLength;
  const template = input.template ?? s.template;
  // Codes use only GSM-7 basic characters, so any code of the same length segments identically.
  const parts = segment(renderTemplate(template, '0'.repeat(pinLength))).parts;
  const price = deps.prices[phone.countryIso] ?? deps.prices.default ?? 0;
  const callbackUrl = input.otpCallbackUrl ?? s.otpCallbackUrl;

  const { code, record } = await issueCode(deps, {
    owner: otpOwner(caller.applicationId),
    channel: 'sms',
    recipient: phone.e164,
    pinType,
    pinLength,
    ttlSeconds: input.ttl ?? s.ttl,
    maxAttempts: input.maxAttempts ?? s.maxAttempts,
    callbackUrl,
    meta: { trackId: input.trackId ?? null, countryIso: phone.countryIso, parts, cost: Math.round(price * parts * 1e6) / 1e6 },
    limits: sendLimits(deps.policy, { channel: 'sms', recipient: phone.e164, ip: caller.ip, now: deps.clock.now() }),
  });

  try {
    await sender.send({
      channel: 'sms',
      to: phone.e164,
      text: renderTemplate(template, code),
      from: input.from ?? s.from,
      code,
      purpose: 'otp',
    });
  } catch (error) {
    const reason = error instanceof DeliveryError ? error.message : 'connector error';
    await discardUndelivered(deps, record.id, sender.name, reason);
    deps.metrics.deliveries.inc({ channel: 'sms', connector: sender.name, outcome: 'failed' });
    throw new OtpError('gateway_failed');
  }
  deps.metrics.deliveries.inc({ channel: 'sms', connector: sender.name, outcome: 'delivered' });
  deps.metrics.codes.inc({ event: 'sent', channel: 'sms' });
  return toDataOtp(record, deps.clock.now());
}

/** Throws OtpError 2019 when the egress policy refuses the URL's address. */
async function checkCallbackUrl(deps: OtpDeps, url: string): Promise<void> {
  try {
    await deps.egress.checkUrl(url);
  } catch (error) {
    if (error instanceof EgressError) throw new OtpError('callback_url_invalid');
    throw error;
  }
}
