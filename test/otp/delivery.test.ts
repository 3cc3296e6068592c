// Delivery failures are never silent: a gateway error answers 502 in the envelope, the attempt is
// recorded, no OTP is left behind, and the metrics count it.
import { describe, expect, it } from 'vitest';
import { call, startTestApp, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const t = useTestApp({ env: { VERITY_METRICS_TOKEN: METRICS_TOKEN } });

describe('gateway failure', () => {
  it('answers 502 server_error, records the failure and keeps no OTP', async () => {
    const to = phone();
    t.sms.failNext(1);
    const res = await call(t, 'POST', '/otp', { phoneNumber: to });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ type: 'server_error', code: 1009 });
    const codes = await t.db.query('SELECT id FROM verification_codes WHERE recipient = $1', [to]);
    expect(codes).toHaveLength(0);
    const failures = await t.db.query<{ connector: string; error: string; channel: string }>(
      'SELECT connector, error, channel FROM delivery_failures WHERE recipient = $1',
      [to],
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ connector: 'webhook', channel: 'sms' });
    expect(failures[0]!.error).toMatch(/503/);
    // the next send works
    expect((await call(t, 'POST', '/otp', { phoneNumber: to })).status).toBe(201);
  });

  it('exposes deliveries and codes in /metrics', async () => {
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/verity_deliveries_total\{channel="sms",connector="webhook",outcome="failed"\} 1/);
    expect(text).toMatch(/verity_deliveries_total\{channel="sms",connector="webhook",outcome="delivered"\} \d+/);
    expect(text).toMatch(/verity_codes_total\{event="sent",channel="sms"\} \d+/);
    expect(text).toMatch(/verity_http_request_duration_seconds_count\{method="POST",route="\/otp",status="502"\} 1/);
  });
});

describe('no connector', () => {
  it('answers 503 server_error when no SMS connector is configured', async () => {
    const bare = await startTestApp({ env: { VERITY_SMS_CONNECTOR: 'none' } });
    try {
      const res = await call(bare, 'POST', '/otp', { phoneNumber: phone() });
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ type: 'server_error', code: 1010 });
    } finally {
      await bare.close();
    }
  });
});
