// Owns checking the addresses a connector config names (webhook URL, Twilio base URL, SMTP host, OAuth2
// token URL, the endpoints a social connector's server side calls) against the egress policy when the config is given: through the Management API (C1, C4, C6)
// and from the environment at start (configured.ts). The connection is checked again when it is made
// (net/egress.ts); this turns a refused address into a clear 400 or start-up message instead of failed sends.
import { EgressError, type Egress } from '../../net/egress.ts';
import type { Json } from './config.ts';
import { LogtoError } from '../errors.ts';

type Check = { field: string; run: () => Promise<void> };

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** The address checks a factory's config calls for (the factory's guard has passed). */
function checksOf(egress: Pick<Egress, 'checkUrl' | 'checkHost'>, factoryId: string, config: Json): Check[] {
  const url = (field: string, value: unknown): Check[] => {
    const given = text(value);
    return given ? [{ field, run: () => egress.checkUrl(given) }] : [];
  };
  switch (factoryId) {
    case 'verity-sms-webhook':
      return url('url', config.url);
    case 'twilio-short-message-service':
      return url('baseUrl', config.baseUrl);
    case 'simple-mail-transfer-protocol': {
      const host = text(config.host);
      const auth = config.auth as Json | undefined;
      return [...(host ? [{ field: 'host', run: () => egress.checkHost(host) }] : []), ...url('auth.accessUrl', auth?.accessUrl)];
    }
    case 'oidc':
    case 'oauth2':
    case 'google-universal':
    case 'github-universal': {
      // The server calls these; the authorization endpoint is the browser's.
      const verification = config.idTokenVerificationConfig as Json | undefined;
      return [
        ...url('issuer', config.issuer),
        ...url('tokenEndpoint', config.tokenEndpoint),
        ...url('userInfoEndpoint', config.userInfoEndpoint),
        ...url('userEmailsEndpoint', config.userEmailsEndpoint),
        ...url('idTokenVerificationConfig.jwksUri', verification?.jwksUri),
      ];
    }
    default:
      return [];
  }
}

/** Each field of the config whose address is refused or is not one, with why. */
export async function addressProblems(
  egress: Pick<Egress, 'checkUrl' | 'checkHost'>,
  factoryId: string,
  config: Json,
): Promise<Array<{ field: string; error: EgressError }>> {
  const problems: Array<{ field: string; error: EgressError }> = [];
  for (const check of checksOf(egress, factoryId, config)) {
    try {
      await check.run();
    } catch (error) {
      if (!(error instanceof EgressError)) throw error;
      problems.push({ field: check.field, error });
    }
  }
  return problems;
}

/** Throws LogtoError connector.invalid_config (data.message: the field and the cause) when an address in
 *  the config is refused or is not one. */
export async function checkConfigAddresses(egress: Pick<Egress, 'checkUrl' | 'checkHost'>, factoryId: string, config: Json): Promise<void> {
  const [first] = await addressProblems(egress, factoryId, config);
  if (first) throw new LogtoError('connector.invalid_config', { message: `${first.field}: ${first.error.message}` });
}
