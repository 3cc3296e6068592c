// Spent rate-limit windows, stale send gaps, long-delivered callback events and served lockouts are
// purged; live ones stay. Finished codes and audit log rows go once their retention has passed (time
// moved by a test clock); a sweep repeats its bounded batches until caught up or out of budget.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { markDelivered } from '../../src/storage/repos/code-events.ts';
import * as codes from '../../src/storage/repos/codes.ts';
import { purgeExpired, purgeSweep } from '../../src/storage/repos/housekeeping.ts';
import { testClock } from '../helpers/clock.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();

describe('purgeExpired', () => {
  it('removes only what no longer decides anything', async () => {
    const now = new Date('2026-03-01T12:00:00Z');
    await t.db.query(
      `INSERT INTO rate_counters (bucket, window_start, hits, expires_at) VALUES
         ('old', '2026-03-01T10:00:00Z', 3, '2026-03-01T11:00:00Z'),
         ('live', '2026-03-01T12:00:00Z', 1, '2026-03-01T13:00:00Z')`,
    );
    await t.db.query(
      `INSERT INTO send_gaps (subject, last_sent_at) VALUES ('sms:old', '2026-03-01T11:58:00Z'), ('sms:live', '2026-03-01T11:59:50Z')`,
    );
    await t.db.query(
      `INSERT INTO oidc_models (kind, id, payload, expires_at) VALUES
         ('AccessToken', 'old', '{}', '2026-03-01T11:00:00Z'), ('AccessToken', 'live', '{}', '2026-03-01T13:00:00Z'),
         ('Client', 'forever', '{}', NULL)`,
    );
    await t.db.query(
      `INSERT INTO identifier_lockouts (identifier_hash, failures, window_ends_at, blocked_until) VALUES
         ('served', 5, '2026-03-01T11:50:00Z', '2026-03-01T11:50:00Z'), ('blocked', 5, '2026-03-01T12:05:00Z', '2026-03-01T12:05:00Z'),
         ('counting', 2, '2026-03-01T12:30:00Z', NULL)`,
    );
    const removed = await purgeExpired(t.db, now, { gapSeconds: 30, deliveredEventSeconds: 3600 });
    expect(removed).toBe(4);
    expect((await t.db.query<{ id: string }>('SELECT id FROM oidc_models ORDER BY id')).map((r) => r.id)).toEqual(['forever', 'live']);
    expect((await t.db.query<{ bucket: string }>('SELECT bucket FROM rate_counters')).map((r) => r.bucket)).toEqual(['live']);
    expect((await t.db.query<{ subject: string }>('SELECT subject FROM send_gaps')).map((r) => r.subject)).toEqual(['sms:live']);
    expect((await t.db.query<{ identifier_hash: string }>('SELECT identifier_hash FROM identifier_lockouts ORDER BY 1')).map((r) => r.identifier_hash)).toEqual(
      ['blocked', 'counting'],
    );
    expect(await purgeExpired(t.db, now, { gapSeconds: 30, deliveredEventSeconds: 3600 })).toBe(0);
  });
});

