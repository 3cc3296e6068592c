// The verification-code engine shared by every code flow. A check counts first, compares second
// (constant time, over keyed HMACs) and consumes atomically; see storage/repos/codes.ts for the SQL.
// The engine never formats or sends messages: issueCode returns the plaintext once, to the caller.
import crypto from 'node:crypto';
import type { Keyring } from '../../crypto/keyring.ts';
import { digestsEqual } from '../../crypto/keyring.ts';
import type { Db } from '../../storage/db.ts';
import * as repo from '../../storage/repos/codes.ts';
import type { CodeOwner, CodeRow, CodeStatus, GapLimit, WindowLimit } from '../../storage/repos/codes.ts';
import type { Clock } from '../clock.ts';
import { RateLimitedError } from '../errors.ts';
import { generateCode, normalizeCode, type PinType } from './generate.ts';

export type { CodeOwner, CodeRow, CodeStatus };

export interface CodeDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
}

export interface IssueInput {
  owner: CodeOwner;
  channel: 'sms' | 'email';
  recipient: string;
  pinType: PinType;
  pinLength: number;
  ttlSeconds: number;
  maxAttempts: number;
  callbackUrl: string | null;
  meta: Record<string, unknown>;
  limits: { windows: WindowLimit[]; gap: GapLimit | null };
  /** Cancel the recipient's other pending codes in this scope once the new one exists. */
  replacePending?: boolean;
}

const hashOf = (keyring: Keyring, id: string, code: string, keyId?: string) =>
  keyring.hmac('codes', `${id}:${normalizeCode(code)}`, keyId);

/** Creates a pending code within the send limits. Throws RateLimitedError('send') when a limit is spent. */
export async function issueCode(deps: CodeDeps, input: IssueInput): Promise<{ code: string; record: CodeRow }> {
  const id = crypto.randomUUID();
  const code = generateCode(input.pinType, input.pinLength);
  const now = deps.clock.now();
  const result = await repo.insertWithinLimits(
    deps.db,
    {
      id,
      owner: input.owner,
      channel: input.channel,
      recipient: input.recipient,
      codeHash: hashOf(deps.keyring, id, code),
      keyId: deps.keyring.currentId,
      maxAttempts: input.maxAttempts,
      createdAt: now,
      expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
      callbackUrl: input.callbackUrl,
      meta: input.meta,
    },
    input.limits.windows,
    input.limits.gap,
  );
  if (!result.code) {
    const latest = result.blocked.reduce((a, b) => (b.resetAt > a.resetAt ? b : a));
    throw new RateLimitedError('send', latest.limit, latest.resetAt);
  }
  if (input.replacePending) await repo.cancelOthers(deps.db, input.owner, input.recipient, id, now);
  return { code, record: result.code };
}

/** The status a reader sees: a pending code past its expiry is EXPIRED even before the sweeper runs. */
export function effectiveStatus(row: Pick<CodeRow, 'status' | 'expires_at'>, now: Date): CodeStatus {
  return row.status === 'PENDING' && row.expires_at.getTime() <= now.getTime() ? 'EXPIRED' : row.status;
}

export function getCode(deps: Pick<CodeDeps, 'db'>, id: string, owner: CodeOwner): Promise<CodeRow | null> {
  return repo.findCode(deps.db, id, owner);
}

export type CheckResult =
  | { ok: true; record: CodeRow }
  | {
      ok: false;
      /** mismatch: wrong code, budget left; mismatch_final: wrong code that spent the budget;
       *  exhausted: no budget left to check; expired_now: was pending, its time ran out;
       *  the rest name a terminal status. */
      reason: 'not_found' | 'mismatch' | 'mismatch_final' | 'exhausted' | 'expired_now' | CodeStatus;
    };

/**
 * How long a check refused for want of budget waits for the checks holding it. The budget counts
 * checks still in flight, and each settles within milliseconds: it consumes the code (then the
 * refused check reports VERIFIED, not "attempts exhausted"), refunds its unit, or spends it on a
 * mismatch. Only a check whose process died mid-way leaves its unit held; then, after the last
 * wait, the answer is `exhausted`.
 */
const SETTLE_WAITS_MS = [5, 10, 20, 40, 80, 160, 320, 640];

/**
 * A row of identifier_lockouts the first count of a check reads (by `key`) and that must show no
 * block running at the check's `now` for the attempt to be counted; `judge` is handed what was read,
 * and throws to refuse the check (nothing was counted then). The Experience API's lockout.
 */
