// What the Account API use cases need, as one explicit object.
import type { PasswordPool } from '../../crypto/passwords.ts';
import type { AuditEvents } from '../audit/index.ts';
import type { SendCodeDeps } from '../delivery/send-code.ts';
import type { LockoutSettings } from '../experience/lockout.ts';
import type { SocialConnectors } from '../social/types.ts';

export interface AccountDeps extends SendCodeDeps {
  /** argon2id pool (defaults to the process-wide one). */
  passwords?: PasswordPool;
  /** The identifier lockout the Experience API counts in too (experience/lockout.ts). */
  lockout: LockoutSettings;
  /** Listener for audit rows (the webhook seam). */
  events?: AuditEvents;
  /** The stored social connectors (A4, A5, M9). */
  social: SocialConnectors;
}
