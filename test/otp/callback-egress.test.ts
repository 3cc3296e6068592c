// otpCallbackUrl and the egress policy, over HTTP on a production app whose allow-list opens only the
// SMS gateway's host name: every refused address is 400 2019 before a code is issued, and a callback
// whose host name turns to loopback after it was accepted (DNS rebinding) fails for good at delivery:
// stored as failed, counted, never retried, and the loopback receiver never sees a connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestApp, type TestApp } from '../helpers/app.ts';
import { REFUSED_HOSTS } from '../helpers/egress.ts';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { phone } from '../helpers/phones.ts';

let t: TestApp;
let receiver: TestServer;
let flip = '8.8.8.8';

beforeAll(async () => {
  receiver = await startHttpServer((_req, res) => json(res, 200, { ok: true }));
  t = await startTestApp({
    strictEgress: {
      allow: ['hooks.test'],
      names: { 'loop.test': '127.0.0.1', 'hooks.test': '127.0.0.1', 'flip.test': () => flip },
    },
  });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const refusedCount = async () => (await t.metrics.callbacks.get()).values.find((v) => v.labels.outcome === 'refused')?.value ?? 0;
const eventsOf = (otpId: string) =>
  t.db.query<{ tries: number; delivered_at: Date | null; failed_at: Date | null; last_error: string | null }>(
    'SELECT tries, delivered_at, failed_at, last_error FROM code_events WHERE code_id = $1 ORDER BY id',
    [otpId],
  );

describe('otpCallbackUrl is checked when it is given', () => {
  it('every refused address → 400 2019 in the SMS.cx envelope; no code issued, nothing sent, nothing contacted', async () => {
    const sent = t.sms.messages.length;
    for (const host of [...REFUSED_HOSTS, 'loop.test']) {
      const to = phone();
      const res = await call(t, 'POST', '/otp', { phoneNumber: to, otpCallbackUrl: `http://${host}:${receiver.port}/cb` });
      expect(res.status, host).toBe(400);
      expect(res.body, host).toEqual({ error: { type: 'invalid_param', code: 2019, message: "The parameter 'otpCallbackUrl' is not a valid URL", uri: expect.any(String) } });
      const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM verification_codes WHERE recipient = $1', [to]);
      expect(row!.n, host).toBe(0);
    }
    expect(t.sms.messages.length).toBe(sent);
    await t.worker.tick();
    expect(receiver.connections()).toBe(0);
  });

  it('an allowed host name is accepted and its callbacks are delivered', async () => {
    const res = await call(t, 'POST', '/otp', { phoneNumber: phone(), otpCallbackUrl: `http://hooks.test:${receiver.port}/allowed` });
    expect(res.status).toBe(201);
    await call(t, 'DELETE', `/otp/${res.body.otpId}`);
    await t.worker.tick();
    expect(receiver.requests.filter((r) => r.url === '/allowed')).toHaveLength(1);
    expect(await eventsOf(res.body.otpId)).toEqual([expect.objectContaining({ tries: 1, delivered_at: expect.any(Date), failed_at: null })]);
  });
});

describe('a callback whose address becomes refused (DNS rebinding)', () => {
  it('fails for good at delivery: stored as failed, counted, not retried, and the receiver never contacted', async () => {
    const before = receiver.connections();
    const refusedBefore = await refusedCount();
    flip = '8.8.8.8'; // public when POST /otp checks it
    const to = phone();
    const res = await call(t, 'POST', '/otp', { phoneNumber: to, otpCallbackUrl: `http://flip.test:${receiver.port}/rebound` });
    expect(res.status).toBe(201);
    const pin = t.sms.lastCode(to);
    flip = '127.0.0.1'; // loopback when the worker connects
    await call(t, 'POST', `/otp/${res.body.otpId}`, { pin: pin === '000000' ? '111111' : '000000' });
    await call(t, 'POST', `/otp/${res.body.otpId}`, { pin });

    await t.worker.tick();
    // Both events (PENDING after the wrong PIN, then VERIFIED): the first does not hold the second back.
    const failed = await eventsOf(res.body.otpId);
    expect(failed).toHaveLength(2);
    for (const event of failed)
      expect(event).toEqual({ tries: 1, delivered_at: null, failed_at: expect.any(Date), last_error: 'address not allowed (loopback)' });
    expect(await refusedCount()).toBe(refusedBefore + 2);

    // Hours later nothing is tried again.
    t.clock.advance(6 * 3600_000);
    await t.worker.tick();
    expect((await eventsOf(res.body.otpId)).map((e) => e.tries)).toEqual([1, 1]);
    expect(receiver.connections()).toBe(before);
    expect(receiver.requests.filter((r) => r.url === '/rebound')).toHaveLength(0);
  });
});

describe('development mode', () => {
  let dev: TestApp;
  beforeAll(async () => {
    dev = await startTestApp({ env: { VERITY_MODE: 'development' }, strictEgress: {} });
  });
  afterAll(() => dev.close());

  it('accepts and delivers a loopback callback; still refuses metadata and private addresses', async () => {
    const res = await call(dev, 'POST', '/otp', { phoneNumber: phone(), otpCallbackUrl: `http://localhost:${receiver.port}/dev` });
    expect(res.status).toBe(201);
    await call(dev, 'DELETE', `/otp/${res.body.otpId}`);
    await dev.worker.tick();
    expect(receiver.requests.filter((r) => r.url === '/dev')).toHaveLength(1);
    for (const host of ['169.254.169.254', '10.0.0.1', '0.0.0.0', '[fc00::1]']) {
      const refused = await call(dev, 'POST', '/otp', { phoneNumber: phone(), otpCallbackUrl: `http://${host}/dev` });
      expect(refused.body.error?.code, host).toBe(2019);
    }
  });
});
