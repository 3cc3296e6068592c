// The OTP API with client-credentials bearer tokens (resource urn:verity:otp): same answers and the
// same per-application ownership as API keys.
import { describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { MANAGEMENT_API_RESOURCE, OTP_API_RESOURCE } from '../../src/oidc/resources.ts';
import { call, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';
import { discover } from '../helpers/tokens.ts';

const t = useTestApp();

async function tokenFor(clientId: string, clientSecret: string, resource = OTP_API_RESOURCE) {
  const config = await discover(t, clientId, clientSecret);
  return (await client.clientCredentialsGrant(config, { resource })).access_token;
}
const bearerCall = (token: string, method: string, path: string, body?: unknown) =>
  call({ url: t.url, apiKey: '' }, method, path, body, { authorization: `Bearer ${token}` });

describe('OTP API with bearer tokens', () => {
  it('creates, reads, verifies and cancels as the token’s application', async () => {
    const { clientId, clientSecret } = await t.newClient(false);
    const token = await tokenFor(clientId, clientSecret);
    const to = phone();
    const created = await bearerCall(token, 'POST', '/otp', { phoneNumber: to });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-rate-limit-limit')).toBe('600');
    expect((await bearerCall(token, 'GET', `/otp/${created.body.otpId}`)).body.status).toBe('PENDING');
    expect((await bearerCall(token, 'POST', `/otp/${created.body.otpId}`, { pin: t.sms.lastCode(to) })).status).toBe(200);
    const second = await bearerCall(token, 'POST', '/otp', { phoneNumber: phone() });
    expect((await bearerCall(token, 'DELETE', `/otp/${second.body.otpId}`)).status).toBe(200);
  });

  it('another application, by key or by token, sees 404 2021', async () => {
    const a = await t.newClient(false);
    const b = await t.newClient(false);
    const created = await bearerCall(await tokenFor(a.clientId, a.clientSecret), 'POST', '/otp', { phoneNumber: phone() });
    const other = await bearerCall(await tokenFor(b.clientId, b.clientSecret), 'GET', `/otp/${created.body.otpId}`);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe(2021);
    expect((await call(t, 'GET', `/otp/${created.body.otpId}`)).body.error.code).toBe(2021);
  });

  it('refuses tokens for another resource, forged tokens and deleted applications: 401 invalid_client', async () => {
    const { clientId, clientSecret } = await t.newClient(true);
    const management = await tokenFor(clientId, clientSecret, MANAGEMENT_API_RESOURCE);
    const otp = await tokenFor(clientId, clientSecret);
    for (const token of [management, `${otp.slice(0, -4)}AAAA`, 'garbage']) {
      const res = await bearerCall(token, 'POST', '/otp', { phoneNumber: phone() });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ type: 'invalid_client' });
    }
    expect((await bearerCall(otp, 'POST', '/otp', { phoneNumber: phone() })).status).toBe(201);
    await t.db.query('DELETE FROM applications WHERE id = $1', [clientId]);
    expect((await bearerCall(otp, 'POST', '/otp', { phoneNumber: phone() })).status).toBe(401);
  });
});
