// A sign-in that also yields a refresh token (offline_access with prompt=consent), through the
// Experience API and openid-client like useAccountSuite().signIn, for the tests of what a password
// change does to the user's other sessions.
import * as client from 'openid-client';
import { ALL_SCOPES, type AccountSuite } from './account.ts';
import { PASSWORD } from './experience-suite.ts';
import { CookieJar, authorizationRequest, browse, exchange, follow, relyingPartyConfig, startSignIn } from './oidc-flow.ts';

export interface OfflineSession {
  config: client.Configuration;
  accessToken: string;
  refreshToken: string;
}

export async function signInOffline(suite: AccountSuite, username: string, password = PASSWORD): Promise<OfflineSession> {
  const config = await relyingPartyConfig(suite.rp, suite.t.config.issuer);
  const jar = new CookieJar();
  const request = await authorizationRequest(config, suite.rp, ALL_SCOPES, { prompt: 'consent' });
  await startSignIn(jar, request.url);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await browse(jar, `${suite.t.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const expectStatus = (answer: { status: number; body: any }, status: number, step: string) => {
    if (answer.status !== status) throw new Error(`${step}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  expectStatus(await call('PUT', '/api/experience', { interactionEvent: 'SignIn' }), 204, 'E1');
  const verified = expectStatus(
    await call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password }),
    200,
    'E6',
  );
  expectStatus(await call('POST', '/api/experience/identification', { verificationId: verified.verificationId }), 204, 'E3');
  const submitted = expectStatus(await call('POST', '/api/experience/submit'), 200, 'E4');
  const { location } = await follow(jar, submitted.redirectTo);
  const tokens = await exchange(config, location!, request);
  if (!tokens.refresh_token) throw new Error('no refresh token');
  return { config, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}
