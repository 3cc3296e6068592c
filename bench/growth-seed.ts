// Owns the growth suite's seed: a migrated schema filled, set-based (generate_series, INSERT …
// SELECT, then VACUUM ANALYZE), with what a busy installation holds after a few years — at scale 1:
// 1 M users, 2 M verification codes, 1 M callback events, 2 M rate counters and 2 M audit rows.
// Every row is valid against today's migrations (only their columns; code hashes are random hex).
// The bench's own rows (its users, applications, recipients) never collide with seeded ones:
// seeded users are user<i>, seeded phone numbers +1555…, seeded applications gapp<i>.
import crypto from 'node:crypto';
import pg from 'pg';
import { BENCH_APP_NAME } from './cpu.ts';

export interface SeedCounts {
  users: number;
  codes: number;
  events: number;
  counters: number;
  audit: number;
  /** Codes still PENDING and not expired (of `codes`). */
  pending: number;
}

/** The issue's sizes times `scale` (BENCH_GROWTH_SCALE). */
export const seedCounts = (scale: number): SeedCounts => {
  const n = (full: number) => Math.max(1, Math.round(full * scale));
  return { users: n(1_000_000), codes: n(2_000_000), events: n(1_000_000), counters: n(2_000_000), audit: n(2_000_000), pending: n(100_000) };
};

/**
 * A search fragment (`%<fragment>%`) that matches a handful of seeded users whatever the scale:
 * user<k> with k = users ÷ 100 matches user<k>, user<k>0 … user<k>9 (and user<k>00 … when they exist).
 * Every seeded username and address starts with `user` and a number, so each trigram of this
 * fragment is in 1–100 % of the rows: the worst case for a trigram index, kept as its own row.
 */
export const searchFragment = (counts: SeedCounts): string => `user${Math.max(1, Math.floor(counts.users / 100))}`;

/**
 * A fragment of one seeded user's address as an administrator would type it (the part that tells
 * people apart; seeded addresses are user<i>.<8 hex digits of md5('e' || i)>@…): its trigrams are
 * as rare as in real addresses. The issue's search target is judged on this one.
 */
export const distinctFragment = (counts: SeedCounts): string =>
  crypto.createHash('md5').update(`e${Math.max(1, Math.floor(counts.users / 100))}`).digest('hex').slice(0, 8);

/** Seeded applications own the seeded OTP codes and appear in audit rows. */
export const SEEDED_APPLICATIONS = 50;
export const seededApplicationId = (i: number) => `gapp${String(i).padStart(4, '0')}`;

const FIRST = ['Ada', 'Ben', 'Chloé', 'Dmitri', 'Elif', 'Farah', 'Gustav', 'Hana', 'Ivo', 'Jun', 'Kofi', 'Lena', 'Mateo', 'Nia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq'];
const LAST = ['Abbott', 'Berg', 'Costa', 'Dubois', 'Eze', 'Fischer', 'García', 'Horvat', 'Ito', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Novak', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Silva', 'Tanaka', 'Ueda', 'Vargas', 'Wong', 'Yilmaz', 'Zhou'];
const KEYS = [
  'Interaction.SignIn.Verification.Password.Submit',
  'Interaction.SignIn.Verification.EmailVerificationCode.Submit',
  'Interaction.SignIn.Verification.EmailVerificationCode.Create',
  'Interaction.SignIn.Submit',
  'Interaction.Register.Submit',
  'Interaction.SignIn.Verification.PhoneVerificationCode.Submit',
  'Interaction.ForgotPassword.Submit',
  'Interaction.SignIn.Verification.Totp.Submit',
];
const sqlArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;

