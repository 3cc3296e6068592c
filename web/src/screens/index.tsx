// Every screen by name (app/nav.ts Screen). One line per screen; each area keeps its screens in its folder.
import type { FunctionComponent } from 'preact';
import type { Screen, ScreenName } from '../app/nav.ts';
import { BackupCodes } from './mfa/BackupCodes.tsx';
import { MfaBind } from './mfa/MfaBind.tsx';
import { MfaVerify } from './mfa/MfaVerify.tsx';
import { Pending } from './Pending.tsx';
import { Password } from './sign-in/Password.tsx';
import { SessionExpired } from './sign-in/SessionExpired.tsx';
import { SignIn } from './sign-in/SignIn.tsx';
import { SignInCode } from './sign-in/SignInCode.tsx';

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
  'mfa-verify': MfaVerify,
  'mfa-bind': MfaBind,
  'mfa-backup-codes': BackupCodes,
  // social and sso
  'social-callback': Pending,
  'sso-callback': Pending,
};
