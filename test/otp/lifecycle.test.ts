// GET, verify and cancel: every status transition and every error 2021–2031, with time moved by the
// test clock (never by sleeping).
import { describe, expect, it } from 'vitest';
import { call, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const t = useTestApp();

async function newOtp(body: Record<string, unknown> = {}) {
  const to = phone();
  const res = await call(t, 'POST', '/otp', { phoneNumber: to, ...body });
  expect(res.status).toBe(201);
  return { id: res.body.otpId as string, pin: t.sms.lastCode(to) };
}
const wrong = (pin: string) => (pin === '000000' ? '111111' : '000000');
const verify = (id: string, pin: unknown) => call(t, 'POST', `/otp/${id}`, { pin });
const status = async (id: string) => (await call(t, 'GET', `/otp/${id}`)).body;

describe('verify', () => {
  it('PENDING → VERIFIED with the right PIN; then 2023', async () => {
    const { id, pin } = await newOtp();
    const res = await verify(id, pin);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'VERIFIED' });
    expect(res.headers.get('x-rate-limit-remaining')).toBeTruthy();
    expect(await status(id)).toMatchObject({ status: 'VERIFIED', attempts: 0 });
    expect((await verify(id, pin)).body.error).toMatchObject({ code: 2023, type: 'otp_verified' });
  });

  it('accepts the PIN as a number, and letters in any case', async () => {
    const a = await newOtp();
    expect((await verify(a.id, Number(a.pin))).status).toBe(a.pin.startsWith('0') ? 400 : 200);
    const b = await newOtp({ pinType: 'letters' });
    expect((await verify(b.id, b.pin.toLowerCase())).status).toBe(200);
  });

  it('wrong PIN → 2029 and attempts+1; reaching maxAttempts → 2027 and FAILED; then 2026', async () => {
    const { id, pin } = await newOtp({ maxAttempts: 2 });
    const first = await verify(id, wrong(pin));
    expect(first.status).toBe(400);
    expect(first.body.error).toMatchObject({ code: 2029, type: 'invalid_pin' });
    expect(await status(id)).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect((await verify(id, wrong(pin))).body.error).toMatchObject({ code: 2027, type: 'otp_failed' });
    expect(await status(id)).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect((await verify(id, pin)).body.error).toMatchObject({ code: 2026, type: 'otp_failed' });
  });

  it('a right PIN after a wrong one still verifies within the budget', async () => {
    const { id, pin } = await newOtp({ maxAttempts: 3 });
    await verify(id, wrong(pin));
    expect((await verify(id, pin)).status).toBe(200);
    expect(await status(id)).toMatchObject({ status: 'VERIFIED', attempts: 1 });
  });

  it('past dateExpires → 2028 (PIN expired) and EXPIRED, then 2025', async () => {
    const { id, pin } = await newOtp({ ttl: 60 });
    t.clock.advance(59_000);
    expect((await status(id)).status).toBe('PENDING');
    t.clock.advance(1_000);
    expect((await status(id)).status).toBe('EXPIRED');
    expect((await verify(id, pin)).body.error).toMatchObject({ code: 2028, type: 'otp_expired' });
    expect((await verify(id, pin)).body.error).toMatchObject({ code: 2025, type: 'otp_expired' });
  });

  it('the sweeper expires overdue OTPs in the database', async () => {
    const { id } = await newOtp({ ttl: 60 });
    t.clock.advance(61_000);
    await t.worker.tick();
    const rows = await t.db.query<{ status: string }>('SELECT status FROM verification_codes WHERE id = $1', [id]);
    expect(rows[0]?.status).toBe('EXPIRED');
  });

  it('CANCELLED → 2024', async () => {
    const { id, pin } = await newOtp();
    await call(t, 'DELETE', `/otp/${id}`);
    expect((await verify(id, pin)).body.error).toMatchObject({ code: 2024, type: 'otp_cancelled' });
  });

  it('missing or empty pin → 2022', async () => {
    const { id } = await newOtp();
    for (const body of [{}, { pin: '' }, { pin: null }, { pin: '  ' }])
      expect((await call(t, 'POST', `/otp/${id}`, body)).body.error).toMatchObject({ code: 2022, type: 'invalid_param' });
    const empty = await fetch(`${t.url}/otp/${id}`, { method: 'POST', headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' } });
    expect((await empty.json()).error.code).toBe(2022);
  });
});

describe('unknown ids and ownership', () => {
  it('unknown, malformed and upper-case ids → 404 2021 on every route', async () => {
    const { id } = await newOtp();
    for (const otpId of ['00000000-0000-4000-8000-000000000000', 'nope', id.toUpperCase()]) {
      for (const [method, body] of [['GET'], ['POST', { pin: '1234' }], ['DELETE']] as const) {
        const res = await call(t, method, `/otp/${otpId}`, body);
        expect(res.status).toBe(404);
        expect(res.body.error).toMatchObject({ code: 2021, type: 'not_found' });
      }
    }
  });

  it("another application's key cannot see, verify or cancel the OTP", async () => {
    const { id, pin } = await newOtp();
    const other = await t.newApplication();
    const as = { url: t.url, apiKey: other.apiKey };
    expect((await call(as, 'GET', `/otp/${id}`)).body.error.code).toBe(2021);
    expect((await call(as, 'POST', `/otp/${id}`, { pin })).body.error.code).toBe(2021);
    expect((await call(as, 'DELETE', `/otp/${id}`)).body.error.code).toBe(2021);
    expect((await status(id)).status).toBe('PENDING');
  });
});

describe('cancel', () => {
  it('PENDING → CANCELLED with {info:{id}}; again → 403 2030', async () => {
    const { id } = await newOtp();
    const res = await call(t, 'DELETE', `/otp/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ info: { id } });
    expect((await status(id)).status).toBe('CANCELLED');
    const again = await call(t, 'DELETE', `/otp/${id}`);
    expect(again.status).toBe(403);
    expect(again.body.error).toMatchObject({ code: 2030, type: 'access_denied' });
  });

  it('VERIFIED, FAILED and EXPIRED OTPs → 403 2031, status unchanged', async () => {
    const verified = await newOtp();
    await verify(verified.id, verified.pin);
    const failed = await newOtp({ maxAttempts: 1 });
    await verify(failed.id, wrong(failed.pin));
    const expired = await newOtp({ ttl: 60 });
    t.clock.advance(60_000);
    for (const [id, final] of [[verified.id, 'VERIFIED'], [failed.id, 'FAILED'], [expired.id, 'EXPIRED']] as const) {
      const res = await call(t, 'DELETE', `/otp/${id}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 2031, type: 'access_denied' });
      expect((await status(id)).status).toBe(final);
    }
  });

  it('terminal statuses never regress', async () => {
    const { id, pin } = await newOtp();
    await call(t, 'DELETE', `/otp/${id}`);
    await verify(id, pin);
    t.clock.advance(3_600_000);
    await t.worker.tick();
    expect((await status(id)).status).toBe('CANCELLED');
  });
});
