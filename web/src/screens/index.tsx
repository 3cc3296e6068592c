// Every screen by name (app/nav.ts Screen). One line per screen; each area keeps its screens in its folder.
import type { FunctionComponent } from 'preact';
import type { Screen, ScreenName } from '../app/nav.ts';
import { BackupCodes } from './mfa/BackupCodes.tsx';
import { MfaBind } from './mfa/MfaBind.tsx';
import { MfaVerify } from './mfa/MfaVerify.tsx';
import { ForgotPassword } from './forgot-password/ForgotPassword.tsx';
import { ForgotPasswordCode } from './forgot-password/ForgotPasswordCode.tsx';
import { ForgotPasswordDone } from './forgot-password/ForgotPasswordDone.tsx';
import { ForgotPasswordNew } from './forgot-password/ForgotPasswordNew.tsx';
import { Profile } from './profile/Profile.tsx';
import { Register } from './register/Register.tsx';
import { RegisterCode } from './register/RegisterCode.tsx';
import { RegisterPassword } from './register/RegisterPassword.tsx';
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
  register: Register,
  'register-code': RegisterCode,
  'register-password': RegisterPassword,
  // forgot password
  'forgot-password': ForgotPassword,
  'forgot-password-code': ForgotPasswordCode,
  'forgot-password-new': ForgotPasswordNew,
  'forgot-password-done': ForgotPasswordDone,
  // profile fulfilment
  profile: Profile,
  // mfa
  'mfa-verify': MfaVerify,
  'mfa-bind': MfaBind,
  'mfa-backup-codes': BackupCodes,
  // social and sso
  'social-callback': SocialCallback,
  'social-link': SocialLink,
  'sso-email': SsoEmail,
  'sso-callback': SsoCallback,
};
