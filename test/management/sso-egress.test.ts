// /api/sso-connectors and the egress policy, over HTTP on a production app whose allow-list opens only
// the IdP's host name: a refused issuer or SAML metadata URL is the provider's 400 (as an unreachable IdP
// is), a redirect to loopback is not followed, a discovery document announcing loopback endpoints is
// refused, and a stored connector whose IdP address is refused is read without contacting it.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSsoConnectorRow } from '../../src/storage/repos/sso-connectors.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { REFUSED_HOSTS } from '../helpers/egress.ts';
import { json, startHttpServer, type RecordedRequest, type TestServer } from '../helpers/http-server.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let token: string;
let idp: TestServer;
let target: TestServer;

/** The IdP as the app reaches it: by its allow-listed name. */
const idpBase = () => `http://idp.test:${idp.port}`;

function answer(req: RecordedRequest, res: http.ServerResponse) {
  const issuer = /^\/([\w-]+)\/\.well-known\/openid-configuration$/.exec(req.url)?.[1];
  if (issuer === 'redirect') return void res.writeHead(302, { location: `${target.url}/oidc/.well-known/openid-configuration` }).end();
  if (req.url === '/saml/redirect') return void res.writeHead(307, { location: `${target.url}/saml/metadata` }).end();
  if (issuer) {
    const base = `${idpBase()}/${issuer}`;
    const inside = issuer === 'inside' ? `http://127.0.0.1:${idp.port}` : base;
    return json(res, 200, {
      issuer: base,
      authorization_endpoint: `${base}/auth`,
      token_endpoint: `${inside}/token`,
      jwks_uri: issuer === 'metadata-jwks' ? 'http://169.254.169.254/latest/meta-data' : `${base}/jwks`,
    });
  }
  json(res, 404, {});
}

beforeAll(async () => {
  target = await startHttpServer((_req, res) => json(res, 200, {}));
  idp = await startHttpServer(answer);
  t = await startTestApp({ strictEgress: { allow: ['idp.test'], names: { 'idp.test': '127.0.0.1', 'loop.test': '127.0.0.1' } } });
  token = await managementToken(t);
});
afterAll(async () => {
  await t.close();
  await Promise.all([idp.close(), target.close()]);
});

const api = (method: string, path: string, body?: unknown) => managementCall(t, token, method, path, body);
let n = 0;
const create = (providerName: string, config: unknown) => api('POST', '/api/sso-connectors', { providerName, connectorName: `egress ${(n += 1)}`, config });
const oidc = (issuer: string) => ({ clientId: 'client-1', clientSecret: 'very-secret-value', issuer });
const refusal = (code: string, prefix: string) => ({
  status: 400,
  body: { code, data: { message: expect.stringMatching(new RegExp(`^${prefix}: address not allowed \\(`)) } },
});

describe('issuer and metadata URLs are checked when they are given', () => {
  it('every refused address as an OIDC issuer or a SAML metadata URL → 400; the IdP never sees a connection', async () => {
    for (const host of [...REFUSED_HOSTS, 'loop.test']) {
      const res = await create('OIDC', oidc(`http://${host}:${idp.port}/oidc`));
      expect(res, host).toMatchObject(refusal('connector.invalid_config', 'OIDC discovery'));
      expect(JSON.stringify(res.body)).not.toContain('very-secret-value');
      expect(await create('SAML', { metadataUrl: `http://${host}:${idp.port}/saml/metadata` }), host).toMatchObject(
        refusal('connector.invalid_metadata', 'SAML metadata'),
      );
    }
    expect(idp.connections()).toBe(0);
  });

  it('the allow-listed IdP name is reached; an update to a refused issuer is refused and changes nothing', async () => {
    const created = await create('OIDC', oidc(`${idpBase()}/oidc`));
    expect(created.status).toBe(200);
    const update = await api('PATCH', `/api/sso-connectors/${created.body.id}`, { config: oidc(`http://[::ffff:127.0.0.1]:${idp.port}/oidc`) });
    expect(update).toMatchObject(refusal('connector.invalid_config', 'OIDC discovery'));
    expect((await api('GET', `/api/sso-connectors/${created.body.id}`)).body).toMatchObject({
      config: { issuer: `${idpBase()}/oidc` },
      providerConfig: { tokenEndpoint: `${idpBase()}/oidc/token` },
    });
  });

  it('a redirect to loopback is an answer, not followed: the target never sees a request', async () => {
    expect(await create('OIDC', oidc(`${idpBase()}/redirect`))).toMatchObject({
      status: 400, body: { code: 'connector.invalid_config', data: { message: 'OIDC discovery: answered HTTP 302' } },
    });
    expect(await create('SAML', { metadataUrl: `${idpBase()}/saml/redirect` })).toMatchObject({
      status: 400, body: { code: 'connector.invalid_metadata', data: { message: 'SAML metadata: answered HTTP 307' } },
    });
    expect(target.connections()).toBe(0);
  });

  it('a discovery document announcing a token or JWKS endpoint at a refused address → 400', async () => {
    expect(await create('OIDC', oidc(`${idpBase()}/inside`))).toMatchObject(refusal('connector.invalid_config', 'OIDC discovery: token_endpoint'));
    expect(await create('OIDC', oidc(`${idpBase()}/metadata-jwks`))).toMatchObject(refusal('connector.invalid_config', 'OIDC discovery: jwks_uri'));
  });

  it('a stored connector whose IdP address is refused is read without providerConfig, and not contacted', async () => {
    const before = idp.connections();
    const row = await insertSsoConnectorRow(t.db, {
      id: 'storedrefuse',
      provider_name: 'OIDC',
      connector_name: 'stored before the policy',
      config: t.keyring.encrypt(JSON.stringify(oidc(`http://loop.test:${idp.port}/oidc`))),
      domains: [],
      branding: {},
      sync_profile: false,
      created_at: t.clock.now(),
    });
    const read = await api('GET', `/api/sso-connectors/${row.id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('providerConfig');
    expect(idp.connections()).toBe(before);
  });
});
