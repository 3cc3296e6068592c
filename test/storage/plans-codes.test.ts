// Every hot statement of the code paths (OTP API, Management verification codes, the code engine,
// its callback queue), the housekeeping purges and retention deletes, and the per-sign-in
// experience/OIDC lookups finds its rows through an index, never by scanning a big table: each is
// taken from its repository module (so a change there is what this checks), EXPLAINed with its own
// params on a seeded, analysed database, and its plan must name the index that matches it.
import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAdapterFactory } from '../../src/oidc/adapter.ts';
import type { Db, Queryable } from '../../src/storage/db.ts';
import * as codeEvents from '../../src/storage/repos/code-events.ts';
import * as codes from '../../src/storage/repos/codes.ts';
import { findExperience } from '../../src/storage/repos/experience.ts';
import { PURGES, type Retention } from '../../src/storage/repos/housekeeping.ts';
import { addFailure, deleteFailures, findLockout } from '../../src/storage/repos/lockouts.ts';
import { useTestDb } from '../helpers/db.ts';
import { scansOf, statementOf, type Statement } from '../helpers/plans.ts';

const t = useTestDb();

const NOW = new Date('2026-03-01T12:00:00Z');
const CODES = 150_000;
const PENDING = 20_000;
const RECIPIENTS = 15_000;
const EVENTS = 100_000;
const ROWS = 30_000; // audit_logs, oidc_models, experience_interactions, identifier_lockouts, rate_counters, send_gaps
const BIG = ['verification_codes', 'code_events', 'audit_logs', 'oidc_models', 'experience_interactions', 'identifier_lockouts', 'rate_counters', 'send_gaps'];
const RETENTION: Required<Retention> = { gapSeconds: 30, deliveredEventSeconds: 7 * 86_400, codeSeconds: 30 * 86_400, auditSeconds: 90 * 86_400 };

/** Steady state: rows spread over a little more than their retention (what a caught-up purge leaves),
 *  the newest PENDING codes live, one code in ten with a callback, events delivered over eight days. */
const SEED = [
  `INSERT INTO applications (id, name, callback_secret) VALUES ('app1', 'plans', 'x')`,
  `INSERT INTO verification_codes (id, application_id, scope, channel, recipient, code_hash, key_id, status, max_attempts,
                                   created_at, expires_at, finished_at, callback_url)
   SELECT md5(i::text)::uuid, CASE WHEN i % 10 < 5 THEN 'app1' END,
          CASE WHEN i % 10 < 5 THEN 'otp' WHEN i % 10 = 5 THEN 'management:Generic' ELSE 'experience:' || (i / 4) END,
          'sms', '4479' || lpad((i % ${RECIPIENTS})::text, 8, '0'), 'h', 'k',
          CASE WHEN i > ${CODES - PENDING} THEN 'PENDING' ELSE (ARRAY['VERIFIED', 'EXPIRED', 'CANCELLED', 'FAILED'])[1 + i % 4] END, 10,
          c, CASE WHEN i <= ${CODES - PENDING} THEN c + interval '10 minutes'
                  WHEN i % 50 = 0 THEN $1::timestamptz - interval '1 minute'
                  ELSE $1::timestamptz + make_interval(secs => i % 600) END,
          CASE WHEN i <= ${CODES - PENDING} THEN c + interval '1 minute' END,
          CASE WHEN i % 10 = 0 THEN 'https://cb.example/x' END
     FROM generate_series(1, ${CODES}) AS i,
          LATERAL (SELECT $1::timestamptz - make_interval(secs => (${CODES} - i) * (31.0 * 86400 / ${CODES}))) AS t(c)`,
  `INSERT INTO code_events (code_id, url, status, attempts, next_attempt_at, created_at, delivered_at)
   SELECT md5((1 + j % ${CODES})::text)::uuid, 'https://cb.example/x', 'VERIFIED', 0, $1, $1,
          CASE WHEN j % 100 <> 0 THEN $1::timestamptz - make_interval(secs => j * (8.0 * 86400 / ${EVENTS})) END
     FROM generate_series(1, ${EVENTS}) AS j`,
  `INSERT INTO audit_logs (id, key, result, created_at)
   SELECT 'a' || k, 'Interaction.SignIn.Submit', 'Success', $1::timestamptz - make_interval(secs => k * (91.0 * 86400 / ${ROWS}))
     FROM generate_series(1, ${ROWS}) AS k`,
  `INSERT INTO oidc_models (kind, id, payload, uid, expires_at)
   SELECT (ARRAY['Session', 'Interaction', 'AccessToken'])[1 + k % 3], 'm' || k, '{}', 'u' || k,
          $1::timestamptz + make_interval(secs => k % 3600)
     FROM generate_series(1, ${ROWS}) AS k`,
  `INSERT INTO experience_interactions (uid, state, expires_at)
   SELECT 'x' || k, '{}', $1::timestamptz + make_interval(secs => k % 3600) FROM generate_series(1, ${ROWS}) AS k`,
  `INSERT INTO identifier_lockouts (identifier_hash, failures, window_ends_at)
   SELECT 'h' || k, 1, $1::timestamptz + make_interval(secs => k % 3600) FROM generate_series(1, ${ROWS}) AS k`,
  `INSERT INTO send_gaps (subject, last_sent_at)
   SELECT 'sms:' || k, $1::timestamptz - make_interval(secs => k % 60) FROM generate_series(1, ${ROWS}) AS k`,
  `INSERT INTO rate_counters (bucket, window_start, hits, expires_at)
   SELECT 'b' || k, $1, 1, $1::timestamptz + make_interval(secs => k % 3600) FROM generate_series(1, ${ROWS}) AS k`,
];

