// MFA fixtures written straight through the factor repository (the routes that bind a TOTP or a
// passkey in an interaction are tested elsewhere): a bound TOTP or WebAuthn credential for a user.
import crypto from 'node:crypto';
import { generateTotpSecret } from '../../src/crypto/totp.ts';
import { insertTotp, insertWebAuthn } from '../../src/storage/repos/mfa-factors.ts';
import type { TestApp } from './app.ts';

const id = () => crypto.randomBytes(12).toString('hex');

/** Binds a new TOTP to the user; its secret, for computing codes. */
export async function bindTotp(t: TestApp, userId: string): Promise<string> {
  const secret = generateTotpSecret();
  await insertTotp(t.db, { id: id(), userId, sealedSecret: t.keyring.encrypt(secret), now: t.clock.now() });
  return secret;
}

/** Binds a WebAuthn credential (registered with user agent `agent`) to the user. */
export async function bindWebAuthn(t: TestApp, userId: string, agent: string | null = 'Mozilla/5.0 (test)'): Promise<void> {
  await insertWebAuthn(t.db, {
    id: id(),
    userId,
    now: t.clock.now(),
    credentialId: crypto.randomBytes(16).toString('base64url'),
    publicKey: crypto.randomBytes(32).toString('base64url'),
    counter: 0,
    transports: ['internal'],
    backedUp: false,
    deviceType: 'singleDevice',
    agent,
  });
}

/** Every row of every table in the test's schema, as text (to prove a secret is stored nowhere). */
export async function everyStoredRow(t: TestApp): Promise<string> {
  const tables = await t.db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
  );
  const rows: string[] = [];
  for (const { name } of tables) rows.push(...(await t.db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`)).map((r) => r.row));
  return rows.join('\n');
}
