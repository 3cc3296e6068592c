// /api/sso-connectors O1–O5 (management-core-api.md §6) over HTTP with a real Management API token,
// against a loopback server acting as the identity provider: an OIDC discovery document per issuer
// and SAML metadata. Then the SAML metadata reader directly, on the inputs HTTP cannot easily reach.
import type http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSamlMetadata } from '../../src/domain/sso-connectors/saml-metadata.ts';
import { parseXml } from '../../src/domain/sso-connectors/xml.ts';
import { useTestApp } from '../helpers/app.ts';
import { json, startHttpServer, unusedPort, type RecordedRequest, type TestServer } from '../helpers/http-server.ts';
import { managementToken } from '../helpers/tokens.ts';

// A self-signed P-256 certificate made for these tests.
const CERT =
  'MIIBijCCATGgAwIBAgIUYXYlyaPtJS8g9DfTkqL7Twj6WqAwCgYIKoZIzj0EAwIwGjEYMBYGA1UEAwwPVmVyaXR5IFRlc3QgSWRQMCAXDTI2MTEyNTExMDU0OVoY' +
  'DzIxMjYxMTAxMTEwNTQ5WjAaMRgwFgYDVQQDDA9WZXJpdHkgVGVzdCBJZFAwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARI/3xCkWbdQ67kMc34QCaGW9lM00qH' +
  'z1iGw9ULYqkJnI84o1PVuHK54PTUuEMUHKDMZt5dI3XLFK2I3wRau4/2o1MwUTAdBgNVHQ4EFgQUp4cnM671jlKRZ6Tr8W1uiKWIaVEwHwYDVR0jBBgwFoAUp4cn' +
  'M671jlKRZ6Tr8W1uiKWIaVEwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiBhYH/XmLqr4NC6Ep5HY7IpMmbGEDnHpqrZIdwYgi9xgAIgPtCl15mK' +
  'DBYqcMRIaqPnrVZ/A6iyEDVpecijtRCQ/yQ=';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

