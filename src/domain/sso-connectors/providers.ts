// Owns the SSO provider catalogue (management-core-api.md §6): each provider's name, protocol,
// logos, the zod guard its config must pass, and how its IdP is contacted to produce Logto's
// `providerConfig`. Adding a provider is one entry here. Provider functions throw IdpError.
import { z } from 'zod';
import { fetchOidcDiscovery } from './discovery.ts';
import { isHttpUrl, type IdpFetchOptions } from './idp-http.ts';
import { resolveSamlIdp, type SamlSource } from './saml-metadata.ts';

export const SSO_PROVIDER_NAMES = ['OIDC', 'SAML', 'AzureAD', 'GoogleWorkspace', 'Okta', 'AzureAdOidc'] as const;
export type SsoProviderName = (typeof SSO_PROVIDER_NAMES)[number];
export type ProviderType = 'oidc' | 'saml';
export type Json = Record<string, unknown>;

export interface SsoProvider {
  providerName: SsoProviderName;
  /** Display name, answered as the connector's `name` (Logto: the factory's English name). */
  name: string;
  providerType: ProviderType;
  logo: string;
  logoDark: string;
  configGuard: z.ZodType<Json>;
  /** The code answered when a config passes the guard but its IdP cannot be used. */
  idpFailure: 'connector.invalid_config' | 'connector.invalid_metadata';
  /** Contacts the IdP with a guarded config and resolves with the providerConfig. Throws IdpError. */
  providerConfig(config: Json, options: IdpFetchOptions): Promise<Json>;
}

const GOOGLE_ISSUER = 'https://accounts.google.com';
const REQUIRED_SCOPES = ['openid', 'profile', 'email'];

/** The configured scopes (space- or plus-separated) with openid, profile and email always present. */
export const scopeWith = (scope = '') => [...new Set([...REQUIRED_SCOPES, ...scope.split(/[ +]/).filter(Boolean)])].join(' ');

const text = z.string().min(1);
const httpUrl = text.refine(isHttpUrl, 'must be an http(s) URL');

const oidcConfig = z.object({ clientId: text, clientSecret: text, issuer: httpUrl, scope: z.string().optional() });
const azureOidcConfig = oidcConfig.extend({ trustUnverifiedEmail: z.boolean().optional() });
const googleConfig = oidcConfig.omit({ issuer: true });
const samlConfig = z
  .object({
    metadataUrl: httpUrl.optional(),
    metadata: text.optional(),
    entityId: text.optional(),
    signInEndpoint: httpUrl.optional(),
    x509Certificate: text.optional(),
    attributeMapping: z.object({ id: text.optional(), email: text.optional(), name: text.optional() }).optional(),
  })
  .refine((c) => c.metadataUrl || c.metadata || (c.entityId && c.signInEndpoint && c.x509Certificate), {
    message: 'give metadataUrl, metadata, or entityId with signInEndpoint and x509Certificate',
  });

async function oidcProviderConfig(config: Json, options: IdpFetchOptions): Promise<Json> {
  const issuer = typeof config.issuer === 'string' ? config.issuer : GOOGLE_ISSUER;
  const discovery = await fetchOidcDiscovery(issuer, options);
  return { ...config, scope: scopeWith(config.scope as string | undefined), ...discovery };
}

async function samlProviderConfig(config: Json, options: IdpFetchOptions): Promise<Json> {
  // The config passed samlConfig, so its fields are strings where present.
  return { identityProvider: { ...(await resolveSamlIdp(config as SamlSource, options)) } };
}

/** A square badge with a short label, as an SVG data URL (Verity's own artwork). */
const badge = (label: string, background: string, foreground: string) =>
  `data:image/svg+xml;base64,${Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><rect width="48" height="48" rx="10" fill="${background}"/>` +
      `<text x="24" y="29" font-family="sans-serif" font-size="${label.length > 3 ? 11 : 14}" font-weight="700" ` +
      `text-anchor="middle" fill="${foreground}">${label}</text></svg>`,
  ).toString('base64')}`;

const oidc = { providerType: 'oidc', idpFailure: 'connector.invalid_config', providerConfig: oidcProviderConfig } as const;
const saml = { providerType: 'saml', idpFailure: 'connector.invalid_metadata', providerConfig: samlProviderConfig } as const;

const providers: readonly SsoProvider[] = [
  { ...oidc, providerName: 'OIDC', name: 'OIDC', configGuard: oidcConfig, logo: badge('OIDC', '#F78C40', '#FFFFFF'), logoDark: badge('OIDC', '#3A2A1F', '#F78C40') },
  { ...saml, providerName: 'SAML', name: 'SAML', configGuard: samlConfig, logo: badge('SAML', '#C1272D', '#FFFFFF'), logoDark: badge('SAML', '#3A1F20', '#F0646A') },
  {
    ...saml,
    providerName: 'AzureAD',
    name: 'Microsoft Entra ID (SAML)',
    configGuard: samlConfig,
    logo: badge('ME', '#0078D4', '#FFFFFF'),
    logoDark: badge('ME', '#102A43', '#50A8F0'),
  },
  {
    ...oidc,
    providerName: 'GoogleWorkspace',
    name: 'Google Workspace',
    configGuard: googleConfig,
    logo: badge('G', '#FFFFFF', '#4285F4'),
    logoDark: badge('G', '#202124', '#8AB4F8'),
  },
  { ...oidc, providerName: 'Okta', name: 'Okta', configGuard: oidcConfig, logo: badge('okta', '#007DC1', '#FFFFFF'), logoDark: badge('okta', '#0F2A3D', '#4DB3E8') },
  {
    ...oidc,
    providerName: 'AzureAdOidc',
    name: 'Microsoft Entra ID (OIDC)',
    configGuard: azureOidcConfig,
    logo: badge('ME', '#0078D4', '#FFFFFF'),
    logoDark: badge('ME', '#102A43', '#50A8F0'),
  },
];

export function findProvider(providerName: string): SsoProvider | undefined {
  return providers.find((p) => p.providerName === providerName);
}
