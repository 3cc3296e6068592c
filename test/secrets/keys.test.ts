// The start-up secret check (domain/secrets/keys.ts) on both stores: a fresh database records its key,
// the same key and a rotation pass, an unknown secret is refused (unless adopted on purpose, and never
// while data needs the old key), and a secret dropped while data needs it is refused naming the data.
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { checkSecrets, SecretCheckError } from '../../src/domain/secrets/keys.ts';
import { rotateSealedData } from '../../src/domain/secrets/rotate.ts';
import { secretStatus } from '../../src/domain/secrets/status.ts';
import { loadOidcKeys, rotateOidcKeys } from '../../src/oidc/keys.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { openEverything, seedSealed } from './seed.ts';

const OLD = 'old-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const NEW = 'new-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const OTHER = 'other-secret-0123456789-abcdefghijklmnopqrstuvw';

const dbs: TestDb[] = [];
async function freshDb() {
  const t = await createTestDb();
  dbs.push(t);
  return t.db;
}
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((t) => t.close()));
});

const check = (db: Awaited<ReturnType<typeof freshDb>>, secrets: string[], acceptNew = false) =>
  checkSecrets(db, createKeyring(secrets), { acceptNew });

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecretCheckError);
  return (error as Error).message;
}

describe('the start-up secret check', () => {
  it('a fresh database records the current key; the same key then passes', async () => {
    const db = await freshDb();
    expect(await check(db, [OLD])).toBe('fresh');
    expect((await db.query('SELECT key_id FROM secret_keys')).map((r) => r.key_id)).toEqual([createKeyring([OLD]).currentId]);
    expect(await check(db, [OLD])).toBe('known');
  });

  it('a new secret with the old one in VERITY_PREVIOUS_SECRETS is a rotation: recorded, accepted', async () => {
    const db = await freshDb();
    await check(db, [OLD]);
    await seedSealed(db, createKeyring([OLD]));
    expect(await check(db, [NEW, OLD])).toBe('rotated');
    expect(await check(db, [NEW, OLD])).toBe('known');
    expect((await db.query('SELECT key_id FROM secret_keys')).length).toBe(2);
  });

  it('a secret the database has not seen is refused, naming the fix', async () => {
    const db = await freshDb();
    await check(db, [OLD]);
    const message = await refusal(check(db, [OTHER]));
    expect(message).toMatch(/is not a secret this database has seen/);
    expect(message).toMatch(/VERITY_ACCEPT_NEW_SECRET=true/);
    expect((await db.query('SELECT key_id FROM secret_keys')).length).toBe(1);
  });

  it('VERITY_ACCEPT_NEW_SECRET adopts a new secret only while no sealed data needs the old one', async () => {
    const db = await freshDb();
    await check(db, [OLD]);
    expect(await check(db, [OTHER], true)).toBe('adopted');
    expect(await check(db, [OTHER])).toBe('known');

    const sealed = await freshDb();
    await check(sealed, [OLD]);
    await seedSealed(sealed, createKeyring([OLD]));
    const message = await refusal(check(sealed, [NEW], true));
    expect(message).toMatch(/is not a secret this database has seen/);
    expect(message).toMatch(/applications\.callback_secret.*1 row/);
    expect(message).toMatch(/VERITY_ACCEPT_NEW_SECRET does not override this/);
  });

  it('dropping the previous secret while data needs it is refused, naming each table and count', async () => {
    const db = await freshDb();
    await check(db, [OLD]);
    await seedSealed(db, createKeyring([OLD]));
    await check(db, [NEW, OLD]);
    const oldId = createKeyring([OLD]).currentId;
    const message = await refusal(check(db, [NEW]));
    for (const name of ['applications.callback_secret', 'application_secrets.secret_ciphertext', 'oidc_keys.material', 'connectors.config', 'sso_connectors.config', 'user_mfa_factors.totp_secret'])
      expect(message).toContain(name);
    expect(message).toContain(`oidc_keys.material (OIDC signing and cookie keys): 2 row(s) sealed with key ${oldId}`);
    expect(message).toMatch(/put it back in VERITY_PREVIOUS_SECRETS/);
    expect(message).toMatch(/secrets rotate/);
    // …and the OIDC keys are not silently regenerated behind the check's back
    await expect(loadOidcKeys(db, createKeyring([NEW]))).rejects.toThrow(/does not hold/);
    expect((await db.query('SELECT id FROM oidc_keys WHERE retired_at IS NULL')).length).toBe(2);
  });

  it('retired OIDC keys past their grace do not count', async () => {
    const db = await freshDb();
    await check(db, [OLD]);
    await loadOidcKeys(db, createKeyring([OLD]));
    await check(db, [NEW, OLD]);
    await rotateOidcKeys(db, createKeyring([NEW, OLD]), 0);
    expect(await check(db, [NEW])).toBe('known');
  });

  it('a database sealed before the check existed records the keys its data proves', async () => {
    const db = await freshDb();
    await seedSealed(db, createKeyring([OLD]));
    expect(await check(db, [NEW, OLD])).toBe('upgraded');
    expect((await db.query('SELECT key_id FROM secret_keys')).length).toBe(2);
  });

  it('rotate leaves a damaged value as it is, counts it, and still re-seals the others', async () => {
    const db = await freshDb();
    const old = createKeyring([OLD]);
    await check(db, [OLD]);
    const seeded = await seedSealed(db, old);
    // the key id is held, but the ciphertext no longer authenticates
    const damaged = `${old.encrypt('x').split('.').slice(0, 3).join('.')}.AAAA`;
    await db.query('UPDATE applications SET callback_secret = $2 WHERE id = $1', [seeded.appId, damaged]);
    const both = createKeyring([NEW, OLD]);
    await check(db, [NEW, OLD]);

    const report = await rotateSealedData(db, both);
    const byName = Object.fromEntries(report.columns.map((c) => [c.name, c]));
    expect(byName['applications.callback_secret']).toMatchObject({ resealed: 0, unreadable: 1 });
    expect(byName['oidc_keys.material']).toMatchObject({ resealed: 2, unreadable: 0, remaining: [] });
  });

  it('rotate re-seals every value; then the old secret can be dropped and everything still opens', async () => {
    const db = await freshDb();
    await check(db, [OLD]);
    const seeded = await seedSealed(db, createKeyring([OLD]));
    const both = createKeyring([NEW, OLD]);
    await check(db, [NEW, OLD]);
    await seedSealed(db, both); // values sealed with the new key stay as they are

    const report = await rotateSealedData(db, both);
    const byName = Object.fromEntries(report.columns.map((c) => [c.name, c]));
    expect(byName['applications.callback_secret']).toMatchObject({ resealed: 1, remaining: [] });
    expect(byName['oidc_keys.material']).toMatchObject({ resealed: 2, remaining: [] });
    for (const c of report.columns) expect(c.remaining).toEqual([]);
    expect(report.columns.reduce((n, c) => n + c.resealed, 0)).toBe(7);
    // a second run has nothing left to do
    expect((await rotateSealedData(db, both)).columns.every((c) => c.resealed === 0)).toBe(true);

    const onlyNew = createKeyring([NEW]);
    expect(await check(db, [NEW])).toBe('known');
    expect(await openEverything(db, onlyNew)).toBe(12);
    const [app] = await db.query<{ callback_secret: string }>('SELECT callback_secret FROM applications WHERE id = $1', [seeded.appId]);
    expect(onlyNew.decrypt(app!.callback_secret)).toBe(seeded.callbackSecret);
    const [totp] = await db.query<{ totp_secret: string }>(`SELECT totp_secret FROM user_mfa_factors WHERE type = 'Totp' ORDER BY created_at LIMIT 1`);
    expect(onlyNew.decrypt(totp!.totp_secret)).toBe(seeded.totpSecret);

    const status = await secretStatus(db, onlyNew);
    for (const c of status.columns) expect(c.keys.every((k) => k.current)).toBe(true);
  });
});
