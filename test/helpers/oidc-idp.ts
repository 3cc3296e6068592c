// A Google-like OpenID Connect identity provider for tests: a second oidc-provider instance on loopback
// (plain HTTP, in-memory storage), with clients and accounts the test registers, a login a test
// completes over HTTP without a browser, and ID tokens that can be made wrong on purpose.
//
// Usage:
//   const idp = await startOidcIdp();                       // afterAll(() => idp.close())
//   const client = idp.addClient({ redirectUris: ['http://127.0.0.1/cb'] });
//   const alice = idp.addAccount({ email: 'a@x.test', email_verified: true, name: 'Alice' });
//   // … the relying party builds an authorization URI against idp.issuer (discovery) …
//   const callback = await idp.login(authorizationUri, alice.sub);   // {code, state, iss} at the redirect URI
//   idp.misbehave({ aud: 'someone-else' });   // the next token responses carry a tampered, re-signed ID token
//   idp.misbehave(null);                      // back to normal
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { CookieJar, browse } from './oidc-flow.ts';

export interface IdpAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
  phone_number?: string;
  phone_number_verified?: boolean;
  /** Any other claim (released when its scope below is granted). */
  [claim: string]: unknown;
}

export interface IdpClient {
  clientId: string;
  clientSecret: string;
}

/** How the next ID tokens are spoiled (each field replaces that claim; `expired` moves exp and iat an
 *  hour back, `expiredSecondsAgo` puts exp that many seconds in the past; `foreignKey` signs with a key
 *  the IdP does not publish). */
export interface Misbehaviour {
  aud?: string;
  iss?: string;
  nonce?: string;
  expired?: boolean;
  expiredSecondsAgo?: number;
  foreignKey?: boolean;
  /** The token response carries this many more bytes (a field `padding`), the ID token untouched. */
  padTokenResponse?: number;
}

export interface OidcIdp {
  /** The issuer (also the base URL): discovery is at `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** A confidential client; `tokenEndpointAuthMethod` defaults to client_secret_post. */
  addClient(input: { redirectUris: string[]; tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic'; clientId?: string }): IdpClient;
  /** An account with a fresh numeric `sub` (as Google's) and the given claims. */
  addAccount(claims?: Omit<IdpAccount, 'sub'>): IdpAccount;
  /**
   * Plays the user's browser at the IdP: opens `authorizationUri`, signs in as `sub`, consents, and
   * returns the parameters the IdP sends to the redirect URI (code, state, iss — or error), with the
   * whole callback URL. Throws when the IdP does not end at a redirect URI.
   */
  login(authorizationUri: string, sub: string): Promise<{ params: Record<string, string>; url: string }>;
  misbehave(how: Misbehaviour | null): void;
  /**
   * For a real browser: the IdP's sign-in page (/interaction/:uid without ?sub) signs in as `sub` and
   * consents at once, answering the browser with the redirect back to the relying party. null: off.
   */
  autoApprove(sub: string | null): void;
  /** Requests the IdP received, by path (e.g. '/token'). */
  requests(path: string): number;
  close(): Promise<void>;
}

/** A Map-backed storage adapter; Client records come from the clients the test registered. */
function memoryAdapter(clients: Map<string, AdapterPayload>) {
  const store = new Map<string, AdapterPayload>();
  return class MemoryAdapter implements Adapter {
    constructor(private readonly name: string) {}
    private key(id: string) {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload) {
      store.set(this.key(id), payload);
    }
    async find(id: string) {
      return this.name === 'Client' ? clients.get(id) : store.get(this.key(id));
    }
    async findByUserCode() {
      return undefined;
    }
    async findByUid(uid: string) {
      return [...store.values()].find((p) => p.uid === uid);
    }
    async consume(id: string) {
      const found = store.get(this.key(id));
      if (found) found.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, payload] of store) if (payload.grantId === grantId) store.delete(key);
    }
  };
}