export interface CheckGuard {
  key: string;
  judge(row: { blockedUntil: Date | null } | null, now: Date): void;
}

/** Checks a submitted code. Exactly one of any number of concurrent correct checks succeeds, and
 *  the others learn that the code was verified. With `guard`, its row is read and judged by the
 *  statement that counts the first attempt (repo.reserveCheck), before anything is compared. */
export async function checkCode(deps: CodeDeps, id: string, owner: CodeOwner, submitted: string, guard?: CheckGuard): Promise<CheckResult> {
  for (let wait = 0; ; wait += 1) {
    const now = deps.clock.now();
    const guarded = wait === 0 && guard ? await repo.reserveCheck(deps.db, id, owner, now, guard.key) : undefined;
    if (guarded) guard!.judge(guarded.lockout, now);
    const reserved = guarded ? guarded.reservation : await repo.reserveCheck(deps.db, id, owner, now);
    if (reserved) return compareReserved(deps, id, owner, submitted, reserved, now);
    const refusal = await explainRefusal(deps, id, owner, now);
    if (refusal.ok || refusal.reason !== 'exhausted' || wait >= SETTLE_WAITS_MS.length) return refusal;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_WAITS_MS[wait]));
  }
}

async function compareReserved(
  deps: CodeDeps,
  id: string,
  owner: CodeOwner,
  submitted: string,
  reserved: repo.Reservation,
  now: Date,
): Promise<CheckResult> {
  const matches =
    deps.keyring.hasKey(reserved.key_id) &&
    digestsEqual(hashOf(deps.keyring, id, submitted, reserved.key_id), reserved.code_hash);
  if (matches) {
    const record = await repo.consume(deps.db, id, now);
    if (record) return { ok: true, record };
    await repo.refundCheck(deps.db, id);
    return explainRefusal(deps, id, owner, now);
  }
  const spent = reserved.attempts >= reserved.max_attempts;
  // A mismatch that leaves budget changes nothing but the count; write only when there is news.
  if (spent || reserved.has_callback) await repo.settleMismatch(deps.db, id, now);
  return { ok: false, reason: spent ? 'mismatch_final' : 'mismatch' };
}

async function explainRefusal(deps: CodeDeps, id: string, owner: CodeOwner, now: Date): Promise<CheckResult> {
  const row = await repo.findCode(deps.db, id, owner);
  if (!row) return { ok: false, reason: 'not_found' };
  if (row.status !== 'PENDING') return { ok: false, reason: row.status };
  if (row.expires_at.getTime() <= now.getTime()) {
    await repo.finish(deps.db, id, owner, 'EXPIRED', now);
    return { ok: false, reason: 'expired_now' };
  }
  return { ok: false, reason: 'exhausted' };
}

export type CancelResult = { ok: true; record: CodeRow } | { ok: false; reason: 'not_found' | CodeStatus };

/** The code a check by identifier means: the newest not yet consumed or cancelled for the recipient. */
export async function findLatestCode(deps: Pick<CodeDeps, 'db'>, owner: CodeOwner, recipient: string): Promise<CodeRow | null> {
  return repo.findLatest(deps.db, owner, recipient);
}

/** Cancels a pending code; a code past its expiry is expired instead and reported as such. */
export async function cancelCode(deps: CodeDeps, id: string, owner: CodeOwner): Promise<CancelResult> {
  const now = deps.clock.now();
  const record = await repo.finish(deps.db, id, owner, 'CANCELLED', now);
  if (record) return { ok: true, record };
  const row = await repo.findCode(deps.db, id, owner);
  if (!row) return { ok: false, reason: 'not_found' };
  const status = effectiveStatus(row, now);
  if (status === 'EXPIRED' && row.status === 'PENDING') await repo.finish(deps.db, id, owner, 'EXPIRED', now);
  return { ok: false, reason: status };
}

/** Sweeper step: marks overdue pending codes EXPIRED (and queues their callbacks). */
export function expireDueCodes(deps: Pick<CodeDeps, 'db' | 'clock'>): Promise<number> {
  return repo.expireDue(deps.db, deps.clock.now());
}

/** Undoes an issue whose message was not delivered, recording the failure. */
export function discardUndelivered(deps: Pick<CodeDeps, 'db' | 'clock'>, id: string, connector: string, error: string) {
  return repo.discardUndelivered(deps.db, id, { connector, error, at: deps.clock.now() });
}
