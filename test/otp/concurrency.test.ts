// The engine's atomicity under real concurrency (a PostgreSQL pool of 10 when VERITY_TEST_DRIVER=pg):
// 50 parallel right PINs give exactly one success; 50 parallel wrong PINs never exceed the budget.
import { describe, expect, it } from 'vitest';
import { call, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const t = useTestApp({ env: { VERITY_RATE_KEY_LIMIT: '100000' } });

async function newOtp(maxAttempts: number) {
  const to = phone();
  const res = await call(t, 'POST', '/otp', { phoneNumber: to, maxAttempts });
  return { id: res.body.otpId as string, pin: t.sms.lastCode(to) };
}

describe('parallel verification', () => {
  it('50 parallel verifies of the right PIN: exactly one 200, every other answer 2023 otp_verified', async () => {
    for (const maxAttempts of [1, 3, 10]) {
      const { id, pin } = await newOtp(maxAttempts);
      const results = await Promise.all(Array.from({ length: 50 }, () => call(t, 'POST', `/otp/${id}`, { pin })));
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 200)) {
        expect(r.status).toBe(400);
        // Not 2027 "max attempts": the losers' refusals wait for the checks holding the budget.
        expect(r.body.error).toMatchObject({ code: 2023, type: 'otp_verified' });
      }
      const final = (await call(t, 'GET', `/otp/${id}`)).body;
      expect(final).toMatchObject({ status: 'VERIFIED', attempts: 0 });
    }
  });

  it('50 parallel wrong PINs never exceed maxAttempts', async () => {
    for (const maxAttempts of [1, 5, 10]) {
      const { id, pin } = await newOtp(maxAttempts);
      const guess = pin === '000000' ? '111111' : '000000';
      const results = await Promise.all(Array.from({ length: 50 }, () => call(t, 'POST', `/otp/${id}`, { pin: guess })));
      expect(results.every((r) => r.status === 400)).toBe(true);
      const counted = results.filter((r) => r.body.error.code === 2029 || r.body.error.code === 2027);
      // every counted guess was compared; at most maxAttempts comparisons can have happened
      const compared = results.filter((r) => r.body.error.code === 2029).length + 1;
      expect(compared).toBeLessThanOrEqual(maxAttempts);
      expect(counted.length).toBeGreaterThanOrEqual(1);
      const final = (await call(t, 'GET', `/otp/${id}`)).body;
      expect(final).toMatchObject({ status: 'FAILED', attempts: maxAttempts });
      const rows = await t.db.query<{ attempts: number }>('SELECT attempts FROM verification_codes WHERE id = $1', [id]);
      expect(rows[0]?.attempts).toBe(maxAttempts);
      // the right PIN is refused once the budget is spent
      expect((await call(t, 'POST', `/otp/${id}`, { pin })).body.error.code).toBe(2026);
    }
  });

  it('a guessing race cannot try more PINs than the budget', async () => {
    const { id, pin } = await newOtp(3);
    // 49 wrong guesses and the right one, all at once: at most 3 are ever compared
    const guesses = Array.from({ length: 49 }, (_, i) => String(100000 + i)).filter((g) => g !== pin);
    const results = await Promise.all([...guesses, pin].map((g) => call(t, 'POST', `/otp/${id}`, { pin: g })));
    const invalid = results.filter((r) => r.status === 400 && r.body.error.code === 2029).length;
    const won = results.filter((r) => r.status === 200).length;
    expect(invalid + won).toBeLessThanOrEqual(3);
  });

  it('parallel cancel and verify: exactly one wins', async () => {
    const { id, pin } = await newOtp(3);
    const [v, c] = await Promise.all([call(t, 'POST', `/otp/${id}`, { pin }), call(t, 'DELETE', `/otp/${id}`)]);
    expect([v.status, c.status].filter((s) => s === 200)).toHaveLength(1);
    const final = (await call(t, 'GET', `/otp/${id}`)).body.status;
    expect(final).toBe(v.status === 200 ? 'VERIFIED' : 'CANCELLED');
  });
});
