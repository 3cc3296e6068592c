// The abuse policy, in one place: which counters a request or a send touches and their limits.
// Counting happens in the database (storage/repos), so limits hold across server processes.
import type { Config } from '../config/index.ts';
import type { GapLimit, WindowLimit } from '../storage/repos/codes.ts';

export type PolicyConfig = Pick<
  Config,
  | 'VERITY_RATE_KEY_LIMIT'
  | 'VERITY_RATE_KEY_WINDOW_SECONDS'
  | 'VERITY_RATE_RECIPIENT_LIMIT'
  | 'VERITY_RATE_RECIPIENT_WINDOW_SECONDS'
  | 'VERITY_RATE_RECIPIENT_INTERVAL_SECONDS'
  | 'VERITY_RATE_IP_LIMIT'
  | 'VERITY_RATE_IP_WINDOW_SECONDS'
>;

/** The fixed window of `seconds` containing `now`. */
export function windowOf(bucket: string, limit: number, seconds: number, now: Date): WindowLimit {
  const size = seconds * 1000;
  const start = Math.floor(now.getTime() / size) * size;
  return { bucket, limit, windowStart: new Date(start), resetAt: new Date(start + size) };
}

/** Requests per API key: the limit the X-Rate-Limit-* headers report. */
export function apiKeyLimit(config: PolicyConfig, keyId: string, now: Date): WindowLimit {
  return windowOf(`key:${keyId}`, config.VERITY_RATE_KEY_LIMIT, config.VERITY_RATE_KEY_WINDOW_SECONDS, now);
}

/** Sends of a code: per recipient and per client IP in their windows, and a minimum gap per recipient. */
export function sendLimits(
  config: PolicyConfig,
  send: { channel: 'sms' | 'email'; recipient: string; ip: string | null; now: Date },
): { windows: WindowLimit[]; gap: GapLimit | null } {
  const subject = `${send.channel}:${send.recipient}`;
  const windows = [
    windowOf(`to:${subject}`, config.VERITY_RATE_RECIPIENT_LIMIT, config.VERITY_RATE_RECIPIENT_WINDOW_SECONDS, send.now),
  ];
  if (send.ip) windows.push(windowOf(`ip:${send.ip}`, config.VERITY_RATE_IP_LIMIT, config.VERITY_RATE_IP_WINDOW_SECONDS, send.now));
  const interval = config.VERITY_RATE_RECIPIENT_INTERVAL_SECONDS;
  return { windows, gap: interval > 0 ? { subject, intervalSeconds: interval } : null };
}