beforeAll(async () => {
  for (const sql of SEED) await t.db.query(sql, sql.includes('$1') ? [NOW.toISOString()] : []);
  await t.db.query('ANALYZE');
}, 240_000);

/** The statements' arguments: a live management code and its recipient, an OTP code, a code with an open event. */
const management = { scope: 'management:Generic', applicationId: null };
const otp = { scope: 'otp', applicationId: 'app1' };
const codeId = (i: number) => crypto.createHash('md5').update(String(i)).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
const recipientOf = (i: number) => `4479${String(i % RECIPIENTS).padStart(8, '0')}`;
const LIVE_MANAGEMENT = CODES - 5; // i % 10 = 5, PENDING
const LIVE_OTP = CODES - 9;

const adapter = (q: Queryable, kind: string) => {
  const db = { ...q, driver: 'pg', tx: (fn: (x: Queryable) => unknown) => fn(q), close: async () => {} } as unknown as Db;
  const Adapter = createAdapterFactory(db, () => Promise.resolve(undefined));
  return new Adapter(kind);
};

/** [what runs it, the statement, the index its plan must use (null: it must merely scan no big table)] */
const HOT: [string, (q: Queryable) => Promise<unknown>, string | null][] = [
  [
    'OTP create / code send: insert within the limits',
    (q) =>
      codes.insertWithinLimits(
        q,
        {
          id: crypto.randomUUID(), owner: otp, channel: 'sms', recipient: recipientOf(1), codeHash: 'h', keyId: 'k', maxAttempts: 3,
          createdAt: NOW, expiresAt: NOW, callbackUrl: null, meta: {},
        },
        [{ bucket: 'b1', limit: 5, windowStart: NOW, resetAt: NOW }],
        { subject: `sms:${recipientOf(1)}`, intervalSeconds: 30 },
      ),
    'send_gaps_pkey',
  ],
  ['OTP read (GET /otp/{id}) and the refusal explanation', (q) => codes.findCode(q, codeId(LIVE_OTP), otp), 'verification_codes_pkey'],
  ['check: count the attempt first', (q) => codes.reserveCheck(q, codeId(LIVE_OTP), otp, NOW), 'verification_codes_pkey'],
  ['check: count the attempt first, reading the identifier’s lockout', (q) => codes.reserveCheck(q, codeId(LIVE_OTP), otp, NOW, 'h77'), 'verification_codes_pkey'],
  ['check: the lockout read with the count', (q) => codes.reserveCheck(q, codeId(LIVE_OTP), otp, NOW, 'h77'), 'identifier_lockouts_pkey'],
  ['check: consume', (q) => codes.consume(q, codeId(LIVE_OTP), NOW), 'verification_codes_pkey'],
  ['check: refund', (q) => codes.refundCheck(q, codeId(LIVE_OTP)), 'verification_codes_pkey'],
  ['check: settle a mismatch', (q) => codes.settleMismatch(q, codeId(LIVE_OTP), NOW), 'verification_codes_pkey'],
  ['OTP cancel (and expire on read)', (q) => codes.finish(q, codeId(LIVE_OTP), otp, 'CANCELLED', NOW), 'verification_codes_pkey'],
  ['send failed: discard the code', (q) => codes.discardUndelivered(q, codeId(LIVE_OTP), { connector: 'c', error: 'e', at: NOW }), 'verification_codes_pkey'],
  ['Management verify: the latest code of the recipient', (q) => codes.findLatest(q, management, recipientOf(LIVE_MANAGEMENT)), 'verification_codes_latest'],
  [
    'code send: cancel the recipient’s other pending codes',
    (q) => codes.cancelOthers(q, management, recipientOf(LIVE_MANAGEMENT), crypto.randomUUID(), NOW),
    'verification_codes_pending_recipient',
  ],
  ['worker: expire overdue codes', (q) => codes.expireDue(q, NOW), 'verification_codes_pending_expiry'],
  ['worker: claim due callback events', (q) => codeEvents.claimDue(q, NOW, 30, 10), 'code_events_pending'],
  ['worker: mark an event delivered', (q) => codeEvents.markDelivered(q, '1', NOW), 'code_events_pkey'],
  ['experience: the interaction by uid', (q) => findExperience(q, 'x77', NOW, true), 'experience_interactions_pkey'],
  ['oidc: a model by kind and id', (q) => adapter(q, 'Session').find('m77'), 'oidc_models_pkey'],
  ['oidc: a model by uid', (q) => adapter(q, 'Session').findByUid('u77'), 'oidc_models_uid'],
  ['lockout: read', (q) => findLockout(q, 'h77'), 'identifier_lockouts_pkey'],
  ['lockout: count a failure', (q) => addFailure(q, 'h77', NOW, { maxFailures: 5, windowSeconds: 3600, blockSeconds: 600 }), null],
  ['lockout: forget the failures', (q) => deleteFailures(q, 'h77', NOW), 'identifier_lockouts_pkey'],
];

