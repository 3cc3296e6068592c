// Owns `session.sso_enabled` (experience-api.md E3, E24): with single sign-on on, an email whose domain
// has a usable SSO connector signs in through that connector only, never by password or code, nor
// through a social provider's account with that (verified) email, as Logto's guard does. The
// answer names those connectors (never their configs: those hold client secrets).
// Throws LogtoError session.sso_enabled (422, data.ssoConnectors).
import { ssoConnectorsOfEmail, type SsoDeps } from '../sso/connector.ts';
import { LogtoError } from '../errors.ts';
import type { EffectiveSignInExperience } from '../sign-in-experience/index.ts';
import type { VerificationRecord } from '../verification/index.ts';

/** The email a record proves or names (a password or code record of an email, or the email a social
 *  provider verified), if any. */
export function emailOf(record: VerificationRecord): string | undefined {
  if (record.type === 'Social') return record.userInfo?.email;
  return 'identifier' in record && record.identifier.type === 'email' ? record.identifier.value : undefined;
}

export async function assertNotSsoOnly(deps: Pick<SsoDeps, 'db' | 'keyring'>, sie: Pick<EffectiveSignInExperience, 'singleSignOnEnabled'>, email: string | undefined): Promise<void> {
  if (email === undefined || !sie.singleSignOnEnabled) return;
  const connectors = await ssoConnectorsOfEmail(deps, email);
  if (connectors.length === 0) return;
  throw new LogtoError('session.sso_enabled', {
    ssoConnectors: connectors.map((c) => ({
      id: c.id,
      connectorName: c.connectorName,
      providerName: c.provider.providerName,
      providerType: c.provider.providerType,
      domains: c.domains,
      branding: c.branding,
    })),
  });
}
