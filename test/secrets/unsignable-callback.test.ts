// A status callback whose application's callback secret this process cannot open (sealed with a server
// secret it does not hold) is not sent unsigned: it logs an error naming the application, the event and
// the missing key id (never the secret), counts as verity_callbacks_total{outcome="unsignable"}, and is
// retried with backoff — delivered once a process holding the key sweeps.
import type { LogFn } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { deliverDueCallbacks } from '../../src/domain/otp/callbacks.ts';
import { call, startTestApp, TEST_SECRET, type TestApp } from '../helpers/app.ts';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { phone } from '../helpers/phones.ts';

const OTHER = 'another-server-secret-0123456789-abcdefghijklmn';
let t: TestApp;
let receiver: TestServer;

beforeAll(async () => {
  t = await startTestApp();
  receiver = await startHttpServer((_req, res) => json(res, 200, { ok: true }));
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

it('an event whose callback secret cannot be opened logs an error, counts in metrics, and is retried', async () => {
  const app = await t.newApplication();
  const other = createKeyring([OTHER]);
  await t.db.query('UPDATE applications SET callback_secret = $1 WHERE id = $2', [other.encrypt('sealed-elsewhere'), app.applicationId]);
  const res = await call({ url: t.url, apiKey: app.apiKey }, 'POST', '/otp', { phoneNumber: phone(), otpCallbackUrl: `${receiver.url}/cb` });
  expect(res.status).toBe(201);
  expect((await call({ url: t.url, apiKey: app.apiKey }, 'DELETE', `/otp/${res.body.otpId}`)).status).toBeLessThan(300);

  const errors: { obj: Record<string, unknown>; msg: string }[] = [];
  const logger = { error: ((obj: Record<string, unknown>, msg: string) => void errors.push({ obj, msg })) as LogFn };
  const deps = { db: t.db, clock: t.clock, keyring: t.keyring, metrics: t.metrics, egress: t.egress, timeoutMs: 2000, maxBackoffSeconds: 3600, logger };
  await deliverDueCallbacks(deps);

  expect(receiver.requests).toHaveLength(0);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.obj).toMatchObject({ applicationId: app.applicationId, keyId: other.currentId, keyHeld: false });
  expect(errors[0]!.obj.eventId).toEqual(expect.any(String));
  expect(errors[0]!.msg).toContain(`sealed with key ${other.currentId}`);
  expect(JSON.stringify(errors)).not.toContain('sealed-elsewhere');
  const unsignable = (await t.metrics.callbacks.get()).values.find((v) => v.labels.outcome === 'unsignable');
  expect(unsignable?.value).toBe(1);
  const [event] = await t.db.query<{ last_error: string; delivered_at: Date | null; failed_at: Date | null }>(
    'SELECT e.last_error, e.delivered_at, e.failed_at FROM code_events e JOIN verification_codes c ON c.id = e.code_id WHERE c.id = $1',
    [res.body.otpId],
  );
  expect(event).toMatchObject({ delivered_at: null, failed_at: null });
  expect(event!.last_error).toMatch(/cannot be opened/);

  // A process holding that key (the secret back in VERITY_PREVIOUS_SECRETS) delivers it, signed.
  t.clock.advance(3_000);
  await deliverDueCallbacks({ ...deps, keyring: createKeyring([TEST_SECRET, OTHER]) });
  expect(receiver.requests).toHaveLength(1);
  expect(receiver.requests[0]!.headers['x-verity-signature']).toMatch(/^t=\d+,v1=/);
});
