// A loopback HTTP server playing GitHub's OAuth endpoints for tests: /login/oauth/authorize (the test
// signs the user in over HTTP), /login/oauth/access_token (single-use codes bound to the client, the
// redirect URI and the PKCE challenge; GitHub's 200 {error: "bad_verification_code"} for a bad one),
// and the REST API's /user and /user/emails with verified and unverified emails.
//
// Usage:
//   const gh = await startGithubIdp();                     // afterAll(() => gh.close())
//   const app = gh.addClient();                            // {clientId, clientSecret}
//   const octo = gh.addUser({ login: 'octo', emails: [{ email: 'o@x.test', verified: true, primary: true }] });
//   config = { clientId: app.clientId, clientSecret: app.clientSecret, ...gh.endpoints };  // github-universal
//   const { params } = await gh.login(authorizationUri, octo.id);    // {code, state} at the redirect URI
//   gh.misbehave({ hang: true });  // the API never answers (a too-slow IdP); { huge: n }: /user is n bytes
import crypto from 'node:crypto';
import type http from 'node:http';
import { startHttpServer, type RecordedRequest, type TestServer } from './http-server.ts';

export interface GithubEmail {
  email: string;
  verified: boolean;
  primary: boolean;
}

export interface GithubUser {
  id: number;
  login: string;
  name?: string;
  avatar_url?: string;
  /** The public email of /user (GitHub does not say whether it is verified). */
  email?: string;
  emails: GithubEmail[];
  /** More /user fields (for the generic OAuth 2.0 connector's profile map). */
  extra?: Record<string, unknown>;
}

export interface GithubMisbehaviour {
  /** Every API request is left unanswered. */
  hang?: boolean;
  /** /user answers a JSON body of about this many bytes. */
  huge?: number;
}

export interface GithubIdp {
  url: string;
  /** The github-universal config keys that point the connector here. */
  endpoints: { authorizationEndpoint: string; tokenEndpoint: string; userInfoEndpoint: string; userEmailsEndpoint: string };
  addClient(): { clientId: string; clientSecret: string };
  addUser(user: Omit<GithubUser, 'id'>): GithubUser;
  /** Signs `userId` in at the authorize endpoint; the parameters sent to the redirect URI. */
  login(authorizationUri: string, userId: number): Promise<{ params: Record<string, string>; url: string }>;
  misbehave(how: GithubMisbehaviour | null): void;
  /** Requests received, by path. */
  requests(path: string): number;
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  userId: number;
  challenge?: string;
}

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export async function startGithubIdp(): Promise<GithubIdp> {
  const clients = new Map<string, string>();
  const users = new Map<number, GithubUser>();
  const codes = new Map<string, Grant>();
  const tokens = new Map<string, number>();
  let misbehaviour: GithubMisbehaviour | null = null;
  let nextId = crypto.randomInt(1_000_000, 9_000_000);

  function authorize(url: URL, res: http.ServerResponse) {
    const clientId = url.searchParams.get('client_id') ?? '';
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    const userId = Number(url.searchParams.get('test_user'));
    if (!clients.has(clientId) || !redirectUri || !users.has(userId)) return json(res, 400, { error: 'bad authorization request' });
    const code = crypto.randomBytes(10).toString('hex');
    const challenge = url.searchParams.get('code_challenge') ?? undefined;
    codes.set(code, { clientId, redirectUri, userId, ...(challenge ? { challenge } : {}) });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    const state = url.searchParams.get('state');
    if (state) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.href }).end();
  }

  function accessToken(req: RecordedRequest, res: http.ServerResponse) {
    const form = new URLSearchParams(req.body);
    const clientId = form.get('client_id') ?? '';
    const code = form.get('code') ?? '';
    const grant = codes.get(code);
    codes.delete(code); // single use, whatever happens next
    const verifier = form.get('code_verifier');
    const refused =
      clients.get(clientId) !== form.get('client_secret')
        ? 'incorrect_client_credentials'
        : !grant || grant.clientId !== clientId || grant.redirectUri !== form.get('redirect_uri')
          ? 'bad_verification_code'
          : grant.challenge && (!verifier || crypto.createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
            ? 'bad_verification_code'
            : null;
    const answer: Record<string, string> = refused ? { error: refused, error_description: 'refused' } : { access_token: `gho_${crypto.randomBytes(12).toString('hex')}`, token_type: 'bearer', scope: 'read:user,user:email' };
    if (!refused) tokens.set(answer.access_token!, grant!.userId);
    // GitHub answers 200 either way, as JSON when asked, else as a query string.
    if (String(req.headers.accept).includes('application/json')) return json(res, 200, answer);
    res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' }).end(new URLSearchParams(answer).toString());
  }

  function api(req: RecordedRequest, path: string, res: http.ServerResponse) {
    const token = /^Bearer (.+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const user = token ? users.get(tokens.get(token) ?? -1) : undefined;
    if (!user) return json(res, 401, { message: 'Bad credentials' });
    const { emails, extra, ...fields } = user;
    const profile = { ...fields, ...extra };
    if (path === '/user/emails') return json(res, 200, emails.map((e) => ({ ...e, visibility: e.primary ? 'public' : null })));
    if (misbehaviour?.huge) return json(res, 200, { ...profile, padding: 'x'.repeat(misbehaviour.huge) });
    return json(res, 200, profile);
  }

  const server: TestServer = await startHttpServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (misbehaviour?.hang && url.pathname !== '/login/oauth/authorize') return; // left unanswered until close
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') return accessToken(req, res);
    if (req.method === 'GET' && (url.pathname === '/user' || url.pathname === '/user/emails')) return api(req, url.pathname, res);
    json(res, 404, { message: 'Not Found' });
  });

  return {
    url: server.url,
    endpoints: {
      authorizationEndpoint: `${server.url}/login/oauth/authorize`,
      tokenEndpoint: `${server.url}/login/oauth/access_token`,
      userInfoEndpoint: `${server.url}/user`,
      userEmailsEndpoint: `${server.url}/user/emails`,
    },
    addClient() {
      const clientId = `Iv1.${crypto.randomBytes(8).toString('hex')}`;
      const clientSecret = crypto.randomBytes(20).toString('hex');
      clients.set(clientId, clientSecret);
      return { clientId, clientSecret };
    },
    addUser(user) {
      const created = { id: (nextId += 1), ...user };
      users.set(created.id, created);
      return created;
    },
    async login(authorizationUri, userId) {
      const url = new URL(authorizationUri);
      url.searchParams.set('test_user', String(userId));
      const response = await fetch(url, { redirect: 'manual' });
      const location = response.headers.get('location');
      const text = await response.text();
      if (response.status !== 302 || !location) throw new Error(`GitHub login: ${response.status} ${text}`);
      const back = new URL(location);
      return { params: Object.fromEntries(back.searchParams), url: back.href };
    },
    misbehave(how) {
      misbehaviour = how;
    },
    requests: (path) => server.requests.filter((r) => new URL(r.url, 'http://127.0.0.1').pathname === path).length,
    close: () => server.close(),
  };
}
