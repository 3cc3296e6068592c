// What the Experience API use cases need, as one explicit object.
import type Provider from 'oidc-provider';
import type { PasswordPool } from '../../crypto/passwords.ts';
import type { Egress } from '../../net/egress.ts';
import type { AuditEvents } from '../audit/index.ts';
import type { SendCodeDeps } from '../delivery/send-code.ts';
import type { SsoSettings } from '../sso/connector.ts';
import type { SocialConnectors } from '../social/types.ts';
import type { WebAuthnSettings } from '../verification/webauthn-rp.ts';
import type { LockoutSettings } from './lockout.ts';

export interface ExperienceDeps extends SendCodeDeps {
  /** argon2id pool (defaults to the process-wide one). */
  passwords?: PasswordPool;
  lockout: LockoutSettings;
  /** Which relying party passkey ceremonies run for (verification/webauthn-rp.ts). */
  webauthn: WebAuthnSettings;
  /** The OIDC provider the finished interaction goes back to (submit). */
  provider: Provider;
  /** Outgoing requests to enterprise SSO IdPs (net/egress.ts). */
  egress: Egress;
  /** Enterprise SSO sign-in (domain/sso/connector.ts). */
  sso: SsoSettings;
  /** Listener for audit rows (the webhook seam). */
  events?: AuditEvents;
  /** The stored social connectors (E9, E10). */
  social: SocialConnectors;
}
