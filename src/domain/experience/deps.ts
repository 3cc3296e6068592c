// What the Experience API use cases need, as one explicit object.
import type Provider from 'oidc-provider';
import type { PasswordPool } from '../../crypto/passwords.ts';
import type { AuditEvents } from '../audit/index.ts';
import type { SendCodeDeps } from '../delivery/send-code.ts';
import type { LockoutSettings } from './lockout.ts';

export interface ExperienceDeps extends SendCodeDeps {
  /** argon2id pool (defaults to the process-wide one). */
  passwords?: PasswordPool;
  lockout: LockoutSettings;
  /** The OIDC provider the finished interaction goes back to (submit). */
  provider: Provider;
  /** Listener for audit rows (the webhook seam). */
  events?: AuditEvents;
}
