// Owns the GitHub social connector (Logto's `github-universal`): OAuth 2.0 with state and PKCE, then
// GitHub's REST API: `/user` for the account, `/user/emails` for the email. Verity differs from Logto,
// which takes `/user`'s public `email` (GitHub does not say it is verified): the email here is the
// primary one if it is verified, else the first verified one, else none.
import type { GitHubConfig } from '../connectors/social-factories.ts';
import { general, type ProviderDeps } from './http.ts';
import { exchangeCode, fetchWithToken, startAuthorization, type OAuth2Client, type StoredSocial } from './oauth2.ts';
import type { SocialConnector, SocialUserInfo } from './types.ts';

export const GITHUB_ENDPOINTS = {
  authorizationEndpoint: 'https://github.com/login/oauth/authorize',
  tokenEndpoint: 'https://github.com/login/oauth/access_token',
  userInfoEndpoint: 'https://api.github.com/user',
  userEmailsEndpoint: 'https://api.github.com/user/emails',
} as const;

/** Logto asks for `read:user`; the emails need `user:email` too. */
const DEFAULT_SCOPE = 'read:user user:email';

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/** The primary verified email, else the first verified one. */
function verifiedEmail(list: unknown): string | undefined {
  if (!Array.isArray(list)) throw general('identity provider answered emails that are not a list');
  const verified = (list as GitHubEmail[]).filter((e) => e && e.verified === true && typeof e.email === 'string' && e.email);
  const chosen = verified.find((e) => e.primary === true) ?? verified[0];
  return chosen?.email as string | undefined;
}

function userOf(profile: unknown, email: string | undefined): SocialUserInfo {
  if (!profile || typeof profile !== 'object' || Array.isArray(profile)) throw general('identity provider answered a user that is not an object');
  const user = profile as Record<string, unknown>;
  if (typeof user.id !== 'number' && (typeof user.id !== 'string' || !user.id)) throw general('identity provider answered a user without an id');
  const name = typeof user.name === 'string' && user.name ? user.name : undefined;
  const avatar = typeof user.avatar_url === 'string' && user.avatar_url ? user.avatar_url : undefined;
  return {
    id: String(user.id),
    ...(email ? { email } : {}),
    ...(name ? { name } : {}),
    ...(avatar ? { avatar } : {}),
    rawData: user,
  };
}

export function githubConnector(deps: ProviderDeps, stored: StoredSocial, config: GitHubConfig): SocialConnector {
  const endpoints = { ...GITHUB_ENDPOINTS, ...config };
  const oauth: OAuth2Client = { ...endpoints, scope: config.scope ?? DEFAULT_SCOPE };
  return {
    ...stored,
    authorizationUri: (input) => startAuthorization(stored.id, oauth, input),
    async userInfo(session, data) {
      const token = await exchangeCode(deps, stored.id, oauth, session, data);
      const [profile, emails] = await Promise.all([
        fetchWithToken(deps, endpoints.userInfoEndpoint, token),
        fetchWithToken(deps, endpoints.userEmailsEndpoint, token),
      ]);
      return userOf(profile, verifiedEmail(emails));
    },
  };
}
