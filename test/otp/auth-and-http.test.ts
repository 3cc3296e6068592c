// Authentication and HTTP robustness of the OTP API: every failure is a 4xx JSON body in the SMS.cx
// envelope (401, 404, 405, 413 …), never a 5xx, never a crash.
import { describe, expect, it } from 'vitest';
import { revokeApiKey, listApiKeys } from '../../src/domain/apps/index.ts';
import { call, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const t = useTestApp();

const envelope = (body: any) => {
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.type).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(typeof body.error.uri).toBe('string');
  expect(Number.isInteger(body.error.code)).toBe(true);
};

describe('authentication', () => {
  it('no credentials → 401 invalid_api_key', async () => {
    const res = await call({ url: t.url, apiKey: '' }, 'POST', '/otp', { phoneNumber: phone() });
    expect(res.status).toBe(401);
    envelope(res.body);
    expect(res.body.error).toMatchObject({ type: 'invalid_api_key', code: 1002 });
  });

  it('unknown key → 401 invalid_api_key', async () => {
    const res = await call({ url: t.url, apiKey: 'vk_not-a-real-key-at-all' }, 'GET', '/otp/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(401);
    expect(res.body.error.type).toBe('invalid_api_key');
  });

  it('a bearer token answers 401 invalid_client in the SMS.cx envelope', async () => {
    const res = await call({ url: t.url, apiKey: '' }, 'POST', '/otp', { phoneNumber: phone() }, { authorization: 'Bearer abc.def.ghi' });
    expect(res.status).toBe(401);
    envelope(res.body);
    expect(res.body.error).toMatchObject({ type: 'invalid_client', code: 1003 });
  });

  it('a valid key wins when the client sends both headers', async () => {
    const res = await call(t, 'POST', '/otp', { phoneNumber: phone() }, { authorization: 'Bearer whatever' });
    expect(res.status).toBe(201);
  });

  it('a revoked key stops working at once', async () => {
    const app = await t.newApplication();
    const as = { url: t.url, apiKey: app.apiKey };
    expect((await call(as, 'POST', '/otp', { phoneNumber: phone() })).status).toBe(201);
    const [key] = await listApiKeys({ db: t.db }, app.applicationId);
    expect(await revokeApiKey({ db: t.db, clock: t.clock }, key!.id)).toBe(true);
    expect((await call(as, 'POST', '/otp', { phoneNumber: phone() })).status).toBe(401);
  });

  it('keys are stored hashed, never in plaintext', async () => {
    const rows = await t.db.query<{ key_hash: string; hint: string }>('SELECT key_hash, hint FROM api_keys');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows.some((r) => r.key_hash.includes(t.apiKey))).toBe(false);
  });
});

describe('bad requests', () => {
  it('malformed JSON → 400 invalid_body', async () => {
    const res = await call(t, 'POST', '/otp', '{"phoneNumber": ');
    expect(res.status).toBe(400);
    envelope(res.body);
    expect(res.body.error).toMatchObject({ type: 'invalid_body', code: 1001 });
  });

  it('a JSON body that is not an object → 400 invalid_body', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const res = await call(t, 'POST', '/otp', body);
      expect(res.status).toBe(400);
      expect(res.body.error.type).toMatch(/invalid_body|invalid_param/);
    }
  });

  it('an unsupported content type → 4xx JSON', async () => {
    const res = await call(t, 'POST', '/otp', 'phoneNumber=1', { 'content-type': 'text/plain' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    envelope(res.body);
  });

  it('an empty JSON body is no body: DELETE works, POST /otp asks for phoneNumber', async () => {
    const created = await call(t, 'POST', '/otp', { phoneNumber: phone() });
    const del = await fetch(`${t.url}/otp/${created.body.otpId}`, {
      method: 'DELETE',
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
    });
    expect(del.status).toBe(200);
    const post = await fetch(`${t.url}/otp`, { method: 'POST', headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' } });
    expect(post.status).toBe(400);
    expect((await post.json()).error.code).toBe(2001);
  });

  it('a huge body → 413 in the envelope', async () => {
    const res = await call(t, 'POST', '/otp', { phoneNumber: phone(), template: `{{pin}}${'x'.repeat(200_000)}` });
    expect(res.status).toBe(413);
    envelope(res.body);
    expect(res.body.error.code).toBe(1006);
  });

  it('unknown routes → 404 JSON; wrong methods → 405 invalid_method', async () => {
    const unknown = await call(t, 'GET', '/otp/a/b');
    expect(unknown.status).toBe(404);
    envelope(unknown.body);
    for (const [method, path] of [['GET', '/otp'], ['PUT', '/otp/00000000-0000-4000-8000-000000000000'], ['PATCH', '/otp']]) {
      const res = await call({ url: t.url, apiKey: '' }, method!, path!, method === 'GET' ? undefined : {});
      expect(res.status).toBe(405);
      expect(res.body.error).toMatchObject({ type: 'invalid_method', code: 1005 });
    }
    const elsewhere = await call(t, 'GET', '/nothing-here');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.code).toBe('request.not_found');
  });

  it('the server stays healthy after all of the above', async () => {
    const res = await fetch(`${t.url}/api/status`);
    expect(res.status).toBe(204);
  });
});
