// Owns leaving the page for an identity provider and coming back: E9 (social) or E11 (enterprise SSO)
// with a fresh random state and this page's callback path as the redirect URI, then the browser goes
// to the provider. What the callback needs — the verification record's id, the state, and the event
// the person started from (sign-in or registration) — rides in sessionStorage for this tab only (none
// is a credential: the record is bound to the interaction's cookies); it is read once and removed.
import { socialAuthorizationUri, ssoAuthorizationUri, type InteractionEvent } from '../api/experience.ts';

export type FederatedKind = 'social' | 'sso';

export interface Pending {
  verificationId: string;
  state: string;
  /** The event E1 started before leaving (SignIn unless the person came from registration). */
  event: InteractionEvent;
}

const storageKey = (kind: FederatedKind, connectorId: string) => `verity.${kind}.${connectorId}`;

export const callbackUri = (kind: FederatedKind, connectorId: string) =>
  `${window.location.origin}/callback/${kind}/${encodeURIComponent(connectorId)}`;

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Starts sign-in with a social or SSO connector (after E1 with `event`); the page leaves for the provider. */
export async function startFederated(kind: FederatedKind, connectorId: string, event: InteractionEvent = 'SignIn'): Promise<void> {
  const state = randomState();
  const redirectUri = callbackUri(kind, connectorId);
  const start = kind === 'social' ? socialAuthorizationUri : ssoAuthorizationUri;
  const { authorizationUri, verificationId } = await start(connectorId, state, redirectUri);
  sessionStorage.setItem(storageKey(kind, connectorId), JSON.stringify({ verificationId, state, event } satisfies Pending));
  window.location.assign(authorizationUri);
}

const EVENTS: readonly InteractionEvent[] = ['SignIn', 'Register', 'ForgotPassword'];

/** What startFederated kept for this connector (removed as it is read), or null. */
export function takePending(kind: FederatedKind, connectorId: string): Pending | null {
  const key = storageKey(kind, connectorId);
  const raw = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<Pending>;
    if (typeof parsed.verificationId !== 'string' || typeof parsed.state !== 'string') return null;
    const event = EVENTS.includes(parsed.event as InteractionEvent) ? (parsed.event as InteractionEvent) : 'SignIn';
    return { verificationId: parsed.verificationId, state: parsed.state, event };
  } catch {
    return null;
  }
}

/**
 * The provider's callback parameters (the query of this page), read once; the address bar then keeps
 * only the callback path, so the one-time code is neither in history nor carried to the next screen.
 */
let captured: Record<string, string> | null = null;

/** At start, before anything renders or loads: a callback's query (the provider's one-time code and
 *  state) is read and removed from the address bar, so it stays in no history entry whatever happens next. */
export function captureCallbackQuery(): void {
  if (!window.location.pathname.startsWith('/callback/')) return;
  captured = Object.fromEntries(new URLSearchParams(window.location.search));
  window.history.replaceState(window.history.state, '', window.location.pathname);
}

/** The provider's callback parameters (captured at start), once. */
export function takeCallbackQuery(): Record<string, string> {
  const query = captured ?? Object.fromEntries(new URLSearchParams(window.location.search));
  captured = null;
  if (window.location.search) window.history.replaceState(window.history.state, '', window.location.pathname);
  return query;
}
