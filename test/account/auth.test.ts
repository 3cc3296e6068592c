// The Account API's pipeline before any route (my-account-api.md "Request pipeline", README
// "Account"): CORS for any origin, the user's opaque access token (every 401/403), the Account
// Center switch; over HTTP against a real database, with real tokens from the provider.
import { describe, expect, it } from 'vitest';
import { forgeToken, managementToken } from '../helpers/tokens.ts';
import { useAccountSuite } from '../helpers/account.ts';

const suite = useAccountSuite();

describe('Account API auth', () => {
  it('accepts the opaque token from sign-in and refuses every other bearer', async () => {
    const user = await suite.signedInUser();
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).status).not.toBe(401);
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'auth.authorization_header_missing'],
      [{ authorization: `Basic ${user.accessToken}` }, 401, 'auth.authorization_token_type_not_supported'],
      [{ authorization: 'Bearer nope' }, 401, 'auth.unauthorized'],
      [{ authorization: `Bearer ${user.accessToken}x` }, 401, 'auth.unauthorized'],
      [{ authorization: `Bearer ${await managementToken(suite.t)}` }, 401, 'auth.unauthorized'],
      [{ authorization: `Bearer ${await forgeToken(suite.t, { sub: user.id, scope: 'openid' })}` }, 401, 'auth.unauthorized'],
    ];
    for (const [headers, status, code] of cases) {
      const answer = await suite.account('POST', '/api/verifications/password', null, { password: 'x' }, headers);
      expect([answer.status, answer.body?.code]).toEqual([status, code]);
    }
  });

  it('refuses a token without openid (403), of a suspended or deleted user, or revoked (401)', async () => {
    const user = await suite.signedInUser();
    await suite.admin('PATCH', `/api/users/${user.id}/is-suspended`, { isSuspended: true });
    const suspended = await suite.account('GET', '/api/my-account', user.accessToken);
    expect([suspended.status, suspended.body.code]).toEqual([401, 'auth.unauthorized']);

    const other = await suite.signedInUser();
    await suite.t.db.query(`UPDATE oidc_models SET payload = jsonb_set(payload, '{scope}', '"profile"') WHERE kind = 'AccessToken' AND id = $1`, [
      other.accessToken,
    ]);
    const noOpenid = await suite.account('GET', '/api/my-account', other.accessToken);
    expect([noOpenid.status, noOpenid.body.code]).toEqual([403, 'auth.forbidden']);

    const gone = await suite.signedInUser();
    await suite.admin('DELETE', `/api/users/${gone.id}`);
    expect((await suite.account('GET', '/api/my-account', gone.accessToken)).body.code).toBe('auth.unauthorized');

    const revoked = await suite.signedInUser();
    const { revocation_endpoint } = revoked.config.serverMetadata();
    const form = new URLSearchParams({ token: revoked.accessToken, client_id: suite.rp.id });
    expect((await fetch(revocation_endpoint!, { method: 'POST', body: form })).status).toBe(200);
    expect((await suite.account('GET', '/api/my-account', revoked.accessToken)).body.code).toBe('auth.unauthorized');
  });

  it('refuses a token that lives with its session once the session is over (no offline_access), as userinfo does', async () => {
    const user = await suite.signedInUser('openid profile');
    const lasting = await suite.signIn(user.username, 'openid offline_access profile');
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).status).toBe(200);
    await suite.t.db.query(`DELETE FROM oidc_models WHERE kind = 'Session' AND payload->>'accountId' = $1`, [user.id]);
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).body.code).toBe('auth.unauthorized');
    expect((await suite.account('GET', '/api/my-account', lasting.accessToken)).status).toBe(200);
  });

  it('answers 400 account_center.not_enabled while the Account Center is off, on both families', async () => {
    const user = await suite.signedInUser();
    await suite.accountCenter({ enabled: false });
    for (const [method, path, body] of [
      ['GET', '/api/my-account', undefined],
      ['POST', '/api/verifications/password', { password: 'x' }],
    ] as const) {
      const answer = await suite.account(method, path, user.accessToken, body);
      expect([answer.status, answer.body.code]).toEqual([400, 'account_center.not_enabled']);
    }
    // a token error still comes first
    expect((await suite.account('GET', '/api/my-account', 'nope')).status).toBe(401);
  });

  it('lets any origin read the answers, errors included, and answers preflights before auth', async () => {
    const origin = 'https://app.example.org';
    const preflight = await suite.account('OPTIONS', '/api/my-account/primary-email', null, undefined, {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,logto-verification-id,content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,POST,DELETE,PATCH');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,logto-verification-id,content-type');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    for (const path of ['/api/verifications/password', '/api/my-account']) {
      const refused = await suite.account('OPTIONS', path, null, undefined, { origin, 'access-control-request-method': 'GET' });
      expect(refused.status).toBe(204);
    }
    const refused = await suite.account('GET', '/api/my-account', null, undefined, { origin });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    expect(refused.headers.get('access-control-expose-headers')).toBe('*');
    const noOrigin = await suite.account('GET', '/api/my-account', null);
    expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*');
    // other families are not opened by this
    const management = await suite.account('GET', '/api/users', null, undefined, { origin });
    expect(management.headers.get('access-control-allow-origin')).toBeNull();
  });
});
