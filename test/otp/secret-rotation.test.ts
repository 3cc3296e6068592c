// Rotating the server secret does not invalidate live codes: an OTP sent under the old secret still
// verifies on a server started with a new VERITY_SECRET and the old one in VERITY_PREVIOUS_SECRETS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { checkSecrets } from '../../src/domain/secrets/keys.ts';
import { rotateSealedData } from '../../src/domain/secrets/rotate.ts';
import { call, startTestApp, TEST_SECRET, type TestApp } from '../helpers/app.ts';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { phone } from '../helpers/phones.ts';

const NEW_SECRET = 'rotated-secret-9876543210-zyxwvutsrqponmlkjihgfedcba';
let store: TestDb;
let before: TestApp;
beforeAll(async () => {
  store = await createTestDb();
  before = await startTestApp({ db: store.db });
});
afterAll(async () => {
  await before.close();
  await store.close();
});

describe('secret rotation', () => {
  it('keeps live codes and callback secrets valid', async () => {
    const to = phone();
    const created = await call(before, 'POST', '/otp', { phoneNumber: to });
    const pin = before.sms.lastCode(to);
    const after = await startTestApp({
      db: store.db,
      secrets: [NEW_SECRET, TEST_SECRET],
      env: { VERITY_SECRET: NEW_SECRET, VERITY_PREVIOUS_SECRETS: TEST_SECRET },
    });
    try {
      const as = { url: after.url, apiKey: before.apiKey };
      expect((await call(as, 'POST', `/otp/${created.body.otpId}`, { pin })).status).toBe(200);
      // new codes are made with the new key
      const fresh = await call(as, 'POST', '/otp', { phoneNumber: phone() });
      const rows = await store.db.query<{ key_id: string }>('SELECT key_id FROM verification_codes WHERE id = ANY($1::uuid[])', [
        [created.body.otpId, fresh.body.otpId],
      ]);
      expect(new Set(rows.map((r) => r.key_id)).size).toBe(2);
      const to2 = phone();
      const old = await call(before, 'POST', '/otp', { phoneNumber: to2 });
      // dropping the old secret is refused while sealed data needs it; `secrets rotate` re-seals it
      await expect(checkSecrets(store.db, createKeyring([NEW_SECRET]), { acceptNew: false })).rejects.toThrow(/VERITY_PREVIOUS_SECRETS/);
      await rotateSealedData(store.db, createKeyring([NEW_SECRET, TEST_SECRET]));
      // a server that no longer knows the old secret refuses the old code (an HMAC, not re-sealed) instead of crashing
      const third = await startTestApp({ db: store.db, secrets: [NEW_SECRET], env: { VERITY_SECRET: NEW_SECRET } });
      try {
        const res = await call({ url: third.url, apiKey: before.apiKey }, 'POST', `/otp/${old.body.otpId}`, { pin: before.sms.lastCode(to2) });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe(2029);
      } finally {
        await third.close();
      }
    } finally {
      await after.close();
    }
  });
});
