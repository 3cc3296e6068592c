// Owns the social connector factories: their Logto-shaped metadata and config guards. Factory ids,
// targets and config keys are Logto v1.22.0's (connector-oidc, connector-oauth2, connector-google,
// connector-github); where Verity differs, the key's comment says so. Every provider talks to its IdP
// with client_secret_post, and sends `state` and PKCE (S256) on every authorization (OIDC also `nonce`).
import { z } from 'zod';
import type { FactoryDefinition, FormItem } from './factories.ts';
import { base, logo, text } from './factory-kit.ts';

const url = z.url({ protocol: /^https?$/ });
const client = { clientId: z.string().min(1), clientSecret: z.string().min(1) };
/** Logto's fixed values, accepted and ignored (only the code flow exists). */
const fixed = { responseType: z.literal('code').optional(), grantType: z.literal('authorization_code').optional() };
const customConfig = z.record(z.string(), z.string()).optional();

/** Logto's authRequestOptionalConfig: extra authorization parameters (never `nonce`, which is random). */
const AuthRequestOptions = z
  .object({
    responseMode: z.string(),
    display: z.string(),
    prompt: z.string(),
    maxAge: z.string(),
    uiLocales: z.string(),
    idTokenHint: z.string(),
    loginHint: z.string(),
    acrValues: z.string(),
  })
  .partial();

export const OidcConfig = z
  .looseObject({
    ...client,
    ...fixed,
    /** Space-separated; `openid` is added when missing (as Logto). */
    scope: z.string(),
    /** Verity extension: the issuer whose discovery document gives the endpoints (Logto has no discovery). */
    issuer: url.optional(),
    /** Required by Logto; in Verity only without `issuer`. */
    authorizationEndpoint: url.optional(),
    tokenEndpoint: url.optional(),
    /** Logto's jose options. Verity uses `jwksUri`, `issuer` (one string) and `clockTolerance` (seconds,
     *  never beyond VERITY_SOCIAL_CLOCK_SKEW_SECONDS); the audience is always the client id. */
    idTokenVerificationConfig: z
      .looseObject({
        jwksUri: url,
        issuer: z.union([z.string(), z.array(z.string())]).optional(),
        audience: z.union([z.string(), z.array(z.string())]).optional(),
        algorithms: z.array(z.string()).optional(),
        clockTolerance: z.union([z.string(), z.number()]).optional(),
      })
      .optional(),
    authRequestOptionalConfig: AuthRequestOptions.optional(),
    customConfig,
  })
  .refine(
    (c) =>
      c.issuer !== undefined ||
      (c.authorizationEndpoint !== undefined && c.tokenEndpoint !== undefined && typeof c.idTokenVerificationConfig?.issuer === 'string'),
    { message: 'give issuer (discovery), or authorizationEndpoint, tokenEndpoint and idTokenVerificationConfig {jwksUri, issuer}' },
  );
export type OidcConfig = z.infer<typeof OidcConfig>;

/** Logto's profileMap: which userinfo field holds each profile value (dot paths in Verity). */
const ProfileMap = z
  .object({
    id: z.string().default('id'),
    email: z.string().default('email'),
    phone: z.string().default('phone'),
    name: z.string().default('name'),
    avatar: z.string().default('avatar'),
    /** Verity extension: the boolean field saying the email is verified. Without it the email is never
     *  used (a generic OAuth 2.0 provider does not say whether it verified it). */
    emailVerified: z.string().optional(),
    /** Verity extension: the same for the phone. */
    phoneVerified: z.string().optional(),
  })
  .partial()
  .optional();

export const OAuth2Config = z.looseObject({
  ...client,
  ...fixed,
  /** How the token endpoint answers (Logto's default `query-string`). */
  tokenEndpointResponseType: z.enum(['query-string', 'json']).optional(),
  authorizationEndpoint: url,
  tokenEndpoint: url,
  userInfoEndpoint: url,
  scope: z.string().optional(),
  profileMap: ProfileMap,
  customConfig,
});
export type OAuth2Config = z.infer<typeof OAuth2Config>;

