// A gateway that hangs or fails is held to a few sockets and then left alone: at most
// VERITY_CONNECTOR_MAX_CONCURRENCY sends in flight (the rest wait VERITY_CONNECTOR_QUEUE_MS, then 502),
// and after VERITY_CONNECTOR_BREAKER_FAILURES consecutive failures the breaker answers 502 at once,
// without a request to the gateway and without issuing a code.
import { describe, expect, it } from 'vitest';
import { call, startTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const env = {
  VERITY_CONNECTOR_MAX_CONCURRENCY: '2',
  VERITY_CONNECTOR_QUEUE_MS: '300',
  VERITY_CONNECTOR_BREAKER_FAILURES: '3',
  VERITY_CONNECTOR_BREAKER_SECONDS: '600',
  VERITY_RATE_KEY_LIMIT: '100000',
};

describe('SMS connector limits', () => {
  it('keeps at most N sends in flight to a gateway that hangs; the others get 502 once their wait is over', async () => {
    const t = await startTestApp({ env });
    try {
      t.sms.hold();
      const sends = Array.from({ length: 6 }, () => call(t, 'POST', '/otp', { phoneNumber: phone() }));
      // The four that found no slot are answered while the first two still hang.
      const settled = await Promise.race([Promise.all(sends), new Promise((resolve) => setTimeout(resolve, 3000, 'waiting'))]);
      expect(settled).toBe('waiting');
      expect(t.sms.received).toBe(2);
      t.sms.release();
      const results = await Promise.all(sends);
      expect(t.sms.maxHeld).toBe(2);
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 502, 502, 502, 502]);
      for (const r of results.filter((x) => x.status === 502)) expect(r.body.error).toMatchObject({ code: 1009, type: 'server_error' });
    } finally {
      await t.close();
    }
  });

  it('opens the breaker after consecutive gateway failures: 502 at once, no request, no code', async () => {
    const t = await startTestApp({ env });
    try {
      t.sms.failNext(3);
      for (let i = 0; i < 3; i += 1) expect((await call(t, 'POST', '/otp', { phoneNumber: phone() })).status).toBe(502);
      expect(t.sms.received).toBe(3);
      const to = phone();
      const refused = await call(t, 'POST', '/otp', { phoneNumber: to });
      expect(refused.status).toBe(502);
      expect(refused.body.error).toMatchObject({ code: 1009 });
      expect(t.sms.received).toBe(3);
      expect(await t.db.query('SELECT id FROM verification_codes WHERE recipient = $1', [to])).toHaveLength(0);
      expect(await t.db.query('SELECT code_id FROM delivery_failures WHERE recipient = $1', [to])).toHaveLength(0);
    } finally {
      await t.close();
    }
  });

  it('refusals of single messages (4xx) do not open the breaker: the gateway is up', async () => {
    const t = await startTestApp({ env });
    try {
      t.sms.failNext(5, 400);
      for (let i = 0; i < 5; i += 1) expect((await call(t, 'POST', '/otp', { phoneNumber: phone() })).status).toBe(502);
      expect(t.sms.received).toBe(5);
      expect((await call(t, 'POST', '/otp', { phoneNumber: phone() })).status).toBe(201);
      expect(t.sms.received).toBe(6);
    } finally {
      await t.close();
    }
  });
});
