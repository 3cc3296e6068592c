// Management API tokens for tests: real ones from /oidc/token through openid-client, and hand-made
// ones (expired, wrong audience, foreign key …) signed with the server's own or a stranger's key.
import { SignJWT, generateKeyPair, importJWK, type JWTPayload } from 'jose';
import * as client from 'openid-client';
import { loadOidcKeys } from '../../src/oidc/keys.ts';
import { MANAGEMENT_API_RESOURCE } from '../../src/oidc/provider.ts';
import type { TestApp } from './app.ts';

/** The Authorization header of HTTP Basic client authentication (RFC 6749 §2.3.1, as clients send it). */
export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export async function discover(t: TestApp, clientId: string, clientSecret: string) {
  return client.discovery(new URL(t.config.issuer), clientId, clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
}

/** A real client-credentials token for the Management API. */
export async function managementToken(t: TestApp, admin = true): Promise<string> {
  const { clientId, clientSecret } = await t.newClient(admin);
  const config = await discover(t, clientId, clientSecret);
  const tokens = await client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' });
  return tokens.access_token;
}

/** A JWT signed with the server's current key (or a stranger's), with the claims given. */
export async function forgeToken(t: TestApp, claims: JWTPayload, options: { foreignKey?: boolean } = {}): Promise<string> {
  // Tokens live in real time, as the provider's do (the test clock drives codes, not JWTs).
  const now = Math.floor(Date.now() / 1000);
  let key;
  let kid;
  if (options.foreignKey) {
    key = (await generateKeyPair('ES384')).privateKey;
    kid = 'stranger';
  } else {
    const jwk = (await loadOidcKeys(t.db, t.keyring)).jwks.keys[0]!;
    key = await importJWK(jwk, 'ES384');
    kid = jwk.kid;
  }
  // Defaults first; the claims given override them (that is how the negative cases are made).
  const payload = { scope: 'all', iss: t.config.issuer, aud: MANAGEMENT_API_RESOURCE, iat: now, exp: now + 600, ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES384', typ: 'at+jwt', kid }).sign(key);
}

/** One Management API request with a bearer token and a JSON body; the status and the parsed body. */
export async function managementCall(
  t: Pick<TestApp, 'url'>,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
