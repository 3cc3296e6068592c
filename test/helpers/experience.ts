// The Experience API as a sign-in page drives it: a cookie jar holding the provider's interaction
// cookies, JSON calls to /api/experience/*, and the finish back through the provider to the client.
import type * as client from 'openid-client';
import { CookieJar, authorizationRequest, browse, exchange, follow, relyingPartyConfig, startSignIn, type RelyingParty } from './oidc-flow.ts';

export interface ExperienceSession {
  jar: CookieJar;
  uid: string;
  config: client.Configuration;
  request: Awaited<ReturnType<typeof authorizationRequest>>;
  /** One Experience API call with the jar's cookies. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Follows redirectTo through the provider to the client, exchanges the code, returns the tokens. */
  finish(redirectTo: string): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers>;
}

/** Starts authorization code + PKCE for `rp` on the server at `url` and lands on the sign-in page. */
export async function startExperience(url: string, issuer: string, rp: RelyingParty, scope = 'openid profile email phone'): Promise<ExperienceSession> {
  const config = await relyingPartyConfig(rp, issuer);
  const jar = new CookieJar();
  // As Logto's SDKs do: a refresh token is asked for with offline_access and prompt=consent.
  const request = await authorizationRequest(config, rp, scope, scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {});
  const { uid } = await startSignIn(jar, request.url);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await browse(jar, `${url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
  const finish = async (redirectTo: string) => {
    const { location } = await follow(jar, redirectTo);
    if (!location) throw new Error('the provider did not redirect back to the client');
    return exchange(config, location, request);
  };
  return { jar, uid, config, request, call, finish };
}