const metadata = (base: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!-- a test IdP -->
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${base}/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
      <ds:X509Certificate>
        ${CERT.match(/.{1,64}/g)!.join('\n        ')}
      </ds:X509Certificate>
    </ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="${POST}" Location="${base}/saml/post"/>
    <md:SingleSignOnService Binding='${REDIRECT}' Location="${base}/saml/redirect?a=1&amp;b=2" />
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;

const t = useTestApp();
let token: string;
let idp: TestServer;
let idpState: 'up' | 'down' | 'hang' = 'up';

function answer(req: RecordedRequest, res: http.ServerResponse) {
  if (idpState === 'hang') return;
  if (idpState === 'down') return json(res, 503, { error: 'down' });
  const base = idp.url;
  const discovery = /^\/([\w-]+)\/\.well-known\/openid-configuration$/.exec(req.url)?.[1];
  if (discovery === 'not-json') return res.end('<html>hello</html>');
  if (discovery) {
    const issuer = discovery === 'wrong-issuer' ? 'https://elsewhere.example' : `${base}/${discovery}`;
    return json(res, 200, {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      ...(discovery === 'no-jwks' ? {} : { jwks_uri: `${issuer}/jwks` }),
    });
  }
  if (req.url === '/saml/metadata') return res.end(metadata(base));
  if (req.url === '/saml/broken') return res.end('<md:EntityDescriptor entityID="x">');
  if (req.url === '/saml/huge') return res.end(`<a>${'x'.repeat(2 * 1024 * 1024)}</a>`);
  json(res, 404, {});
}

beforeAll(async () => {
  token = await managementToken(t);
  idp = await startHttpServer(answer);
  return () => idp.close();
});

const api = async (method: string, path: string, body?: unknown, bearer: string | null = token) => {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
};
let n = 0;
const uniqueName = () => `connector ${(n += 1)}`;
const oidcConfig = (issuer = 'oidc') => ({ clientId: 'client-1', clientSecret: 'very-secret-value', issuer: `${idp.url}/${issuer}` });
const create = (providerName: string, config?: unknown, extra: Record<string, unknown> = {}) =>
  api('POST', '/api/sso-connectors', { providerName, connectorName: uniqueName(), ...(config === undefined ? {} : { config }), ...extra });

describe('POST /api/sso-connectors (O1)', () => {
  it('creates an OIDC connector: the stored object, config encrypted at rest', async () => {
    const res = await create('OIDC', { ...oidcConfig(), scope: 'groups', unknown: 'dropped' }, {
      domains: ['Example.COM', 'example.org'], branding: { displayName: 'Acme', logo: 'https://acme.example/logo.png' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenantId: 'default', id: expect.stringMatching(/^[a-z0-9]{12}$/), providerName: 'OIDC', connectorName: expect.any(String),
      config: { ...oidcConfig(), scope: 'groups' }, domains: ['example.com', 'example.org'],
      branding: { displayName: 'Acme', logo: 'https://acme.example/logo.png' }, syncProfile: false, createdAt: t.clock.now().getTime(),
    });
    expect(idp.requests.at(-1)).toMatchObject({ method: 'GET', url: '/oidc/.well-known/openid-configuration' });
    const [row] = await t.db.query<{ config: string }>('SELECT config FROM sso_connectors WHERE id = $1', [res.body.id]);
    expect(row!.config).not.toContain('very-secret-value');
    expect(JSON.parse(t.keyring.decrypt(row!.config))).toEqual(res.body.config);
  });

  it('creates without a config: nothing is fetched, defaults are stored', async () => {
    const before = idp.requests.length;
    const res = await create('GoogleWorkspace', undefined, { syncProfile: true });
    expect(res.body).toMatchObject({ providerName: 'GoogleWorkspace', config: {}, domains: [], branding: {}, syncProfile: true });
    expect(idp.requests.length).toBe(before);
  });

  it('creates Okta and Entra ID (OIDC) connectors against their discovery documents', async () => {
    expect((await create('Okta', oidcConfig('okta'))).status).toBe(200);
    expect((await create('AzureAdOidc', { ...oidcConfig('entra'), trustUnverifiedEmail: true })).body.config.trustUnverifiedEmail).toBe(true);
  });

  it('creates SAML connectors from a metadata URL, inline metadata, or explicit fields', async () => {
    const base = idp.url;
    for (const config of [
      { metadataUrl: `${base}/saml/metadata` },
      { metadata: metadata(base), attributeMapping: { email: 'mail' } },
      { entityId: `${base}/saml`, signInEndpoint: `${base}/saml/redirect`, x509Certificate: `-----BEGIN CERTIFICATE-----\n${CERT}\n-----END CERTIFICATE-----` },
    ]) {
      const res = await create('SAML', config);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.config).toEqual(config);
    }
    expect((await create('AzureAD', { metadataUrl: `${base}/saml/metadata` })).status).toBe(200);
  });

  it('400 guard.invalid_input for a bad body', async () => {
    for (const body of [
      {}, { providerName: 'OIDC' }, { providerName: 'OIDC', connectorName: '' }, { providerName: 'OIDC', connectorName: 'x'.repeat(129) },
      { providerName: 'OIDC', connectorName: 'a', config: 'x' }, { providerName: 'OIDC', connectorName: 'a', domains: 'a.com' },
      { providerName: 'OIDC', connectorName: 'a', domains: ['  '] },
      { providerName: 'OIDC', connectorName: 'a', branding: { logo: 1 } }, { providerName: 'OIDC', connectorName: 'a', syncProfile: 'yes' },
    ]) {
      expect(await api('POST', '/api/sso-connectors', body), JSON.stringify(body)).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    }
  });

  it('422 connector.not_found for an unsupported provider', async () => {
    expect(await create('Auth0', oidcConfig())).toMatchObject({ status: 422, body: { code: 'connector.not_found' } });
  });

  it('422 for public mail domains and for duplicated domains, naming them', async () => {
    expect(await create('OIDC', undefined, { domains: ['acme.com', 'Gmail.com', 'qq.com'] })).toMatchObject({
      status: 422, body: { code: 'single_sign_on.forbidden_domains', data: ['gmail.com', 'qq.com'] },
    });
    expect(await create('OIDC', undefined, { domains: ['acme.com', 'ACME.com '] })).toMatchObject({
      status: 422, body: { code: 'single_sign_on.duplicated_domains', data: ['acme.com'] },
    });
  });

  it('400 connector.invalid_config when the config fails its guard, without echoing the secret', async () => {
    for (const [provider, config] of [
      ['OIDC', { clientId: 'a', issuer: `${idp.url}/oidc`, clientSecret: '' }],
      ['OIDC', { ...oidcConfig(), issuer: 'not a url' }],
      ['Okta', {}],
      ['GoogleWorkspace', { clientId: 'only-the-id' }],
      ['SAML', {}],
      ['SAML', { entityId: 'x', x509Certificate: CERT }],
      ['AzureAD', { metadataUrl: 'ftp://idp.example/metadata' }],
    ] as const) {
      const res = await create(provider, config);
      expect(res, `${provider} ${JSON.stringify(config)}`).toMatchObject({ status: 400, body: { code: 'connector.invalid_config' } });
      expect(JSON.stringify(res.body)).not.toContain('very-secret-value');
    }
  });

  it('an unreachable or invalid OIDC issuer → 400 connector.invalid_config; nothing is stored', async () => {
    const before = (await api('GET', '/api/sso-connectors')).body.length;
    const nowhere = `http://127.0.0.1:${await unusedPort()}`;
    for (const issuer of [nowhere, `${idp.url}/wrong-issuer`, `${idp.url}/no-jwks`, `${idp.url}/not-json`, `${idp.url}/missing/x`]) {
      const res = await create('OIDC', { ...oidcConfig(), issuer });
      expect(res, issuer).toMatchObject({ status: 400, body: { code: 'connector.invalid_config', data: { message: expect.any(String) } } });
      expect(res.body.data.message).not.toContain('127.0.0.1');
    }
    expect((await api('GET', '/api/sso-connectors')).body.length).toBe(before);
  });

  it('unreachable or invalid SAML metadata → 400 connector.invalid_metadata', async () => {
    const nowhere = `http://127.0.0.1:${await unusedPort()}/metadata`;
    for (const config of [
      { metadataUrl: nowhere }, { metadataUrl: `${idp.url}/saml/broken` }, { metadataUrl: `${idp.url}/saml/huge` },
      { metadata: 'not xml at all' }, { metadata: `<!DOCTYPE x [<!ENTITY a "b">]>${metadata(idp.url)}` },
      { metadata: metadata(idp.url).replace(CERT.slice(0, 64), 'AAAA') },
      { entityId: 'urn:x', signInEndpoint: `${idp.url}/sso`, x509Certificate: 'bm90IGEgY2VydGlmaWNhdGU=' },
    ]) {
      expect(await create('SAML', config), JSON.stringify(config).slice(0, 80)).toMatchObject({ status: 400, body: { code: 'connector.invalid_metadata' } });
    }
  });

  it('409 for a taken name; of concurrent creates with one name exactly one wins', async () => {
    const name = uniqueName();
    const body = { providerName: 'OIDC', connectorName: name, config: oidcConfig() };
    const results = await Promise.all(Array.from({ length: 5 }, () => api('POST', '/api/sso-connectors', body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('single_sign_on.duplicate_connector_name');
    expect(await api('POST', '/api/sso-connectors', { providerName: 'SAML', connectorName: name })).toMatchObject({
      status: 409, body: { code: 'single_sign_on.duplicate_connector_name' },
    });
  });

  it('401 without a token', async () => {
    expect((await api('POST', '/api/sso-connectors', { providerName: 'OIDC', connectorName: 'x' }, null)).status).toBe(401);
    expect((await api('GET', '/api/sso-connectors', undefined, null)).body.code).toBe('auth.authorization_header_missing');
  });
});

describe('GET /api/sso-connectors (O2, O3)', () => {
  it('GET one adds the provider details and the discovered providerConfig', async () => {
    const { body: created } = await create('OIDC', oidcConfig());
    const res = await api('GET', `/api/sso-connectors/${created.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...created, name: 'OIDC', providerType: 'oidc',
      providerLogo: expect.stringMatching(/^data:image\/svg\+xml;base64,/), providerLogoDark: expect.stringMatching(/^data:image\/svg\+xml;base64,/),
      providerConfig: {
        ...oidcConfig(), scope: 'openid profile email', authorizationEndpoint: `${idp.url}/oidc/auth`, tokenEndpoint: `${idp.url}/oidc/token`,
        userinfoEndpoint: `${idp.url}/oidc/me`, jwksUri: `${idp.url}/oidc/jwks`,
      },
    });
  });

  it('SAML: providerConfig.identityProvider from the metadata (redirect binding preferred)', async () => {
    const { body } = await create('AzureAD', { metadataUrl: `${idp.url}/saml/metadata` });
    expect((await api('GET', `/api/sso-connectors/${body.id}`)).body).toMatchObject({
      name: 'Microsoft Entra ID (SAML)', providerType: 'saml',
      providerConfig: {
        identityProvider: {
          entityId: `${idp.url}/saml`, signInEndpoint: `${idp.url}/saml/redirect?a=1&b=2`, x509Certificate: CERT,
          nameIdFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
        },
      },
    });
  });

  it('a connector without config has no providerConfig', async () => {
    const { body } = await create('SAML');
    const res = await api('GET', `/api/sso-connectors/${body.id}`);
    expect(res.body).toMatchObject({ providerType: 'saml', name: 'SAML' });
    expect(res.body).not.toHaveProperty('providerConfig');
  });

  it('lists everything without paging headers, or a page with Total-Number and Link', async () => {
    const all = await api('GET', '/api/sso-connectors');
    expect(all.status).toBe(200);
    expect(all.headers.get('total-number')).toBeNull();
    expect(all.body.length).toBeGreaterThan(3);
    for (const c of all.body) expect(c).toHaveProperty('providerType');
    const page = await api('GET', '/api/sso-connectors?page=2&page_size=2');
    expect(page.body.map((c: { id: string }) => c.id)).toEqual(all.body.slice(2, 4).map((c: { id: string }) => c.id));
    expect(page.headers.get('total-number')).toBe(String(all.body.length));
    expect(page.headers.get('link')).toContain('rel="prev"');
    expect((await api('GET', '/api/sso-connectors?page_size=0')).body.code).toBe('guard.invalid_pagination');
  });

  it('an IdP that is down or silent still answers 200, without providerConfig', { timeout: 15_000 }, async () => {
    const { body } = await create('OIDC', oidcConfig());
    for (const state of ['down', 'hang'] as const) {
      idpState = state;
      try {
        const started = Date.now();
        const [one, list] = await Promise.all([api('GET', `/api/sso-connectors/${body.id}`), api('GET', '/api/sso-connectors')]);
        expect(Date.now() - started).toBeLessThan(6000);
        expect(one.status).toBe(200);
        expect(one.body).not.toHaveProperty('providerConfig');
        expect(list.status).toBe(200);
        expect(list.body.filter((c: Record<string, unknown>) => c.providerConfig !== undefined && c.providerType === 'oidc')).toEqual([]);
      } finally {
        idpState = 'up';
      }
    }
  });

  it('404 entity.not_exists_with_id for an unknown id', async () => {
    expect(await api('GET', '/api/sso-connectors/unknownid123')).toMatchObject({ status: 404, body: { code: 'entity.not_exists_with_id' } });
  });
});

describe('PATCH and DELETE /api/sso-connectors/{id} (O4, O5)', () => {
  it('replaces each given field; providerName cannot change', async () => {
    const { body: c } = await create('OIDC', oidcConfig(), { domains: ['a.example'], branding: { displayName: 'A' } });
    const patch = { connectorName: uniqueName(), domains: ['B.example'], branding: { logo: 'https://b.example/l.png' }, syncProfile: true, providerName: 'SAML' };
    const res = await api('PATCH', `/api/sso-connectors/${c.id}`, patch);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: c.id, providerName: 'OIDC', providerType: 'oidc', connectorName: patch.connectorName, domains: ['b.example'],
      branding: { logo: 'https://b.example/l.png' }, syncProfile: true, config: c.config, providerConfig: { jwksUri: `${idp.url}/oidc/jwks` },
    });
    expect(res.body.branding).not.toHaveProperty('displayName');
    expect((await api('GET', `/api/sso-connectors/${c.id}`)).body).toEqual(res.body);
    expect((await api('PATCH', `/api/sso-connectors/${c.id}`, {})).body).toEqual(res.body);
    expect((await api('PATCH', `/api/sso-connectors/${c.id}`, { connectorName: patch.connectorName })).status).toBe(200);
  });

  it('a new config is guarded, checked against its IdP, and replaces the old one whole', async () => {
    const { body: c } = await create('Okta', { ...oidcConfig('okta'), scope: 'groups' });
    const p = (body: unknown) => api('PATCH', `/api/sso-connectors/${c.id}`, body);
    expect(await p({ config: { clientId: 'x' } })).toMatchObject({ status: 400, body: { code: 'connector.invalid_config' } });
    expect(await p({ config: oidcConfig('wrong-issuer') })).toMatchObject({ status: 400, body: { code: 'connector.invalid_config' } });
    expect((await api('GET', `/api/sso-connectors/${c.id}`)).body.config).toEqual(c.config);
    const res = await p({ config: { ...oidcConfig('entra'), clientSecret: 'rotated-secret' } });
    expect(res.status).toBe(200);
    expect(res.body.config).toEqual({ ...oidcConfig('entra'), clientSecret: 'rotated-secret' });
    expect(res.body.providerConfig.issuer).toBe(`${idp.url}/entra`);
  });

  it('refuses a taken name (409) and bad domains (422); 400 guard; 404 for an unknown id', async () => {
    const { body: a } = await create('SAML');
    const { body: b } = await create('SAML');
    const p = (body: unknown, id = b.id) => api('PATCH', `/api/sso-connectors/${id}`, body);
    expect(await p({ connectorName: a.connectorName })).toMatchObject({ status: 409, body: { code: 'single_sign_on.duplicate_connector_name' } });
    expect(await p({ domains: ['outlook.com'] })).toMatchObject({ status: 422, body: { code: 'single_sign_on.forbidden_domains' } });
    expect(await p({ domains: ['x.io', 'x.io'] })).toMatchObject({ status: 422, body: { code: 'single_sign_on.duplicated_domains' } });
    expect(await p({ syncProfile: 'no' })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    expect(await p({}, 'unknownid123')).toMatchObject({ status: 404, body: { code: 'entity.not_exists_with_id' } });
  });

  it('DELETE answers 204; the id is then unknown and the name free again', async () => {
    const { body: c } = await create('SAML');
    const res = await fetch(`${t.url}/api/sso-connectors/${c.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await api('GET', `/api/sso-connectors/${c.id}`)).status).toBe(404);
    expect(await api('DELETE', `/api/sso-connectors/${c.id}`)).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    expect((await api('POST', '/api/sso-connectors', { providerName: 'OIDC', connectorName: c.connectorName })).status).toBe(200);
  });
});

describe('SAML metadata reader', () => {
  const base = 'https://idp.example';

  it('reads a default-namespace EntitiesDescriptor, skipping non-IdP entities, with CDATA and character references', () => {
    const xml = `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
      <EntityDescriptor entityID="urn:sp"><SPSSODescriptor/></EntityDescriptor>
      <EntityDescriptor entityID="urn:idp&#x3A;one"><IDPSSODescriptor>
        <KeyDescriptor use="encryption"><KeyInfo><X509Data><X509Certificate>AAAA</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
        <KeyDescriptor><KeyInfo><X509Data><X509Certificate><![CDATA[${CERT}]]></X509Certificate></X509Data></KeyInfo></KeyDescriptor>
        <SingleSignOnService Binding="${POST}" Location="${base}/post"/>
      </IDPSSODescriptor></EntityDescriptor>
    </EntitiesDescriptor>`;
    expect(parseSamlMetadata(xml)).toEqual({ entityId: 'urn:idp:one', signInEndpoint: `${base}/post`, x509Certificate: CERT });
  });

  it('refuses malformed or unsafe XML', () => {
    for (const xml of [
      '<a><b></a></b>', '<a>', '<a/><b/>', 'text<a/>', '<a x="1></a>', '<a x=1/>', '<a>&unknown;</a>', '<a>AT&T</a>', '<a>&#0;</a>',
      '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>', '<!-- never closed <a/>', `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`,
    ]) {
      expect(() => parseXml(xml), xml.slice(0, 40)).toThrow();
    }
    expect(parseXml('\ufeff<?xml version="1.0"?><p:a xmlns:p="urn:p" p:b="&lt;&amp;&quot;"><!-- c -->t&gt;</p:a>')).toMatchObject({
      name: 'a', attributes: new Map([['b', '<&"']]), text: 't>',
    });
  });

  it('names what is missing', () => {
    expect(() => parseSamlMetadata('<EntityDescriptor entityID="x"/>')).toThrow(/IDPSSODescriptor/);
    expect(() => parseSamlMetadata(metadata(base).replace(/<md:SingleSignOnService[^>]*>/g, ''))).toThrow(/SingleSignOnService/);
    expect(() => parseSamlMetadata(metadata(base).replace(/entityID="[^"]*"/, ''))).toThrow(/entityID/);
    expect(() => parseSamlMetadata(metadata(base).replace('use="signing"', 'use="encryption"'))).toThrow(/X509Certificate/);
  });
});
