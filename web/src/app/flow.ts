// Owns the end of every path through the page: identify (E3) and submit (E4), and what the server's
// answer asks for next — a missing profile field, an MFA proof, an MFA factor to set up — or the
// redirect back to the application. Screens call these instead of E3/E4 directly.
import { ApiError } from '../api/client.ts';
import { identify, submit, type MfaFactor } from '../api/experience.ts';
import type { AppContext, IdentifyBody, Screen } from './nav.ts';

/** The screen an error asks for, or null when it is an error to show. */
export function nextStepOf(error: unknown): Screen | null {
  if (!(error instanceof ApiError)) return null;
  const data = (error.data ?? {}) as { missingProfile?: unknown; availableFactors?: unknown; skippable?: unknown };
  const factors = Array.isArray(data.availableFactors) ? (data.availableFactors as MfaFactor[]) : [];
  switch (error.code) {
    case 'user.missing_profile':
      return { name: 'profile', missing: Array.isArray(data.missingProfile) ? data.missingProfile.map(String) : [] };
    case 'session.mfa.require_mfa_verification':
      return { name: 'mfa-verify', factors };
    case 'user.missing_mfa':
      return { name: 'mfa-bind', factors, skippable: data.skippable === true };
    case 'session.mfa.backup_code_required':
      return { name: 'mfa-backup-codes' };
    case 'session.not_found':
    case 'session.interaction_not_found':
      return { name: 'session-expired' };
    default:
      return null;
  }
}

/** Leaves the page for the application (the provider's resume URL). */
export function leave(redirectTo: string): void {
  window.location.assign(redirectTo);
}

/**
 * E4, then back to the application; a step the server still needs moves to its screen. Other errors
 * are thrown for the screen to show. Resolves true when the page is leaving.
 */
export async function finish(app: Pick<AppContext, 'go'>): Promise<boolean> {
  try {
    const result = await submit();
    if (result?.redirectTo) {
      leave(result.redirectTo);
      return true;
    }
    return false;
  } catch (error) {
    const next = nextStepOf(error);
    if (!next) throw error;
    app.go(next);
    return false;
  }
}

/**
 * E3 with a verified record, then finish(). Fields missing at E3 (a Register) go to the profile screen
 * with this E3's body, so that it is retried, with the same record, once they are staged.
 */
export async function identifyAndFinish(app: Pick<AppContext, 'go'>, body: IdentifyBody = {}): Promise<boolean> {
  try {
    await identify(body);
  } catch (error) {
    const next = nextStepOf(error);
    if (!next) throw error;
    app.go(next.name === 'profile' ? { ...next, identify: body } : next);
    return false;
  }
  return finish(app);
}