export const GoogleConfig = z.looseObject({
  ...client,
  /** Default `openid profile email`. */
  scope: z.string().optional(),
  /** Logto's prompts (default `select_account`). */
  prompts: z.array(z.string()).optional(),
  /** Logto's One Tap settings: accepted, not used (Verity has no One Tap). */
  oneTap: z.record(z.string(), z.unknown()).optional(),
  /** Verity extension: another issuer (tests point it at loopback); its discovery document gives the
   *  endpoints. Without it, Google's published endpoints are used and no discovery request is made. */
  issuer: url.optional(),
});
export type GoogleConfig = z.infer<typeof GoogleConfig>;

export const GitHubConfig = z.looseObject({
  ...client,
  /** Default `read:user user:email` (Logto: `read:user`; Verity reads the verified emails too). */
  scope: z.string().optional(),
  /** Verity extensions: GitHub's endpoints, overridable (tests point them at loopback). */
  authorizationEndpoint: url.optional(),
  tokenEndpoint: url.optional(),
  userInfoEndpoint: url.optional(),
  userEmailsEndpoint: url.optional(),
});
export type GitHubConfig = z.infer<typeof GitHubConfig>;

const social = { ...base, type: 'Social', platform: 'Universal' } as const;
const secretItems: FormItem[] = [text('clientId', 'Client ID'), text('clientSecret', 'Client secret'), text('scope', 'Scope', false)];

export const socialFactories: readonly FactoryDefinition[] = [
  {
    metadata: {
      ...social,
      isStandard: true,
      id: 'oidc',
      target: 'oidc',
      name: { en: 'OIDC' },
      description: { en: 'Sign in with any OpenID Connect provider.' },
      logo: logo('O'),
      readme:
        '# OIDC\n\nAuthorization code flow with PKCE, `state` and `nonce`; the ID token is validated (issuer, audience, nonce, expiry). Config: `clientId`, `clientSecret`, `scope`, and `issuer` (discovery) or `authorizationEndpoint`, `tokenEndpoint`, `idTokenVerificationConfig {jwksUri, issuer}`. Give `metadata.target` when creating one.',
      formItems: [...secretItems, text('issuer', 'Issuer (discovery)', false), { type: 'Json', key: 'idTokenVerificationConfig', label: 'ID token verification', required: false }],
    },
    configGuard: OidcConfig,
  },
  {
    metadata: {
      ...social,
      isStandard: true,
      id: 'oauth2',
      target: 'oauth2',
      name: { en: 'OAuth 2.0' },
      description: { en: 'Sign in with any OAuth 2.0 provider that has a user info endpoint.' },
      logo: logo('A'),
      readme:
        '# OAuth 2.0\n\nAuthorization code flow with PKCE and `state`, then a GET of `userInfoEndpoint` with the access token, mapped by `profileMap`. An email or phone is used only when `profileMap.emailVerified` / `phoneVerified` names a field that is `true`. Give `metadata.target` when creating one.',
      formItems: [
        ...secretItems,
        text('authorizationEndpoint', 'Authorization endpoint'),
        text('tokenEndpoint', 'Token endpoint'),
        text('userInfoEndpoint', 'User info endpoint'),
        { type: 'Json', key: 'profileMap', label: 'Profile map', required: false },
      ],
    },
    configGuard: OAuth2Config,
  },
  {
    metadata: {
      ...social,
      id: 'google-universal',
      target: 'google',
      name: { en: 'Google' },
      description: { en: 'Sign in with a Google account.' },
      logo: logo('G'),
      readme: '# Google\n\nOpenID Connect with Google. Register the redirect URI of your sign-in page at Google. Config: `clientId`, `clientSecret`, `scope?`, `prompts?`.',
      formItems: [...secretItems, { type: 'MultiSelect', key: 'prompts', label: 'Prompts', required: false, defaultValue: ['select_account'] }],
    },
    configGuard: GoogleConfig,
  },
  {
    metadata: {
      ...social,
      id: 'github-universal',
      target: 'github',
      name: { en: 'GitHub' },
      description: { en: 'Sign in with a GitHub account.' },
      logo: logo('H'),
      readme: '# GitHub\n\nOAuth 2.0 with GitHub; the email is the primary verified one from `/user/emails`. Config: `clientId`, `clientSecret`, `scope?`.',
      formItems: secretItems,
    },
    configGuard: GitHubConfig,
  },
];