describe('retention', () => {
  const DAY = 86_400_000;
  const retention = { gapSeconds: 30, deliveredEventSeconds: 7 * 86_400, codeSeconds: 30 * 86_400, auditSeconds: 90 * 86_400 };
  const owner = { scope: 'retention-test', applicationId: null };
  const newCode = async (now: Date, ttlMs: number, callbackUrl: string | null = null) => {
    const id = crypto.randomUUID();
    const { code } = await codes.insertWithinLimits(
      t.db,
      {
        id, owner, channel: 'sms', recipient: '447700900123', codeHash: 'h', keyId: 'k', maxAttempts: 3,
        createdAt: now, expiresAt: new Date(now.getTime() + ttlMs), callbackUrl, meta: {},
      },
      [],
      null,
    );
    expect(code?.id).toBe(id);
    return id;
  };
  const remaining = async (ids: string[]) =>
    (await t.db.query<{ id: string }>('SELECT id FROM verification_codes WHERE id = ANY($1::uuid[])', [ids])).map((r) => r.id).sort();

  it('deletes a finished code once its retention has passed, never a pending one or one whose callback is still queued', async () => {
    const clock = testClock(new Date('2026-04-01T12:00:00Z'));
    const verified = await newCode(clock.now(), 1_200_000);
    const cancelled = await newCode(clock.now(), 1_200_000);
    const expired = await newCode(clock.now(), 600_000);
    const failed = await newCode(clock.now(), 1_200_000);
    const queued = await newCode(clock.now(), 1_200_000, 'https://cb.example/done');
    const pending = await newCode(clock.now(), 400 * DAY);
    clock.advance(600_000); // every code but the pending one finishes now
    const check = (id: string) => codes.reserveCheck(t.db, id, owner, clock.now());
    await check(verified);
    await codes.consume(t.db, verified, clock.now());
    await codes.finish(t.db, cancelled, owner, 'CANCELLED', clock.now());
    for (let i = 0; i < 3; i += 1) await check(failed);
    await codes.settleMismatch(t.db, failed, clock.now());
    await check(queued);
    await codes.consume(t.db, queued, clock.now());
    expect(await codes.expireDue(t.db, clock.now())).toBeGreaterThanOrEqual(1);
    const all = [verified, cancelled, expired, failed, queued, pending];
    expect(
      (await t.db.query<{ status: string }>('SELECT status FROM verification_codes WHERE id = ANY($1::uuid[]) ORDER BY status', [all])).map(
        (r) => r.status,
      ),
    ).toEqual(['CANCELLED', 'EXPIRED', 'FAILED', 'PENDING', 'VERIFIED', 'VERIFIED']);

    clock.advance(30 * DAY - 1000); // 30 days after they finished, less a second
    await purgeSweep(t.db, clock.now(), retention);
    expect(await remaining(all)).toEqual([...all].sort());

    clock.advance(1000);
    await purgeSweep(t.db, clock.now(), retention);
    expect(await remaining(all)).toEqual([queued, pending].sort());

    // Once its event is delivered the code may go, and its delivered events with it.
    const [event] = await t.db.query<{ id: string }>('SELECT id::text FROM code_events WHERE code_id = $1', [queued]);
    await markDelivered(t.db, event!.id, clock.now());
    await purgeSweep(t.db, clock.now(), retention);
    expect(await remaining(all)).toEqual([pending]);
    expect(await t.db.query('SELECT 1 FROM code_events WHERE code_id = $1', [queued])).toEqual([]);

    await purgeSweep(t.db, new Date(clock.now().getTime() + 1000 * DAY), { ...retention, codeSeconds: 0 });
    expect(await remaining(all)).toEqual([pending]);
  });

  it('deletes audit log rows older than their retention; 0 keeps them', async () => {
    const clock = testClock(new Date('2026-05-01T12:00:00Z'));
    await t.db.query(
      `INSERT INTO audit_logs (id, key, result, created_at) VALUES ('r-old', 'k', 'Success', $1), ('r-new', 'k', 'Success', $2)`,
      [clock.now().toISOString(), new Date(clock.now().getTime() + DAY).toISOString()],
    );
    const ids = async () => (await t.db.query<{ id: string }>("SELECT id FROM audit_logs WHERE id LIKE 'r-%' ORDER BY id")).map((r) => r.id);
    clock.advance(90 * DAY);
    await purgeSweep(t.db, clock.now(), { ...retention, auditSeconds: 0 });
    expect(await ids()).toEqual(['r-new', 'r-old']);
    await purgeSweep(t.db, clock.now(), retention);
    expect(await ids()).toEqual(['r-new']);
  });
});

describe('purgeSweep', () => {
  const events = async (n: number, deliveredAt: Date) => {
    const id = crypto.randomUUID();
    await t.db.query(
      `INSERT INTO verification_codes (id, scope, channel, recipient, code_hash, key_id, max_attempts, created_at, expires_at)
       VALUES ($1, 'sweep-test', 'sms', '1', 'h', 'k', 1, $2, $2)`,
      [id, deliveredAt.toISOString()],
    );
    await t.db.query(
      `INSERT INTO code_events (code_id, url, status, attempts, next_attempt_at, created_at, delivered_at)
       SELECT $1, 'https://cb.example/x', 'VERIFIED', 0, $2, $2, $2 FROM generate_series(1, $3::int)`,
      [id, deliveredAt.toISOString(), n],
    );
  };
  const retention = { gapSeconds: 30, deliveredEventSeconds: 3600 };
  const now = new Date('2026-06-01T12:00:00Z');

  it('repeats its bounded batches until caught up', async () => {
    await events(12, new Date(now.getTime() - 7200_000));
    expect(await purgeSweep(t.db, now, retention, { batch: 5 })).toEqual({ removed: 12, caughtUp: true });
  });

  it('stops after one pass once its time budget is spent, and says it is behind', async () => {
    await events(12, new Date(now.getTime() - 7200_000));
    expect(await purgeSweep(t.db, now, retention, { batch: 5, budgetMs: 0 })).toEqual({ removed: 5, caughtUp: false });
    expect(await purgeSweep(t.db, now, retention, { batch: 5 })).toEqual({ removed: 7, caughtUp: true });
  });
});
