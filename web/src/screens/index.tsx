// Every screen by name (app/nav.ts Screen). One line per screen; each area keeps its screens in its folder.
import type { FunctionComponent } from 'preact';
import type { Screen, ScreenName } from '../app/nav.ts';
import { Pending } from './Pending.tsx';
import { Password } from './sign-in/Password.tsx';
import { SessionExpired } from './sign-in/SessionExpired.tsx';
import { SignIn } from './sign-in/SignIn.tsx';
import { SignInCode } from './sign-in/SignInCode.tsx';
import { SocialCallback } from './social/SocialCallback.tsx';
import { SocialLink } from './social/SocialLink.tsx';
import { SsoCallback } from './social/SsoCallback.tsx';
import { SsoEmail } from './social/SsoEmail.tsx';

type Screens = { [K in ScreenName]: FunctionComponent<{ screen: Extract<Screen, { name: K }> }> };

export const SCREENS: Screens = {
  // sign in
  'sign-in': SignIn,
  password: Password,
  'sign-in-code': SignInCode,
  'session-expired': SessionExpired,
  // registration
  register: Pending,
  'register-code': Pending,
  'register-password': Pending,
  // forgot password
  'forgot-password': Pending,
  'forgot-password-code': Pending,
  'forgot-password-new': Pending,
  'forgot-password-done': Pending,
  // profile fulfilment
  profile: Pending,
  // mfa
  'mfa-verify': Pending,
  'mfa-bind': Pending,
  // social and sso
  'social-callback': SocialCallback,
  'social-link': SocialLink,
  'sso-email': SsoEmail,
  'sso-callback': SsoCallback,
};
