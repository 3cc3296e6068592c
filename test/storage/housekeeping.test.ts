// Spent rate-limit windows, stale send gaps, long-delivered callback events and served lockouts are
// purged; live ones stay.
import { describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/storage/repos/housekeeping.ts';
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
