// Owns the OAuth 2.0 authorization code flow every non-OIDC social connector shares (the generic
// OAuth 2.0 connector here, GitHub in github.ts): the authorization URI with `state` and PKCE (S256),
// the code exchange (client_secret_post), and reading the user's JSON with the access token.
// Throws what types.ts's userInfo documents.
import * as client from 'openid-client';
import type { OAuth2Config } from '../connectors/social-factories.ts';
import { LogtoError } from '../errors.ts';
import { callbackCode, codeInvalid, fetchText, general, jsonObject, jsonValue, type ProviderDeps } from './http.ts';
import type { SocialConnector, SocialSession, SocialUserInfo } from './types.ts';

/** The stored connector's identity, as the store hands it to a provider module. */
export type StoredSocial = Pick<SocialConnector, 'id' | 'factoryId' | 'target' | 'syncProfile'>;

export interface OAuth2Client {
  clientId: string;
  clientSecret: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  scope?: string;
  /** Extra authorization parameters (Logto's customConfig); never override the protocol's own. */
  extraParams?: Record<string, string>;
}

/** The URI to send the user to and the session that must come back with the callback. */
export async function startAuthorization(
  connectorId: string,
  oauth: OAuth2Client,
  input: { state: string; redirectUri: string },
): Promise<{ uri: string; session: SocialSession }> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const url = new URL(oauth.authorizationEndpoint);
  for (const [key, value] of Object.entries(oauth.extraParams ?? {})) url.searchParams.set(key, value);
  url.searchParams.set('client_id', oauth.clientId);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', await client.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  if (oauth.scope) url.searchParams.set('scope', oauth.scope);
  return { uri: url.href, session: { connectorId, state: input.state, redirectUri: input.redirectUri, codeVerifier } };
}

/** The access token the callback's code is worth. Without a session (the Management API's
 *  POST /api/users/{id}/identities, where Logto hands the connector none) there is no state or PKCE to
 *  check: the code is exchanged for `connectorData.redirectUri`, which the caller must then give. */
export async function exchangeCode(
  deps: ProviderDeps,
  connectorId: string,
  oauth: OAuth2Client,
  session: SocialSession | undefined,
  data: Record<string, unknown>,
): Promise<string> {
  let code: string;
  let redirectUri: string;
  if (session) {
    code = callbackCode(connectorId, session, data).code;
    redirectUri = session.redirectUri;
  } else {
    if (typeof data.redirectUri !== 'string' || !data.redirectUri) throw new LogtoError('session.connector_validation_session_not_found');
    if (typeof data.code !== 'string' || !data.code) throw codeInvalid('code missing');
    ({ code, redirectUri } = data as { code: string; redirectUri: string });
  }
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: oauth.clientId,
    client_secret: oauth.clientSecret,
    ...(session?.codeVerifier ? { code_verifier: session.codeVerifier } : {}),
  });
  const text = await fetchText(
    deps,
    oauth.tokenEndpoint,
    { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }, body },
    (status) => status === 400 || status === 401,
  );
  // Logto's tokenEndpointResponseType picks one form; both are read here (GitHub answers either).
  const fields = text.trimStart().startsWith('{') ? jsonObject(text) : Object.fromEntries(new URLSearchParams(text));
  // GitHub answers a refused code with 200 {error: "bad_verification_code"}.
  if (fields.error !== undefined) throw codeInvalid(`the provider refused the code (${String(fields.error)})`);
  if (typeof fields.access_token !== 'string' || !fields.access_token) throw general('identity provider answered no access token');
  return fields.access_token;
}

/** GETs a JSON resource with the access token (a 401 means the token was refused). */
export async function fetchWithToken(deps: ProviderDeps, url: string, accessToken: string): Promise<unknown> {
  const text = await fetchText(
    deps,
    url,
    { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'user-agent': 'Verity' } },
    (status) => status === 401,
  );
  return jsonValue(text);
}

/** The value at a dot path (`data.user.id`) of a JSON object. */
function at(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), object);
}

const str = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** The user of a profile, through Logto's profileMap (Verity: email / phone only when the field that
 *  profileMap.emailVerified / phoneVerified names is `true`). Throws connector.general without an id. */
export function mapProfile(profile: Record<string, unknown>, map: OAuth2Config['profileMap']): SocialUserInfo {
  const m = { id: 'id', email: 'email', phone: 'phone', name: 'name', avatar: 'avatar', ...map };
  const id = at(profile, m.id);
  if ((typeof id !== 'string' || !id) && typeof id !== 'number') throw general('identity provider answered a user without an id');
  const email = m.emailVerified && at(profile, m.emailVerified) === true ? str(at(profile, m.email)) : undefined;
  const phone = m.phoneVerified && at(profile, m.phoneVerified) === true ? str(at(profile, m.phone)) : undefined;
  const name = str(at(profile, m.name));
  const avatar = str(at(profile, m.avatar));
  return {
    id: String(id),
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(name ? { name } : {}),
    ...(avatar ? { avatar } : {}),
    rawData: profile,
  };
}

/** The generic OAuth 2.0 connector (Logto's `oauth2`). */
export function oauth2Connector(deps: ProviderDeps, stored: StoredSocial, config: OAuth2Config): SocialConnector {
  const oauth: OAuth2Client = { ...config, extraParams: config.customConfig };
  return {
    ...stored,
    authorizationUri: (input) => startAuthorization(stored.id, oauth, input),
    async userInfo(session, data) {
      const token = await exchangeCode(deps, stored.id, oauth, session, data);
      const profile = await fetchWithToken(deps, config.userInfoEndpoint, token);
      if (!profile || typeof profile !== 'object' || Array.isArray(profile)) throw general('identity provider answered a user that is not an object');
      return mapProfile(profile as Record<string, unknown>, config.profileMap);
    },
  };
}
