// Owns what the page shows: the screens as tagged data, and the context every screen reads — the
// settings, the language, and `go` to move to another screen. Screens live under screens/<area>/.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Identifier, identify, MfaFactor } from '../api/experience.ts';
import type { Settings } from '../api/settings.ts';
import type { Translate } from '../i18n/index.ts';

export type Screen =
  // sign in (screens/sign-in)
  | { name: 'sign-in' }
  | { name: 'password'; identifier: Identifier }
  | { name: 'sign-in-code'; identifier: Identifier; verificationId: string }
  | { name: 'session-expired' }
  // registration (screens/register)
  | { name: 'register' }
  | { name: 'register-code'; identifier: Identifier; verificationId: string }
  // the password of a code sign-up, staged (E24) before E3 creates the user with the code's record
  | { name: 'register-password'; verificationId: string }
  // forgot password (screens/forgot-password)
  | { name: 'forgot-password' }
  | { name: 'forgot-password-code'; identifier: Identifier; verificationId: string }
  | { name: 'forgot-password-new'; identifier: Identifier }
  | { name: 'forgot-password-done' }
  // what Verity still needs before it signs the person in (screens/profile, screens/mfa)
  // `identify`: the E3 body of a Register that failed at E3, retried once the fields are staged (else E4)
  | { name: 'profile'; missing: string[]; identify?: IdentifyBody }
  | { name: 'mfa-verify'; factors: MfaFactor[] }
  | { name: 'mfa-bind'; factors: MfaFactor[]; skippable: boolean }
  | { name: 'mfa-backup-codes' }
  // federated sign-in (screens/social)
  | { name: 'social-callback'; connectorId: string }
  | { name: 'social-link'; verificationId: string; relatedUser: { type: 'email' | 'phone'; value: string } }
  | { name: 'sso-email' }
  | { name: 'sso-callback'; connectorId: string };

export type ScreenName = Screen['name'];
export type IdentifyBody = NonNullable<Parameters<typeof identify>[0]>;

export interface AppContext {
  settings: Settings;
  language: string;
  setLanguage(language: string): void;
  t: Translate;
  go(screen: Screen): void;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const app = useContext(App);
  if (!app) throw new Error('useApp outside the app');
  return app;
}

/** The first screen of a path: /register, /forgot-password, the social and SSO callbacks, else sign-in. */
export function screenOfPath(pathname: string): Screen {
  const callback = /^\/callback\/(social|sso)\/([^/]+)\/?$/.exec(pathname);
  if (callback) return { name: callback[1] === 'social' ? 'social-callback' : 'sso-callback', connectorId: decodeURIComponent(callback[2]!) };
  if (pathname.startsWith('/register')) return { name: 'register' };
  if (pathname.startsWith('/forgot-password')) return { name: 'forgot-password' };
  return { name: 'sign-in' };
}

/** The path a top-level screen shows in the address bar (the interaction's query is kept). */
export const PATHS: Partial<Record<ScreenName, string>> = {
  'sign-in': '/sign-in',
  register: '/register',
  'forgot-password': '/forgot-password',
};

