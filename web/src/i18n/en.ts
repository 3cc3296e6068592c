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
  'register.title': 'Create an account',
  'register.submit': 'Create account',
  'register.password_title': 'Choose a password',
  'register.have_account': 'Already have an account?',
  'register.sign_in': 'Sign in',
  'register.not_allowed': 'Creating an account is turned off for this application.',
  'register.social_only': 'Create your account with one of these services.',
  'register.agree_terms_privacy': 'I agree to the terms of use and the privacy policy',
  'register.agree_terms': 'I agree to the terms of use',
  'register.agree_privacy': 'I agree to the privacy policy',
  'register.read': 'Read them:',
  'register.terms_required': 'Agree to the terms to create an account.',
  'error.user.username_already_in_use': 'This username is taken. Choose another one.',
  'error.user.email_already_in_use': 'An account already uses this email address. Sign in instead.',
  'error.user.phone_already_in_use': 'An account already uses this phone number. Sign in instead.',

  // --- forgot password ---
  'forgot.title': 'Reset your password',
  'forgot.subtitle': 'We will send a verification code to it.',
  'forgot.send': 'Send code',
  'forgot.new_title': 'Choose a new password',
  'forgot.submit': 'Change password',
  'forgot.done_title': 'Your password is changed',
  'forgot.done_body': 'You can now sign in with your new password.',
  'forgot.back_to_sign_in': 'Back to sign in',
  'forgot.unavailable': 'Password reset is not available here. Contact support for help.',
  'error.user.user_not_exist': 'There is no account with this email address or phone number.',
  'error.user.same_password': 'The new password must be different from the current one.',

  // --- profile fulfilment ---
  'profile.subtitle': 'The application needs this before you go on.',
  'profile.add_email': 'Add your email address',
  'profile.add_phone': 'Add your phone number',
  'profile.add_email_or_phone': 'Add your email address or phone number',
  'profile.add_username': 'Choose a username',
  'profile.add_password': 'Choose a password',
  'profile.send_code': 'Send code',
  'profile.save': 'Save and continue',
  'profile.change': 'Use another one',

  // --- password policy ---
  'password.new': 'New password',
  'password.rules_title': 'Your password needs:',
  'password.rule_length': 'Between {{min}} and {{max}} characters',
  'password.rule_types': 'At least {{min}} of: lowercase letters, uppercase letters, digits, symbols',
  'password.rule_met': 'met',
  'password.rule_unmet': 'not met yet',
  'password.all_met': 'The password meets every rule.',
  'password.some_met': '{{met}} of {{total}} rules met.',
  'password.rejected_check': 'This password cannot be used. The reasons are under the field.',
  'password.reason.too_short': 'It is shorter than {{min}} characters.',
  'password.reason.too_long': 'It is longer than {{max}} characters.',
  'password.reason.character_types': 'It needs at least {{min}} kinds of characters (lowercase letters, uppercase letters, digits, symbols).',
  'password.reason.unsupported_characters': 'It has characters that are not allowed: use only letters A to Z, digits and symbols.',
  'password.reason.pwned': 'It is a commonly used password, easy to guess.',
  'password.reason.repetition': 'It is mostly repeated characters (like aaa).',
  'password.reason.sequence': 'It is mostly a sequence (like abc, 123 or qwerty).',
  'password.reason.user_info': 'It contains your personal information (like your username, email address or phone number).',
  'password.reason.words': 'It contains a word that is not allowed: {{words}}.',
  'error.password.rejected': 'This password cannot be used.',

  // --- mfa ---

  // --- social and sso ---


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