/** The index each purge must use. send_gaps has none: it holds only the last interval's recipients. */
const PURGE_INDEX: Record<string, string | undefined> = {
  rate_counters: 'rate_counters_expiry',
  code_events: 'code_events_done',
  oidc_models: 'oidc_models_expiry',
  identifier_lockouts: 'identifier_lockouts_expiry',
  experience_interactions: 'experience_interactions_expires',
  verification_codes: 'verification_codes_finished',
  audit_logs: 'audit_logs_created',
};

async function expectIndexed(statement: Statement, index: string | null) {
  const scans = await scansOf(t.db, statement);
  expect(scans.filter((s) => s.nodeType === 'Seq Scan' && BIG.includes(s.relation ?? '')), JSON.stringify(scans)).toEqual([]);
  if (index) expect(scans.map((s) => s.index), JSON.stringify(scans)).toContain(index);
}

describe('plans of the hot code statements on a seeded table', () => {
  it('the seed looks like a busy server', async () => {
    const [row] = await t.db.query<{ codes: number; pending: number }>(
      `SELECT count(*)::int AS codes, count(*) FILTER (WHERE status = 'PENDING')::int AS pending FROM verification_codes`,
    );
    expect(row).toEqual({ codes: CODES, pending: PENDING });
  });

  for (const [name, run, index] of HOT) {
    it(`${name} → ${index ?? 'no scan of a big table'}`, async () => {
      await expectIndexed(await statementOf(run), index);
    });
  }

  it('deleting a code (retention, a failed send) finds its events through an index, not a scan per code', async () => {
    // The statement PostgreSQL's ON DELETE CASCADE trigger runs for every deleted verification code.
    await expectIndexed({ sql: 'DELETE FROM ONLY code_events WHERE $1 = code_id', params: [codeId(77)] }, 'code_events_code');
  });

  for (const purge of PURGES) {
    const index = PURGE_INDEX[purge.table];
    it.skipIf(!index)(`purge of ${purge.table} (steady state, nothing to delete, a backlog) → ${index}`, async () => {
      const cutoff = purge.cutoff(NOW, RETENTION)!;
      const nothing = new Date(Date.UTC(2000, 0, 1));
      // About half the table due: the catch-up after an outage, or the first run with a retention set.
      const backlog = cutoff < NOW ? new Date((cutoff.getTime() + NOW.getTime()) / 2) : new Date(NOW.getTime() + 1800_000);
      for (const at of [cutoff, nothing, backlog]) await expectIndexed({ sql: purge.sql, params: [at.toISOString(), 5000] }, index!);
    });
  }
});
