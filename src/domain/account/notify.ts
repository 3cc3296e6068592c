// Owns the change notices of the Account API (beyond Logto): after a primary email or phone was
// changed or removed, a plain-text email tells the owner what changed and when, so a hijacked
// session cannot quietly move the account to another address. Sent through the stored Email
// connector after the change committed, best effort: a missing connector or a failed send is
// swallowed (counted nowhere in the answer), so the request never fails because of it.
// Throws nothing.
import type { Delivery } from '../../connectors/types.ts';
import type { AccountDeps } from './deps.ts';

export interface AccountChange {
  /** What changed, as a phrase: "email address", "phone number". */
  what: string;
  /** The new value, or null when it was removed. */
  to: string | null;
}

/** The notice's subject and text. */
export function noticeOf(change: AccountChange, at: Date): { subject: string; text: string } {
  const done = change.to === null ? `was removed from your account` : `of your account was changed to ${change.to}`;
  return {
    subject: `Your account's ${change.what} was ${change.to === null ? 'removed' : 'changed'}`,
    text:
      `Your ${change.what} ${done} on ${at.toISOString()}.\n\n` +
      `If you made this change, you can ignore this message. If you did not, secure your account at once: sign in and change your password.`,
  };
}

/** Mails `recipient` about `change`; never throws. */
export async function notifyAccountChange(deps: Pick<AccountDeps, 'senders' | 'clock'>, recipient: string | null, change: AccountChange): Promise<void> {
  if (!recipient) return;
  try {
    const delivery: Delivery | undefined = await deps.senders.resolve('email');
    if (!delivery) return;
    const { subject, text } = noticeOf(change, deps.clock.now());
    await delivery.sender.send({ channel: 'email', to: recipient, subject, text, html: false, code: '', purpose: 'Generic' });
  } catch {
    // Best effort by design (header comment).
  }
}
