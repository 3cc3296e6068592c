// The send side of the abuse policy over HTTP: sends per recipient, minimum interval per recipient,
// sends per client IP. Windows move with the test clock.
import { describe, expect, it } from 'vitest';
import { call, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const t = useTestApp({
    env: {
      VERITY_RATE_RECIPIENT_LIMIT: '3',
      VERITY_RATE_RECIPIENT_WINDOW_SECONDS: '3600',
      VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: '30',
      VERITY_RATE_IP_LIMIT: '4',
      VERITY_RATE_IP_WINDOW_SECONDS: '3600',
    },
  });

const nextWindow = () => t.clock.set(new Date(Math.ceil((t.clock.now().getTime() + 1) / 3_600_000) * 3_600_000));

describe('send limits', () => {
  it('enforces the minimum interval between sends to one number', async () => {
    nextWindow();
    const to = phone();
    expect((await call(t, 'POST', '/otp', { phoneNumber: to })).status).toBe(201);
    const early = await call(t, 'POST', '/otp', { phoneNumber: to });
    expect(early.status).toBe(429);
    expect(early.body.error).toMatchObject({ type: 'rate_limit', code: 1011 });
    expect(Number(early.headers.get('x-rate-limit-reset')) * 1000).toBe(t.clock.now().getTime() + 30_000);
    t.clock.advance(30_000);
    expect((await call(t, 'POST', '/otp', { phoneNumber: to })).status).toBe(201);
  });

  it('enforces sends per number per window, and the window resets', async () => {
    nextWindow();
    const to = phone();
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await call(t, 'POST', '/otp', { phoneNumber: to })).status);
      t.clock.advance(31_000);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    nextWindow();
    expect((await call(t, 'POST', '/otp', { phoneNumber: to })).status).toBe(201);
  });

  it('enforces sends per client IP across numbers', async () => {
    nextWindow();
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call(t, 'POST', '/otp', { phoneNumber: phone() })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
  });

  it('parallel first sends to one number: the minimum interval admits exactly one', async () => {
    for (let round = 0; round < 5; round += 1) {
      nextWindow();
      const to = phone();
      const results = await Promise.all(Array.from({ length: 3 }, () => call(t, 'POST', '/otp', { phoneNumber: to })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 429)).toHaveLength(2);
    }
  });
});