/** The statements, in order, each with what it fills; $1 … are per statement (see seedSchema). */
function statements(c: SeedCounts, passwordHash: string): { what: string; sql: string; params: unknown[] }[] {
  return [
    {
      what: `${c.users} users`,
      // Created over three years, oldest first; two thirds have a phone, four fifths a password.
      sql: `INSERT INTO users (id, username, primary_email, primary_phone, name, password_hash, last_sign_in_at, created_at, updated_at)
            SELECT 'g' || lpad(i::text, 11, '0'), 'user' || i,
                   'user' || i || '.' || substr(md5('e' || i), 1, 8) || '@' || (ARRAY['example.com', 'example.org', 'mail.example.net', 'corp.example'])[1 + i % 4],
                   CASE WHEN i % 3 = 0 THEN NULL ELSE '1555' || lpad(i::text, 7, '0') END,
                   (${sqlArray(FIRST)})[1 + i % ${FIRST.length}] || ' ' || (${sqlArray(LAST)})[1 + (i / ${FIRST.length}) % ${LAST.length}],
                   CASE WHEN i % 5 = 0 THEN NULL ELSE $2 END,
                   CASE WHEN i % 4 = 0 THEN NULL ELSE now() - random() * interval '60 days' END,
                   created, created
              FROM (SELECT i, now() - interval '3 years' * (1 - i::float8 / $1::int) - random() * interval '1 hour' AS created
                      FROM generate_series(1, $1::int) AS i) s`,
      params: [c.users, passwordHash],
    },
    {
      what: `${c.codes} verification codes (${c.pending} pending)`,
      // 60% OTP API (50 applications, half with a callback URL), 25% Management, 15% Experience;
      // the first `pending` still PENDING and live for 10–60 min, the rest finished over 30 days.
      sql: `INSERT INTO verification_codes (id, application_id, scope, channel, recipient, code_hash, key_id, status, attempts,
                                            max_attempts, created_at, expires_at, finished_at, callback_url, meta)
            SELECT gen_random_uuid(),
                   CASE WHEN kind = 'otp' THEN 'gapp' || lpad((i % ${SEEDED_APPLICATIONS})::text, 4, '0') END,
                   CASE kind WHEN 'otp' THEN 'otp' WHEN 'mgmt' THEN 'management:Generic' ELSE 'experience:' || md5(i::text) END,
                   channel,
                   CASE WHEN channel = 'sms' THEN (CASE WHEN kind = 'otp' THEN '+' ELSE '' END) || '1555' || lpad(who::text, 7, '0')
                        ELSE 'user' || who || '@example.com' END,
                   md5(random()::text) || md5(random()::text), 'seed',
                   status,
                   CASE status WHEN 'VERIFIED' THEN (r * 10)::int % 2 WHEN 'FAILED' THEN max_attempts ELSE 0 END,
                   max_attempts, created, created + ttl,
                   CASE status WHEN 'PENDING' THEN NULL WHEN 'EXPIRED' THEN created + ttl ELSE created + r * ttl END,
                   CASE WHEN kind = 'otp' AND i % 2 = 0 THEN 'https://hooks.example.com/otp/' || (i % ${SEEDED_APPLICATIONS}) END,
                   CASE WHEN kind = 'otp' THEN jsonb_build_object('trackId', 'track-' || i, 'countryIso', 'US', 'cost', 0.0075, 'parts', 1)
                        ELSE '{}'::jsonb END
              FROM (SELECT i, kind, r, who, max_attempts,
                           CASE WHEN kind = 'otp' OR (kind = 'mgmt' AND i % 2 = 0) THEN 'sms' ELSE 'email' END AS channel,
                           CASE WHEN i <= $2 THEN 'PENDING' WHEN r < 0.80 THEN 'VERIFIED' WHEN r < 0.92 THEN 'EXPIRED'
                                WHEN r < 0.97 THEN 'CANCELLED' ELSE 'FAILED' END AS status,
                           CASE WHEN i <= $2 THEN now() - r * interval '5 minutes'
                                ELSE now() - interval '1 hour' - r2 * interval '30 days' END AS created,
                           CASE WHEN i <= $2 THEN interval '10 minutes' + r * interval '50 minutes' ELSE interval '10 minutes' END AS ttl
                      FROM (SELECT i, random() AS r, random() AS r2, (random() * 300000)::int AS who,
                                   CASE WHEN i % 20 < 12 THEN 'otp' WHEN i % 20 < 17 THEN 'mgmt' ELSE 'experience' END AS kind,
                                   CASE WHEN i % 20 < 12 THEN 3 ELSE 10 END AS max_attempts
                              FROM generate_series(1, $1::int) AS i) a) b`,
      params: [c.codes, c.pending],
    },
    {
      what: `${c.events} callback events`,
      // Two per code with a callback URL (sent, then its outcome); 98% delivered, 1% failed for good,
      // 1% waiting for a retry an hour from now.
      sql: `INSERT INTO code_events (code_id, url, status, attempts, tries, next_attempt_at, delivered_at, failed_at, last_error, created_at)
            SELECT id, callback_url, CASE WHEN k = 1 THEN 'PENDING' ELSE status END, attempts,
                   CASE WHEN r < 0.98 THEN 1 WHEN r < 0.99 THEN 10 ELSE 3 END,
                   CASE WHEN r < 0.99 THEN at ELSE now() + interval '1 hour' END,
                   CASE WHEN r < 0.98 THEN at + interval '1 second' END,
                   CASE WHEN r >= 0.98 AND r < 0.99 THEN at + interval '1 day' END,
                   CASE WHEN r >= 0.98 THEN 'HTTP 500' END,
                   at
              FROM (SELECT c.id, c.callback_url, c.status, c.attempts, k, random() AS r,
                           CASE WHEN k = 1 THEN c.created_at ELSE coalesce(c.finished_at, c.created_at) END AS at
                      FROM verification_codes c CROSS JOIN generate_series(1, 2) AS k
                     WHERE c.callback_url IS NOT NULL AND NOT (k = 2 AND c.status = 'PENDING')
                     LIMIT $1) e`,
      params: [c.events],
    },
    {
      what: `${c.counters} rate counters`,
      // Recipient, address and key windows of an hour, four windows per bucket over 30 days; one in
      // ten still counting (a longer window), the rest spent and waiting for housekeeping.
      sql: `INSERT INTO rate_counters (bucket, window_start, hits, expires_at)
            SELECT bucket, start, 1 + (random() * 5)::int,
                   CASE WHEN random() < 0.1 THEN now() + random() * interval '1 hour' ELSE start + interval '1 hour' END
              FROM (SELECT CASE i % 10 WHEN 0 THEN 'ip:10.' || (b / 65536 % 256) || '.' || (b / 256 % 256) || '.' || (b % 256)
                                       WHEN 1 THEN 'key:seed' || (b % 500)  || '-' || b
                                       WHEN 2 THEN 'to:email:user' || b || '@example.com'
                                       ELSE 'to:sms:+1555' || lpad(b::text, 7, '0') END AS bucket,
                           date_trunc('hour', now()) - ((b % 720) + i % 4) * interval '1 hour' AS start
                      FROM (SELECT i, i / 4 AS b FROM generate_series(0, $1::int - 1) AS i) s) t`,
      params: [c.counters],
    },
    {
      what: `${c.audit} audit rows`,
      // Over 90 days, oldest first (as they were written): sign-in steps of seeded users in the
      // seeded applications, one in ten an error.
      sql: `INSERT INTO audit_logs (id, key, result, user_id, application_id, interaction_id, method, identifier, error, ip, user_agent, created_at)
            SELECT substr(md5('audit' || i), 1, 21),
                   (${sqlArray(KEYS)})[1 + i % ${KEYS.length}],
                   CASE WHEN failed THEN 'Error' ELSE 'Success' END,
                   CASE WHEN i % 10 <> 0 THEN 'g' || lpad(who::text, 11, '0') END,
                   CASE WHEN i % 7 <> 0 THEN 'gapp' || lpad((i % ${SEEDED_APPLICATIONS})::text, 4, '0') END,
                   md5('interaction' || (i / 3)),
                   (ARRAY['Password', 'EmailVerificationCode', 'PhoneVerificationCode', 'Totp'])[1 + i % 4],
                   jsonb_build_object('type', 'email', 'value', 'user' || who || '@example.com'),
                   CASE WHEN failed THEN jsonb_build_object('code', 'session.invalid_credentials', 'message', 'Wrong credentials.') END,
                   '10.' || (who / 65536 % 256) || '.' || (who / 256 % 256) || '.' || (who % 256),
                   'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
                   now() - interval '90 days' * (1 - i::float8 / $1::int) - random() * interval '1 minute'
              FROM (SELECT i, random() < 0.1 AS failed, 1 + (random() * ($2::int - 1))::int AS who
                      FROM generate_series(1, $1::int) AS i) s`,
      params: [c.audit, c.users],
    },
  ];
}

