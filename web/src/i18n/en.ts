// The English catalogue: every phrase of the page. Other languages (fr.ts, …) must have every key.
// Keys are grouped by screen; `error.<code>` is the message a person reads for an Experience API code.
export const en = {
  // --- common ---
  'common.continue': 'Continue',
  'common.back': 'Back',
  'common.loading': 'Loading…',
  'common.language': 'Language',
  'common.or': 'or',
  'common.terms': 'Terms of use',
  'common.privacy': 'Privacy policy',
  'common.support': 'Contact support',
  'common.logo_alt': 'Logo',
  'common.show_password': 'Show password',
  'common.hide_password': 'Hide password',
  'common.required': '{{field}} is required',
  'common.working': 'Please wait…',

  // --- identifier fields ---
  'field.username': 'Username',
  'field.email': 'Email',
  'field.phone': 'Phone number',
  'field.username_or_email': 'Username or email',
  'field.username_or_phone': 'Username or phone number',
  'field.email_or_phone': 'Email or phone number',
  'field.username_email_or_phone': 'Username, email or phone number',
  'field.password': 'Password',
  'field.code': 'Verification code',
  'field.code_required': 'Enter the code we sent you',
  'field.check_above': 'Check the field above.',
  'field.password_required': 'Enter your password',
  'field.invalid_email': 'Enter a valid email address',
  'field.invalid_phone': 'Enter a valid phone number, with its country code (for example +1 555 010 0100)',
  'field.invalid_username': 'A username starts with a letter or _ and has only letters, digits and _',
  'field.invalid_identifier': 'Enter your {{field}}',

  // --- sign in ---
  'sign_in.title': 'Sign in',
  'sign_in.subtitle': 'Welcome back',
  'sign_in.submit': 'Sign in',
  'sign_in.password_title': 'Enter your password',
  'sign_in.password_for': 'Signing in as {{identifier}}',
  'sign_in.use_code': 'Sign in with a verification code instead',
  'sign_in.use_password': 'Sign in with your password instead',
  'sign_in.no_account': 'No account yet?',
  'sign_in.create_account': 'Create an account',
  'sign_in.forgot_password': 'Forgot your password?',
  'sign_in.change_identifier': 'Use another account',
  'sign_in.signing_in': 'Signing you in…',
  'sign_in.not_allowed': 'Signing in is turned off for this application.',

  // --- verification code ---
  'code.title': 'Enter the verification code',
  'code.sent_to': 'We sent a code to {{identifier}}.',
  'code.resend': 'Send a new code',
  'code.resend_in': 'You can ask for a new code in {{seconds}} s',
  'code.resent': 'A new code is on its way.',
  'code.submit': 'Verify',

  // --- expired or missing interaction ---
  'session.title': 'This sign-in link cannot be used',
  'session.body': 'It has expired or was not opened from an application. Go back to the application and start signing in again.',
  'session.back_to_app': 'Back to the application',

  // --- register (sign-up) ---

  // --- forgot password ---

  // --- profile fulfilment ---

  // --- password policy ---

  // --- mfa ---

  // --- social and sso ---
  'social.area_label': 'Other ways to sign in',
  'social.continue_with': 'Continue with {{name}}',
  'social.callback_title': 'Signing you in',
  'social.failed_title': 'Sign-in did not finish',
  'social.back_to_sign_in': 'Back to sign in',
  'social.error_not_started_here': 'This sign-in cannot be confirmed: it was not started from this page, or it was already used. Start again from the sign-in page.',
  'social.error_cancelled': 'The provider did not sign you in (it was cancelled or refused). You can try again.',
  'social.error_provider': 'The sign-in provider could not confirm who you are. Try again, or sign in another way.',
  'social.error_sso_enabled': 'Your organisation signs you in with single sign-on. Use "Sign in with single sign-on" with your work email instead.',
  'social.link_title': 'You already have an account',
  'social.link_body': 'An account with {{account}} already exists. Link this sign-in method to it, or create a new account.',
  'social.link_existing': 'Link to the existing account {{account}}',
  'social.create_new': 'Create a new account',
  'sso.link': 'Sign in with single sign-on',
  'sso.title': 'Single sign-on',
  'sso.subtitle': 'Enter your work email to sign in through your organisation.',
  'sso.email_label': 'Work email',
  'sso.no_connector': 'There is no single sign-on for this email domain. Go back and sign in another way.',


  // --- errors (error.<code>) ---
  'error.unknown': 'Something went wrong. Please try again.',
  'error.network': 'Verity could not be reached. Check your connection and try again.',
  'error.session.not_found': 'This sign-in session has expired. Go back to the application and start again.',
  'error.session.invalid_credentials': 'The account or password is not right.',
  'error.session.verification_blocked_too_many_attempts': 'Too many failed attempts. This account is locked for a while; try again later.',
  'error.user.suspended': 'This account is suspended.',
};

export type PhraseKey = keyof typeof en;
export type Catalogue = Record<PhraseKey, string>;
