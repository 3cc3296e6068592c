// Test helper: one value in every sealed column (sealed with the given keyring), and a check that a
// keyring opens them all.
import crypto from 'node:crypto';
import type { Keyring } from '../../src/crypto/keyring.ts';
import { createApplication } from '../../src/domain/apps/index.ts';
import { createApplicationSecret, listApplicationSecrets } from '../../src/domain/management/application-secrets.ts';
import { loadOidcKeys } from '../../src/oidc/keys.ts';
import type { Db } from '../../src/storage/db.ts';
import { SEALED_COLUMNS } from '../../src/domain/secrets/sealed-columns.ts';
import { testClock } from '../helpers/clock.ts';

const id12 = () => crypto.randomBytes(16).toString('hex').replace(/[^a-z0-9]/g, '').slice(0, 12);

export interface Seeded {
  appId: string;
  callbackSecret: string;
  appSecret: string;
  connectorConfig: string;
  totpSecret: string;
}

export async function seedSealed(db: Db, keyring: Keyring): Promise<Seeded> {
  const deps = { db, keyring, clock: testClock() };
  const { app, callbackSecret } = await createApplication(deps, { name: 'sealed' });
  const secret = await createApplicationSecret(deps, app.id, { name: 'extra' });
  await loadOidcKeys(db, keyring);
  const connectorConfig = JSON.stringify({ password: `smtp-${id12()}` });
  await db.query(`INSERT INTO connectors (id, connector_id, type, config, created_at) VALUES ($1, 'mock-social', 'Social', $2, now())`, [
    id12(),
    keyring.encrypt(connectorConfig),
  ]);
  await db.query(`INSERT INTO sso_connectors (id, provider_name, connector_name, config, created_at) VALUES ($1, 'OIDC', $2, $3, now())`, [
    id12(),
    `sso-${id12()}`,
    keyring.encrypt(connectorConfig),
  ]);
  const userId = id12();
  await db.query('INSERT INTO users (id, created_at, updated_at) VALUES ($1, now(), now())', [userId]);
  const totpSecret = 'JBSWY3DPEHPK3PXP';
  await db.query(`INSERT INTO user_mfa_factors (id, user_id, type, created_at, totp_secret) VALUES ($1, $2, 'Totp', now(), $3)`, [
    id12(),
    userId,
    keyring.encrypt(totpSecret),
  ]);
  // a backup code: a keyed digest naming its key (reported, not re-sealable)
  const backupId = id12();
  await db.query(`INSERT INTO user_mfa_factors (id, user_id, type, created_at) VALUES ($1, $2, 'BackupCode', now())`, [backupId, userId]);
  await db.query('INSERT INTO user_backup_codes (factor_id, user_id, digest, key_id) VALUES ($1, $2, $3, $4)', [
    backupId,
    userId,
    keyring.hmac('codes', 'backup'),
    keyring.currentId,
  ]);
  return { appId: app.id, callbackSecret, appSecret: secret.value, connectorConfig, totpSecret };
}

/** Opens every live sealed value of every registered column with `keyring` (throws if one does not). */
export async function openEverything(db: Db, keyring: Keyring): Promise<number> {
  let opened = 0;
  for (const c of SEALED_COLUMNS) {
    const rows = await db.query<{ v: string }>(`SELECT ${c.column} AS v FROM ${c.table} WHERE ${c.column} IS NOT NULL${c.live ? ` AND (${c.live})` : ''}`);
    for (const r of rows) {
      keyring.decrypt(r.v);
      opened += 1;
    }
  }
  // and through the code that reads them
  await loadOidcKeys(db, keyring);
  for (const app of await db.query<{ id: string }>('SELECT DISTINCT application_id AS id FROM application_secrets'))
    await listApplicationSecrets({ db, keyring }, app.id);
  return opened;
}