/**
 * Fills `schema` (migrated, with the seeded applications already made) and brings its statistics
 * and visibility map up to date, as autovacuum would have on a database that grew over years.
 */
export async function seedSchema(
  url: string,
  schema: string,
  counts: SeedCounts,
  passwordHash: string,
  log: (line: string) => void,
  /** Receives how to cancel the statement running now (Ctrl-C: a seed can take minutes). */
  cancellable: (cancel: () => Promise<void>) => void = () => undefined,
): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: `${BENCH_APP_NAME}-seed`, options: `-c search_path=${schema}` });
  await client.connect();
  cancellable(async () => {
    const admin = new pg.Client({ connectionString: url, application_name: `${BENCH_APP_NAME}-admin` });
    await admin.connect();
    await admin.query('SELECT pg_cancel_backend($1)', [(client as pg.Client & { processID: number }).processID]).finally(() => admin.end());
  });
  try {
    for (const { what, sql, params } of statements(counts, passwordHash)) {
      const started = performance.now();
      await client.query(sql, params);
      log(`    ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const started = performance.now();
    for (const table of ['users', 'verification_codes', 'code_events', 'rate_counters', 'audit_logs']) await client.query(`VACUUM (ANALYZE) ${table}`);
    log(`    VACUUM (ANALYZE): ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
}
