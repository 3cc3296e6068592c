// What the Account API use cases need, as one explicit object.
import type { PasswordPool } from '../../crypto/passwords.ts';
import type { AuditEvents } from '../audit/index.ts';
import type { SendCodeDeps } from '../delivery/send-code.ts';
import type { LockoutSettings } from '../experience/lockout.ts';

export interface AccountDeps extends SendCodeDeps {
  /** argon2id pool (defaults to the process-wide one). */
  passwords?: PasswordPool;
  /** The identifier lockout the Experience API counts in too (experience/lockout.ts). */
  lockout: LockoutSettings;
  /** Listener for audit rows (the webhook seam). */
  events?: AuditEvents;
}
