// The per-key request limit over HTTP: the X-Rate-Limit-* headers count down, then 429 with the reset.
import { describe, expect, it } from 'vitest';
import { call, useTestApp } from '../helpers/app.ts';

const t = useTestApp({ env: { VERITY_RATE_KEY_LIMIT: '5', VERITY_RATE_KEY_WINDOW_SECONDS: '60' } });

const nextWindow = () => t.clock.set(new Date(Math.ceil((t.clock.now().getTime() + 1) / 60_000) * 60_000));

describe('per-key request limit', () => {
  it('counts down X-Rate-Limit-Remaining, then 429 with X-Rate-Limit-Reset', async () => {
    const app = await t.newApplication();
    const as = { url: t.url, apiKey: app.apiKey };
    nextWindow();
    const id = '00000000-0000-4000-8000-000000000000';
    const remaining: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await call(as, 'GET', `/otp/${id}`);
      expect(res.headers.get('x-rate-limit-limit')).toBe('5');
      remaining.push(res.headers.get('x-rate-limit-remaining')!);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const limited = await call(as, 'GET', `/otp/${id}`);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ type: 'rate_limit', code: 1007 });
    expect(limited.headers.get('x-rate-limit-limit')).toBe('5');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset * 1000).toBe(Math.ceil((t.clock.now().getTime() + 1) / 60_000) * 60_000);
    // another key is not affected; the window passing restores this one
    expect((await call(t, 'GET', `/otp/${id}`)).status).toBe(404);
    t.clock.advance(60_000);
    expect((await call(as, 'GET', `/otp/${id}`)).status).toBe(404);
  });
});

