// Use case: deliver queued OTP status callbacks. Each POST carries {"event":"otp_update","data":[DataOtp]}
// with the status at the time of the change, signed with the application's callback secret
// (X-Verity-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">), through the egress module. A non-2xx
// (a 3xx included: redirects are not followed), a timeout or a refused connection reschedules the event with
// exponential backoff; later events of that OTP wait behind it. An address the egress policy refuses (the
// host now resolves to loopback, say) will never become deliverable: the event fails for good at once.
// A callback secret this process cannot open (sealed with a key it does not hold) is logged as an error and
// counted (verity_callbacks_total{outcome="unsignable"}); the event is retried, never sent unsigned.
import { SIGNATURE_HEADER, signPayload } from '../../connectors/signature.ts';
import { sealedKeyId, type Keyring } from '../../crypto/keyring.ts';
import { EgressError, type Egress } from '../../net/egress.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { Logger } from 'pino';
import type { Db } from '../../storage/db.ts';
import { claimDue, markDelivered, markFailed, scheduleRetry, type ClaimedEvent } from '../../storage/repos/code-events.ts';
import type { CodeRow } from '../../storage/repos/codes.ts';
import type { Clock } from '../clock.ts';
import { toDataOtp } from './view.ts';

export interface CallbackDeps {
  db: Db;
  /** Where an event that cannot be signed is reported (the worker passes the process logger). */
  logger?: Pick<Logger, 'error'>;
  clock: Clock;
  keyring: Keyring;
  metrics: Metrics;
  egress: Pick<Egress, 'fetch'>;
  timeoutMs: number;
  maxBackoffSeconds: number;
}

const LEASE_SECONDS = 60;
const BATCH = 50;
/** The receiver's answer is not read; this bounds what is drained of it. */
const REPLY_BYTES = 64 * 1024;

/** Seconds to wait after the n-th failed try: 2, 4, 8, … capped. */
export const backoffSeconds = (tries: number, cap: number) => Math.min(cap, 2 ** Math.min(tries, 20));

function revive(code: CodeRow): CodeRow {
  // json_build_object returns timestamps as strings
  const date = (v: unknown) => (v == null ? null : new Date(v as string));
  return { ...code, created_at: date(code.created_at)!, expires_at: date(code.expires_at)!, finished_at: date(code.finished_at) };
}

/** The application's callback secret, or undefined (logged: ids and the key id, never the secret). */
function openSecret(deps: CallbackDeps, event: ClaimedEvent, sealed: string): string | undefined {
  try {
    return deps.keyring.decrypt(sealed);
  } catch (error) {
    const keyId = sealedKeyId(sealed);
    deps.logger?.error(
      { applicationId: event.code.application_id, eventId: event.event_id, keyId, keyHeld: deps.keyring.hasKey(keyId), reason: (error as Error).message },
      deps.keyring.hasKey(keyId)
        ? 'status callback not sent: its callback secret does not open (corrupt ciphertext); retrying'
        : `status callback not sent: its callback secret is sealed with key ${keyId}, which this process does not hold (docs/secrets.md); retrying`,
    );
    return undefined;
  }
}

async function deliver(deps: CallbackDeps, event: ClaimedEvent): Promise<void> {
  const now = deps.clock.now();
  const data = toDataOtp(revive(event.code), now, { status: event.event_status, attempts: event.event_attempts });
  const body = JSON.stringify({ event: 'otp_update', data: [data] });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Verity-Callbacks/1',
    'x-verity-event-id': event.event_id,
  };
  if (event.callback_secret) {
    const secret = openSecret(deps, event, event.callback_secret);
    if (secret === undefined) {
      // Retried, not failed for good: the usual cause is a rotation in progress — another process (or this
      // one, restarted with the secret) holds the key — and the start-up check refuses a process whose
      // keyring cannot open stored callback secrets. The capped backoff keeps the retries cheap, and the
      // error log and the metric say why nothing arrives.
      const next = new Date(deps.clock.now().getTime() + backoffSeconds(event.tries, deps.maxBackoffSeconds) * 1000);
      await scheduleRetry(deps.db, event.event_id, next, 'the callback secret cannot be opened with this server secret');
      deps.metrics.callbacks.inc({ outcome: 'unsignable' });
      return;
    }
    headers[SIGNATURE_HEADER] = signPayload(secret, body, Math.floor(now.getTime() / 1000));
  }
  try {
    const response = await deps.egress.fetch(event.url, { method: 'POST', headers, body, timeoutMs: deps.timeoutMs, maxBytes: REPLY_BYTES });
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) throw new Error(`receiver answered ${response.status}`);
    await markDelivered(deps.db, event.event_id, deps.clock.now());
    deps.metrics.callbacks.inc({ outcome: 'delivered' });
  } catch (error) {
    if (error instanceof EgressError && (error.failure === 'refused' || error.failure === 'invalid_url')) {
      await markFailed(deps.db, event.event_id, deps.clock.now(), error.message);
      deps.metrics.callbacks.inc({ outcome: 'refused' });
      return;
    }
    const next = new Date(deps.clock.now().getTime() + backoffSeconds(event.tries, deps.maxBackoffSeconds) * 1000);
    await scheduleRetry(deps.db, event.event_id, next, error instanceof Error ? error.message : String(error));
    deps.metrics.callbacks.inc({ outcome: 'retry' });
  }
}

/** Delivers every due callback (several rounds, so an OTP's next event follows its delivered one). */
export async function deliverDueCallbacks(deps: CallbackDeps): Promise<number> {
  let delivered = 0;
  for (let round = 0; round < 20; round += 1) {
    const batch = await claimDue(deps.db, deps.clock.now(), LEASE_SECONDS, BATCH);
    if (batch.length === 0) break;
    await Promise.all(batch.map((event) => deliver(deps, event)));
    delivered += batch.length;
  }
  return delivered;
}