export async function startOidcIdp(): Promise<OidcIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const kid = crypto.randomBytes(6).toString('hex');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };

  const clients = new Map<string, AdapterPayload>();
  const accounts = new Map<string, IdpAccount>();
  const counts = new Map<string, number>();
  let misbehaviour: Misbehaviour | null = null;
  let approving: string | null = null;

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(clients),
    jwks: { keys: [jwk as never] },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'picture', 'given_name', 'family_name', 'preferred_username', 'locale'],
      phone: ['phone_number', 'phone_number_verified'],
    },
    // The profile goes into the ID token, as Google's does.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: () => ({ ...account }) } : undefined;
    },
  });

  /** The ID token as the misbehaviour asks: claims changed, then signed again. */
  async function spoil(idToken: string, how: Misbehaviour): Promise<string> {
    const claims = { ...decodeJwt(idToken) };
    if (how.aud !== undefined) claims.aud = how.aud;
    if (how.iss !== undefined) claims.iss = how.iss;
    if (how.nonce !== undefined) claims.nonce = how.nonce;
    const ago = how.expired ? 3600 : how.expiredSecondsAgo;
    if (ago !== undefined) {
      const now = Math.floor(Date.now() / 1000);
      Object.assign(claims, { iat: now - ago - 600, exp: now - ago });
    }
    const key: CryptoKey = how.foreignKey ? foreign.privateKey : privateKey;
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
  }

  provider.use(async (ctx, next) => {
    counts.set(ctx.path, (counts.get(ctx.path) ?? 0) + 1);
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (!misbehaviour || ctx.path !== '/token' || ctx.status !== 200 || !body || typeof body.id_token !== 'string') return;
    const { padTokenResponse, ...claims } = misbehaviour;
    const idToken = Object.values(claims).some((v) => v !== undefined) ? await spoil(body.id_token, claims) : body.id_token;
    ctx.body = { ...body, id_token: idToken, ...(padTokenResponse ? { padding: 'x'.repeat(padTokenResponse) } : {}) };
  });

  /** GET /interaction/:uid?sub=…: signs in as `sub` and grants what was asked. */
  async function interaction(req: http.IncomingMessage, res: http.ServerResponse) {
    try {
      const details = await provider.interactionDetails(req, res);
      const sub = new URL(req.url ?? '/', issuer).searchParams.get('sub') ?? approving;
      if (!sub || !accounts.has(sub)) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('sign in: add ?sub=<account>');
        return;
      }
      const grant = new provider.Grant({ accountId: sub, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  }

  const callback = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) void interaction(req, res);
    else callback(req, res);
  });

  return {
    issuer,
    addClient({ redirectUris, tokenEndpointAuthMethod = 'client_secret_post', clientId }) {
      const id = clientId ?? `rp-${crypto.randomBytes(6).toString('hex')}`;
      const secret = crypto.randomBytes(24).toString('base64url');
      clients.set(id, {
        client_id: id,
        client_secret: secret,
        redirect_uris: redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: tokenEndpointAuthMethod,
      });
      return { clientId: id, clientSecret: secret };
    },
    addAccount(claims = {}) {
      const sub = String(crypto.randomInt(1e9, 1e10)) + String(crypto.randomInt(1e9, 1e10));
      const account = { sub, ...claims };
      accounts.set(sub, account);
      return account;
    },
    async login(authorizationUri, sub) {
      const jar = new CookieJar();
      let next = authorizationUri;
      for (let hop = 0; hop < 8; hop += 1) {
        const url = new URL(next);
        if (url.origin === issuer && url.pathname.startsWith('/interaction/')) url.searchParams.set('sub', sub);
        const response = await browse(jar, url.href);
        const location = response.headers.get('location');
        const text = await response.text();
        if (response.status < 300 || response.status >= 400 || !location) throw new Error(`IdP login: ${response.status} ${text.slice(0, 300)}`);
        const target = new URL(location, url);
        if (target.origin !== issuer) return { params: Object.fromEntries(target.searchParams), url: target.href };
        next = target.href;
      }
      throw new Error('IdP login: too many redirects');
    },
    misbehave(how) {
      misbehaviour = how;
    },
    autoApprove(sub) {
      approving = sub;
    },
    requests: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
