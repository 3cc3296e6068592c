// A test file's Account API world: the Experience suite (its app with an SMTP email connector, a
// Management token, an SPA relying party), the Account Center switched on with every field
// editable before each test, users signed in through the Experience API and the provider to a real
// opaque access token (openid-client), and calls to /api/verifications and /api/my-account with it.
import type * as client from 'openid-client';
import { beforeEach } from 'vitest';
import { PASSWORD, useExperienceSuite, type ExperienceSuite } from './experience-suite.ts';

/** Every Account Center field editable. */
export const ALL_EDITABLE = {
  name: 'Edit',
  avatar: 'Edit',
  username: 'Edit',
  profile: 'Edit',
  email: 'Edit',
  phone: 'Edit',
  password: 'Edit',
  social: 'Edit',
  customData: 'Edit',
} as const;

/** Scopes of a token that may read and change everything. */
export const ALL_SCOPES = 'openid offline_access profile email phone address custom_data identities';

export interface SignedIn {
  /** openid-client's view of the provider for the suite's application (refresh, revoke). */
  config: client.Configuration;
  accessToken: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
}

export interface AccountSuite extends ExperienceSuite {
  /** Signs `username` in (password PASSWORD unless given) and returns its tokens (a refresh token
   *  too when `scope` has offline_access, as ALL_SCOPES does). */
  signIn(username: string, scope?: string, password?: string): Promise<SignedIn>;
  /** A new user (Management API, password PASSWORD) with an email and a phone, signed in with `scope`. */
  signedInUser(scope?: string): Promise<{ id: string; username: string; primaryEmail: string; primaryPhone: string } & SignedIn>;
  /** One Account API call with the token (`null`: no Authorization header) and extra headers. */
  account(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: any }>;
  /** M12 through the Management API. */
  accountCenter(patch: { enabled?: boolean; fields?: Record<string, string> }): Promise<any>;
  /** A1 with PASSWORD: a bound, verified record id (the logto-verification-id header value). */
  passwordProof(token: string, password?: string): Promise<string>;
  /** A2 then A3 with the code mailed or texted: a verified record id. */
  codeProof(token: string, identifier: { type: 'email' | 'phone'; value: string }): Promise<string>;
}

export function useAccountSuite(options: { env?: Record<string, string> } = {}): AccountSuite {
  const suite = useExperienceSuite({ email: true, ...options }) as AccountSuite;
  suite.signIn = async (username, scope = ALL_SCOPES, password = PASSWORD) => {
    const s = await suite.session('SignIn', scope);
    const verified = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password });
    if (verified.status !== 200) throw new Error(`E6: ${verified.status} ${JSON.stringify(verified.body)}`);
    const identified = await s.call('POST', '/api/experience/identification', { verificationId: verified.body.verificationId });
    if (identified.status !== 204) throw new Error(`E3: ${identified.status} ${JSON.stringify(identified.body)}`);
    const submitted = await s.call('POST', '/api/experience/submit');
    if (submitted.status !== 200) throw new Error(`E4: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const tokens = await s.finish(submitted.body.redirectTo);
    return { config: s.config, accessToken: tokens.access_token, refreshToken: tokens.refresh_token, idToken: tokens.id_token };
  };
  suite.signedInUser = async (scope = ALL_SCOPES) => {
    const n = suite.unique();
    const user = await suite.newUser({ primaryEmail: `acct.${n}@example.com`, primaryPhone: suite.phone() });
    return { ...user, ...(await suite.signIn(user.username, scope)) } as Awaited<ReturnType<AccountSuite['signedInUser']>>;
  };
  suite.account = async (method, path, token, body, headers = {}) => {
    const response = await fetch(`${suite.t.url}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };
  suite.accountCenter = (patch) => suite.admin('PATCH', '/api/account-center', patch);
  suite.passwordProof = async (token, password = PASSWORD) => {
    const made = await suite.account('POST', '/api/verifications/password', token, { password });
    if (made.status !== 201) throw new Error(`A1: ${made.status} ${JSON.stringify(made.body)}`);
    return made.body.verificationRecordId;
  };
  suite.codeProof = async (token, identifier) => {
    const sent = await suite.account('POST', '/api/verifications/verification-code', token, { identifier });
    if (sent.status !== 201) throw new Error(`A2: ${sent.status} ${JSON.stringify(sent.body)}`);
    const verified = await suite.account('POST', '/api/verifications/verification-code/verify', token, {
      identifier,
      verificationId: sent.body.verificationRecordId,
      code: suite.lastCode(identifier),
    });
    if (verified.status !== 200) throw new Error(`A3: ${verified.status} ${JSON.stringify(verified.body)}`);
    return verified.body.verificationRecordId;
  };
  beforeEach(() => suite.accountCenter({ enabled: true, fields: ALL_EDITABLE }));
  return suite;
}
