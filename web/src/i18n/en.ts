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
  'mfa.verify_title': 'Confirm it is you',
  'mfa.verify_totp': 'Enter the 6-digit code your authenticator app shows.',
  'mfa.verify_webauthn': 'Use your passkey: your device will ask for your fingerprint, face, screen lock or security key.',
  'mfa.verify_backup_code': 'Enter one of the backup codes you saved. Each code works once.',
  'mfa.totp_code': 'Authenticator app code',
  'mfa.totp_code_required': 'Enter the code from your authenticator app',
  'mfa.backup_code': 'Backup code',
  'mfa.backup_code_required': 'Enter a backup code',
  'mfa.use_passkey': 'Use passkey',
  'mfa.use_totp': 'Use your authenticator app instead',
  'mfa.use_webauthn': 'Use a passkey instead',
  'mfa.use_backup_code': 'Use a backup code instead',
  'mfa.passkey_cancelled': 'The passkey was not used. Try again, or choose another way.',
  'mfa.passkey_unsupported': 'This browser cannot use passkeys. Choose another way.',
  'mfa.bind_title': 'Add a second sign-in step',
  'mfa.bind_intro': 'Choose how you will confirm it is you each time you sign in.',
  'mfa.factor_totp': 'Authenticator app',
  'mfa.factor_totp_hint': 'A 6-digit code from an app on your phone',
  'mfa.factor_webauthn': 'Passkey',
  'mfa.factor_webauthn_hint': 'Your fingerprint, face, screen lock or a security key',
  'mfa.factor_backup_code': 'Backup codes',
  'mfa.factor_backup_code_hint': 'One-time codes to keep somewhere safe',
  'mfa.choose_another': 'Choose another way',
  'mfa.skip': 'Skip for now',
  'mfa.totp_title': 'Set up your authenticator app',
  'mfa.totp_scan': 'Scan this QR code with your authenticator app.',
  'mfa.totp_qr_alt': 'QR code that adds this account to an authenticator app',
  'mfa.totp_manual': 'Cannot scan it? Enter this key in the app instead:',
  'mfa.totp_then': 'Then enter the 6-digit code the app shows.',
  'mfa.webauthn_title': 'Create a passkey',
  'mfa.webauthn_intro': 'Your device will ask you to confirm with your fingerprint, face, screen lock or a security key.',
  'mfa.webauthn_create': 'Create passkey',
  'mfa.backup_title': 'Save your backup codes',
  'mfa.backup_intro': 'If you lose your other sign-in step, each of these codes lets you sign in once. Keep them somewhere safe: they will not be shown again.',
  'mfa.backup_copy': 'Copy codes',
  'mfa.backup_copied': 'The codes are copied.',
  'mfa.backup_copy_failed': 'The codes could not be copied. Download them or write them down instead.',
  'mfa.backup_download': 'Download the codes (.txt)',
  'mfa.backup_file_title': 'Backup codes. Each code works once. Keep this file somewhere safe.',
  'mfa.backup_saved': 'I have saved these codes',
  'mfa.backup_saved_required': 'Confirm that you have saved the codes first.',
  'error.session.mfa.invalid_totp_code': 'That code is not right. Enter the code your authenticator app shows now.',
  'error.session.mfa.invalid_backup_code': 'That backup code is not right, or it was already used.',
  'error.session.mfa.webauthn_verification_failed': 'The passkey could not be verified. Try again, or choose another way.',
  'error.session.mfa.webauthn_verification_not_found': 'There is no passkey on this account. Choose another way.',
  'error.session.mfa.pending_info_not_found': 'This step has expired. Start it again.',
  'error.session.mfa.mfa_factor_not_enabled': 'This way of confirming it is you is not available. Choose another.',
  'error.session.mfa.backup_code_can_not_be_alone': 'Backup codes need another sign-in step. Set up an authenticator app or a passkey first.',
  'error.session.mfa.mfa_policy_not_user_controlled': 'This application requires a second sign-in step; it cannot be skipped.',
  'error.user.totp_already_in_use': 'An authenticator app is already set up on this account.',

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
