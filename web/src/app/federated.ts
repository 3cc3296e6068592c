// Owns leaving the page for an identity provider and coming back: E9 (social) or E11 (enterprise SSO)
// with a fresh random state and this page's callback path as the redirect URI, then the browser goes
// to the provider. What the callback needs — the verification record's id and the state — rides in
// sessionStorage for this tab only (neither is a credential: the record is bound to the interaction's
// cookies); it is read once and removed.
import { socialAuthorizationUri, ssoAuthorizationUri } from '../api/experience.ts';

export type FederatedKind = 'social' | 'sso';

interface Pending {
  verificationId: string;
  state: string;
}

const storageKey = (kind: FederatedKind, connectorId: string) => `verity.${kind}.${connectorId}`;

export const callbackUri = (kind: FederatedKind, connectorId: string) =>
  `${window.location.origin}/callback/${kind}/${encodeURIComponent(connectorId)}`;

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Starts sign-in with a social or SSO connector; the page leaves for the provider. */
export async function startFederated(kind: FederatedKind, connectorId: string): Promise<void> {
  const state = randomState();
  const redirectUri = callbackUri(kind, connectorId);
  const start = kind === 'social' ? socialAuthorizationUri : ssoAuthorizationUri;
  const { authorizationUri, verificationId } = await start(connectorId, state, redirectUri);
  sessionStorage.setItem(storageKey(kind, connectorId), JSON.stringify({ verificationId, state } satisfies Pending));
  window.location.assign(authorizationUri);
}

/** What startFederated kept for this connector (removed as it is read), or null. */
export function takePending(kind: FederatedKind, connectorId: string): Pending | null {
  const key = storageKey(kind, connectorId);
  const raw = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<Pending>;
    return typeof parsed.verificationId === 'string' && typeof parsed.state === 'string'
      ? { verificationId: parsed.verificationId, state: parsed.state }
      : null;
  } catch {
    return null;
  }
}
