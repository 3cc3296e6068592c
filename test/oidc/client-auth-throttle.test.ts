// Failed client authentications are counted per client id (in the database) and, past the limit,
// answered only after a delay; the right secret is never slowed, other clients are not affected,
// and the count starts afresh after its window.
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { basic } from '../helpers/tokens.ts';

const DELAY_MS = 1500;
const t = useTestApp({
  env: { VERITY_CLIENT_AUTH_MAX_FAILURES: '3', VERITY_CLIENT_AUTH_WINDOW_SECONDS: '300', VERITY_CLIENT_AUTH_DELAY_MS: String(DELAY_MS) },
});


/** A client-credentials grant; resolves with the status, error and how long the answer took. */
async function grant(clientId: string, secret: string, how: 'basic' | 'post' = 'basic', path = '/token') {
  const form = new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' });
  if (path !== '/token') form.set('token', 'not-a-token');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (how === 'basic') headers.authorization = basic(clientId, secret);
  else {
    form.set('client_id', clientId);
    form.set('client_secret', secret);
  }
  const started = performance.now();
  const res = await fetch(`${t.config.issuer}${path}`, { method: 'POST', headers, body: form });
  const body = (await res.json()) as { error?: string };
  return { status: res.status, error: body.error, ms: performance.now() - started };
}

const failures = async (clientId: string) =>
  (
    await t.db.query<{ failures: number }>('SELECT failures FROM identifier_lockouts WHERE identifier_hash = $1', [
      t.keyring.hmac('codes', `client-auth:${clientId}`),
    ])
  )[0]?.failures ?? 0;

describe('failed client authentication', () => {
  it('is counted per client and, from the limit on, answered slowly; the right secret is never slowed', async () => {
    const a = await t.newClient();
    const b = await t.newClient();
    expect(await grant(a.clientId, 'wrong-secret-1')).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(await grant(a.clientId, 'wrong-secret-2', 'post')).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(await failures(a.clientId)).toBe(2);

    // The third failure reaches the limit: it and every later one wait the delay.
    for (const [how, path] of [['basic', '/token'], ['post', '/token'], ['basic', '/token/introspection']] as const) {
      const slowed = await grant(a.clientId, 'wrong-secret-3', how, path);
      expect(slowed, `${how} ${path}`).toMatchObject({ status: 401, error: 'invalid_client' });
      expect(slowed.ms).toBeGreaterThanOrEqual(DELAY_MS - 50);
    }

    // The owner of the secret is not locked out, nor slowed.
    const right = await grant(a.clientId, a.clientSecret);
    expect(right.status).toBe(200);
    expect(right.ms).toBeLessThan(DELAY_MS);
    // Another client's first failure is answered at once.
    const other = await grant(b.clientId, 'wrong-secret');
    expect(other).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(other.ms).toBeLessThan(DELAY_MS);
    expect(await failures(b.clientId)).toBe(1);

    // After the window the count starts again.
    t.clock.advance(301_000);
    const fresh = await grant(a.clientId, 'wrong-secret-4');
    expect(fresh.status).toBe(401);
    expect(fresh.ms).toBeLessThan(DELAY_MS);
    expect(await failures(a.clientId)).toBe(1);
  });

  it('an unknown client id is refused without a count', async () => {
    const res = await grant('nosuchclient0000', 'whatever');
    expect(res).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(await failures('nosuchclient0000')).toBe(0);
  });
});
