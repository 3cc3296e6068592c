// Status callbacks: signed otp_update POSTs from the durable queue, retried with backoff while the
// receiver is down, delivered once it is back — in order per OTP, and across a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/connectors/signature.ts';
import { call, startTestApp, type TestApp } from '../helpers/app.ts';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { phone } from '../helpers/phones.ts';

let t: TestApp;
let receiver: TestServer;
let failing = 0;
let app: { applicationId: string; apiKey: string; callbackSecret: string };

beforeAll(async () => {
  t = await startTestApp();
  receiver = await startHttpServer((_req, res) => {
    if (failing > 0) {
      failing -= 1;
      return json(res, 503, { down: true });
    }
    json(res, 200, { ok: true });
  });
  app = await t.newApplication();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

const as = () => ({ url: t.url, apiKey: app.apiKey });

async function otpWithCallback(path: string) {
  const to = phone();
  const res = await call(as(), 'POST', '/otp', { phoneNumber: to, otpCallbackUrl: `${receiver.url}${path}`, maxAttempts: 3 });
  expect(res.status).toBe(201);
  return { id: res.body.otpId as string, pin: t.sms.lastCode(to) };
}

describe('otp_update callbacks', () => {
  it('delivers each status change, signed, in order, after the receiver recovers', async () => {
    const { id, pin } = await otpWithCallback('/a');
    await call(as(), 'POST', `/otp/${id}`, { pin: pin === '000000' ? '111111' : '000000' });
    await call(as(), 'POST', `/otp/${id}`, { pin });
    failing = 3;
    const before = receiver.requests.length;
    await t.worker.tick(); // first try fails
    expect(receiver.requests.length).toBe(before + 1);
    await t.worker.tick(); // not due yet: nothing sent
    expect(receiver.requests.length).toBe(before + 1);
    t.clock.advance(2_000);
    await t.worker.tick(); // second try fails, backoff doubles
    t.clock.advance(2_000);
    await t.worker.tick(); // not due yet
    expect(receiver.requests.length).toBe(before + 2);
    t.clock.advance(2_000);
    await t.worker.tick(); // third fails
    t.clock.advance(8_000);
    await t.worker.tick(); // both events delivered, in order
    const mine = receiver.requests.slice(before).filter((r) => r.url === '/a');
    const ok = mine.slice(3).map((r) => JSON.parse(r.body));
    expect(ok).toHaveLength(2);
    expect(ok[0]).toMatchObject({ event: 'otp_update', data: [{ otpId: id, status: 'PENDING', attempts: 1 }] });
    expect(ok[1]).toMatchObject({ event: 'otp_update', data: [{ otpId: id, status: 'VERIFIED', attempts: 1 }] });
    expect(Object.keys(ok[1].data[0])).toHaveLength(13);
    for (const r of mine) {
      expect(r.headers['content-type']).toBe('application/json');
      const nowSeconds = Math.floor(t.clock.now().getTime() / 1000);
      expect(verifySignature(app.callbackSecret, r.body, r.headers['x-verity-signature'] as string, { nowSeconds, toleranceSeconds: 600 })).toBe(true);
      expect(verifySignature('wrong-secret', r.body, r.headers['x-verity-signature'] as string, { nowSeconds, toleranceSeconds: 600 })).toBe(false);
    }
    // delivered events are not sent again
    const count = receiver.requests.length;
    t.clock.advance(3_600_000);
    await t.worker.tick();
    expect(receiver.requests.length).toBe(count);
  });

  it('reports cancellation and expiry', async () => {
    const a = await otpWithCallback('/b');
    await call(as(), 'DELETE', `/otp/${a.id}`);
    const b = await otpWithCallback('/b');
    t.clock.advance(301_000);
    await t.worker.tick();
    const bodies = receiver.requests.filter((r) => r.url === '/b').map((r) => JSON.parse(r.body).data[0]);
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ otpId: a.id, status: 'CANCELLED' }),
        expect.objectContaining({ otpId: b.id, status: 'EXPIRED' }),
      ]),
    );
  });

  it('survives a restart: a new process on the same database delivers what is queued', async () => {
    const { id, pin } = await otpWithCallback('/c');
    failing = 1;
    await call(as(), 'POST', `/otp/${id}`, { pin });
    await t.worker.tick(); // fails once
    // "restart": a second app instance on the same database, with its own worker and clock
    const second = await startTestApp({ db: t.db });
    try {
      second.clock.set(new Date(t.clock.now().getTime() + 5_000));
      await second.worker.tick();
      const got = receiver.requests.filter((r) => r.url === '/c').map((r) => r.body);
      expect(got).toHaveLength(2);
      expect(JSON.parse(got[1]!).data[0]).toMatchObject({ otpId: id, status: 'VERIFIED' });
    } finally {
      await second.close();
    }
  });

  it('retries a receiver that refuses connections', async () => {
    const down = await startHttpServer((_req, res) => json(res, 200, {}));
    const url = down.url;
    await down.close();
    const to = phone();
    const res = await call(as(), 'POST', '/otp', { phoneNumber: to, otpCallbackUrl: `${url}/d` });
    await call(as(), 'DELETE', `/otp/${res.body.otpId}`);
    await t.worker.tick();
    const rows = await t.db.query<{ tries: number; delivered_at: Date | null; last_error: string }>(
      'SELECT tries, delivered_at, last_error FROM code_events WHERE code_id = $1',
      [res.body.otpId],
    );
    expect(rows[0]).toMatchObject({ tries: 1, delivered_at: null });
    expect(rows[0]!.last_error).toBeTruthy();
  });
});
