// Owns what `connectors show` prints of a connector's config: an allowlist per factory of the fields
// known not to be credentials. Everything else is masked — a field a factory's schema adds later, an
// unknown key its looseObject lets through, a key inside tls or customHeaders — so a credential is
// hidden unless someone decided it is not one. URLs are shown without userinfo, query or fragment
// (where webhook and gateway tokens hide); header and customConfig values are always masked.
import { MASK, redactUrl } from './redact.ts';

/**
 * How one field is shown:
 *   'show'    a scalar, or an array of scalars, as is (an object in its place is masked);
 *   'url'     a URL (or an array of them) reduced to scheme, host and path (`https://h/p?…`);
 *   'secret'  masked: named so the table is complete (anything unlisted is masked too);
 *   'values'  an object whose keys are shown and every value masked (headers, extra parameters);
 *   { fields } an object: its listed fields by their rule, every other key masked;
 *   { each }  an array, each item by the rule.
 */
export type FieldRule = 'show' | 'url' | 'secret' | 'values' | { fields: Record<string, FieldRule> } | { each: FieldRule };

const fields = (rules: Record<string, FieldRule>): FieldRule => ({ fields: rules });
const each = (rule: FieldRule): FieldRule => ({ each: rule });
const show = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, 'show' as const]));
const urls = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, 'url' as const]));
const secret = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, 'secret' as const]));

const smsTemplates = each(fields(show('usageType', 'content')));

/** Per factory id (domain/connectors/factories.ts, social-factories.ts): every top-level key of its
 *  config schema, classified (test/cli/connectors.test.ts checks none is missing). */
export const CONFIG_VIEWS: Readonly<Record<string, Record<string, FieldRule>>> = {
  'simple-mail-transfer-protocol': {
    ...show('host', 'port', 'fromEmail', 'replyTo', 'secure', 'name', 'localAddress', 'servername'),
    ...show('connectionTimeout', 'greetingTimeout', 'socketTimeout', 'dnsTimeout'),
    ...show('logger', 'debug', 'disableFileAccess', 'disableUrlAccess', 'ignoreTLS', 'requireTLS'),
    // pass, privateKey, clientSecret, refreshToken, accessToken: unlisted, so masked.
    auth: fields({ ...show('type', 'user', 'serviceClient', 'clientId', 'expires'), ...urls('accessUrl') }),
    // key, cert, pfx, ca, passphrase and whatever else node's TLS options take: masked.
    tls: fields(show('rejectUnauthorized', 'servername', 'minVersion', 'maxVersion', 'ciphers')),
    customHeaders: 'values',
    templates: each(fields(show('usageType', 'contentType', 'subject', 'content'))),
  },
  'twilio-short-message-service': {
    ...show('accountSID', 'fromMessagingServiceSID', 'timeoutMs'),
    ...secret('authToken'),
    ...urls('baseUrl'),
    templates: smsTemplates,
  },
  'verity-sms-webhook': { ...urls('url'), ...secret('secret'), ...show('timeoutMs'), templates: smsTemplates },
  'verity-outbox-email': { templates: each(fields(show('usageType', 'content', 'subject'))) },
  'verity-outbox-sms': { templates: each(fields(show('usageType', 'content', 'subject'))) },
  oidc: {
    ...show('clientId', 'responseType', 'grantType', 'scope'),
    ...secret('clientSecret'),
    ...urls('issuer', 'authorizationEndpoint', 'tokenEndpoint'),
    idTokenVerificationConfig: fields({ ...urls('jwksUri'), ...show('issuer', 'audience', 'algorithms', 'clockTolerance') }),
    // idTokenHint (a token) is unlisted, so masked.
    authRequestOptionalConfig: fields(show('responseMode', 'display', 'prompt', 'maxAge', 'uiLocales', 'loginHint', 'acrValues')),
    customConfig: 'values',
  },
  oauth2: {
    ...show('clientId', 'responseType', 'grantType', 'tokenEndpointResponseType', 'scope'),
    ...secret('clientSecret'),
    ...urls('authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint'),
    profileMap: fields(show('id', 'email', 'phone', 'name', 'avatar', 'emailVerified', 'phoneVerified')),
    customConfig: 'values',
  },
  'google-universal': {
    ...show('clientId', 'scope', 'prompts'),
    ...secret('clientSecret'),
    ...urls('issuer'),
    oneTap: fields(show('isEnabled', 'autoSelect', 'closeOnTapOutside', 'itpSupport')),
  },
  'github-universal': {
    ...show('clientId', 'scope'),
    ...secret('clientSecret'),
    ...urls('authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint', 'userEmailsEndpoint'),
  },
};

const isScalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Nothing to hide in null, undefined or '': shown, so "not set" stays visible. */
const isEmpty = (value: unknown) => value === null || value === undefined || value === '';

/** `value` as `rule` lets it be shown. */
function viewField(value: unknown, rule: FieldRule): unknown {
  if (isEmpty(value)) return value;
  if (rule === 'show') return isScalar(value) || (Array.isArray(value) && value.every(isScalar)) ? value : MASK;
  if (rule === 'url') {
    if (typeof value === 'string') return redactUrl(value);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.map((v) => redactUrl(v)) : MASK;
  }
  if (rule === 'values') return isRecord(value) ? Object.fromEntries(Object.keys(value).map((k) => [k, MASK])) : MASK;
  if (rule === 'secret') return MASK;
  if ('each' in rule) return Array.isArray(value) ? value.map((item) => viewField(item, rule.each)) : MASK;
  if (!isRecord(value)) return MASK;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, viewField(v, Object.hasOwn(rule.fields, key) ? rule.fields[key]! : 'secret')]));
}

/** A connector's config as `connectors show` prints it; a factory without a view is masked whole. */
export function viewConfig(factoryId: string, config: Record<string, unknown>): Record<string, unknown> {
  return viewField(config, { fields: Object.hasOwn(CONFIG_VIEWS, factoryId) ? CONFIG_VIEWS[factoryId]! : {} }) as Record<string, unknown>;
}
