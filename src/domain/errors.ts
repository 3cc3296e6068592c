// The one error catalogue: every failure Verity answers with, its HTTP status and its message.
// OTP (SMS.cx) errors carry the numeric code and type of the SMS.cx envelope; test/errors-catalogue
// checks this table against the documented codes in the spec.

export interface OtpErrorSpec {
  status: number;
  code: number;
  type: string;
  message: string;
}

const p = (code: number, message: string): OtpErrorSpec => ({ status: 400, code, type: 'invalid_param', message });

/** SMS.cx OTP errors 2001–2031 as documented, then Verity's own generic codes (1001–1013). */
export const otpErrors = {
  phone_missing: p(2001, "The parameter 'phoneNumber' is empty or not set"),
  country_missing: p(2002, "The parameter 'countryIso' is empty or not set"),
  country_invalid: p(2003, 'Country ISO provided is invalid'),
  from_missing: p(2004, "The parameter 'from' is empty or not set"),
  from_invalid: p(2005, "The parameter 'from' is not valid (min 3, max 15 characters)"),
  template_missing: p(2006, "The parameter 'template' is empty or not set"),
  template_no_pin: p(2006, "The parameter 'template' does not contain placeholder {{pin}}"),
  ttl_not_number: p(2007, "The parameter 'ttl' is not a number"),
  ttl_too_small: p(2008, "Min value for 'ttl' is 60 seconds"),
  ttl_too_big: p(2009, "Max value for 'ttl' is 1800 seconds (30 mins)"),
  attempts_not_number: p(2010, "The parameter 'maxAttempts' is not a number"),
  attempts_too_small: p(2011, "Min value for 'maxAttempts' is 1"),
  attempts_too_big: p(2012, "Max value for 'maxAttempts' is 10"),
  pin_type_missing: p(2013, "The parameter 'pinType' is empty or not set"),
  pin_type_invalid: p(2014, "Invalid parameter 'pinType'. Must be one of: letters, numbers, alphanumeric"),
  pin_length_not_number: p(2015, "The parameter 'pinLength' is not a number"),
  pin_length_too_small: p(2016, "Min value for 'pinLength' is 4"),
  pin_length_too_big: p(2017, "Max value for 'pinLength' is 10"),
  track_id_invalid: p(2018, "Track ID provided (parameter 'trackId') is not a valid UUID (v1-v5)"),
  callback_url_invalid: p(2019, "The parameter 'otpCallbackUrl' is not a valid URL"),
  phone_invalid: p(2020, 'The phone number provided is invalid'),
  otp_not_found: { status: 404, code: 2021, type: 'not_found', message: 'Otp ID not found' },
  pin_missing: p(2022, 'The parameter pin is empty or not set'),
  otp_verified: { status: 400, code: 2023, type: 'otp_verified', message: 'The OTP was already verified' },
  otp_cancelled: { status: 400, code: 2024, type: 'otp_cancelled', message: 'The OTP was canceled' },
  otp_expired: { status: 400, code: 2025, type: 'otp_expired', message: 'The OTP has expired' },
  otp_failed: { status: 400, code: 2026, type: 'otp_failed', message: 'The OTP has failed, maximum attempts reached' },
  max_attempts: { status: 400, code: 2027, type: 'otp_failed', message: 'Max attempts reached' },
  pin_expired: { status: 400, code: 2028, type: 'otp_expired', message: 'The PIN has expired' },
  pin_invalid: { status: 400, code: 2029, type: 'invalid_pin', message: 'The PIN provided does not verify' },
  cancel_cancelled: { status: 403, code: 2030, type: 'access_denied', message: 'Otp already cancelled' },
  cancel_not_pending: { status: 403, code: 2031, type: 'access_denied', message: 'You cannot cancel a non-pending Otp' },

  invalid_body: { status: 400, code: 1001, type: 'invalid_body', message: 'The request body is not valid JSON' },
  invalid_api_key: { status: 401, code: 1002, type: 'invalid_api_key', message: 'Invalid or missing API key' },
  invalid_client: { status: 401, code: 1003, type: 'invalid_client', message: 'Invalid or unsupported access token' },
  route_not_found: { status: 404, code: 1004, type: 'not_found', message: 'Resource not found' },
  invalid_method: { status: 405, code: 1005, type: 'invalid_method', message: 'Method not allowed on this resource' },
  body_too_large: { status: 413, code: 1006, type: 'invalid_body', message: 'The request body is too large' },
  rate_limit: { status: 429, code: 1007, type: 'rate_limit', message: 'Too many requests' },
  send_limit: { status: 429, code: 1011, type: 'rate_limit', message: 'Too many codes sent; try again later' },
  server_error: { status: 500, code: 1008, type: 'server_error', message: 'Internal server error' },
  gateway_failed: { status: 502, code: 1009, type: 'server_error', message: 'The SMS gateway did not accept the message' },
  no_sms_connector: { status: 503, code: 1010, type: 'server_error', message: 'No SMS connector is configured' },
  invalid_text: {
    status: 400,
    code: 1012,
    type: 'invalid_param',
    message: 'The request holds text that cannot be stored (NUL, unpaired surrogate, bad encoding), too long or nested too deeply',
  },
  unavailable: { status: 503, code: 1013, type: 'server_error', message: 'The database is unavailable; try again shortly' },
} as const satisfies Record<string, OtpErrorSpec>;

export type OtpErrorKey = keyof typeof otpErrors;

/** A failure of the OTP API; the HTTP layer renders it in the SMS.cx envelope. */
export class OtpError extends Error {
  readonly spec: OtpErrorSpec;
  constructor(
    readonly key: OtpErrorKey,
    readonly headers: Record<string, string> = {},
  ) {
    super(otpErrors[key].message);
    this.name = 'OtpError';
    this.spec = otpErrors[key];
  }
}

/** Refusal by the abuse policy; carries what the rate-limit headers report. */
export class RateLimitedError extends Error {
  constructor(
    readonly scope: 'key' | 'send',
    readonly limit: number,
    readonly resetAt: Date,
  ) {
    super('rate limited');
    this.name = 'RateLimitedError';
  }
}

/** A connector could not deliver a message (gateway down, refused, timed out). */
export class DeliveryError extends Error {
  /** `unavailable`: the gateway did not answer usefully (network, timeout, 5xx, 429, busy);
   *  `rejected`: it answered and refused this message (the gateway is up). connectors/guard.ts counts
   *  only the first towards opening its circuit breaker. */
  readonly kind: 'unavailable' | 'rejected';
  constructor(
    readonly connector: string,
    message: string,
    options?: { cause?: unknown; kind?: 'unavailable' | 'rejected' },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
    this.kind = options?.kind ?? 'unavailable';
  }
}

/** No connector exists for the channel a message needs. */
export class NoConnectorError extends Error {
  constructor(readonly channel: 'sms' | 'email') {
    super(`No ${channel} connector is configured`);
    this.name = 'NoConnectorError';
  }
}

/**
 * Text PostgreSQL cannot store, or input past the limits (http/text-guard.ts): a NUL character, an
 * unpaired UTF-16 surrogate or undecodable percent-encoding, JSON nested too deeply, a path segment
 * too long. Every family answers it with its 400 (OTP 1012 invalid_text, Logto guard.invalid_input,
 * OIDC invalid_request).
 */
export class UnstorableInputError extends Error {
  constructor(
    /** Where in the request: `body`, `query`, `path` or `header`, then keys, e.g. [body, profile, name]. */
    readonly path: readonly string[],
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'UnstorableInputError';
  }

  /** The path as text: plain keys as they are, any other JSON-quoted (so NUL and lone surrogates are escaped). */
  get where(): string {
    return this.path.map((key) => (/^[\w$-]+$/.test(key) ? key : JSON.stringify(key))).join('.');
  }
}

/** Logto-family errors (Management, Experience, Account APIs): body {code, message[, data]}. */
export const logtoErrors = {
  'guard.invalid_input': { status: 400, message: 'The request input is invalid.' },
  'auth.authorization_header_missing': { status: 401, message: 'Authorization header is missing.' },
  'auth.authorization_token_type_not_supported': { status: 401, message: 'Authorization type is not supported.' },
  'auth.unauthorized': { status: 401, message: 'Unauthorized. Please check credentials and its scope.' },
  'auth.jwt_sub_missing': { status: 401, message: 'Missing `sub` in JWT.' },
  'auth.forbidden': { status: 403, message: 'Forbidden. Please check your user roles and permissions.' },
  'connector.not_found': { status: 501, message: 'Can not find any available connector for this type.' },
  'connector.general': { status: 400, message: 'An unexpected error occurred in the connector.' },
  'connector.rate_limit_exceeded': { status: 429, message: 'Too many messages sent; try again later.' },
  'verification_code.not_found': { status: 400, message: 'Verification code not found. Please send verification code first.' },
  'verification_code.expired': { status: 400, message: 'Verification code has expired. Please send a new verification code.' },
  'verification_code.exceed_max_try': {
    status: 400,
    message: 'Exceeded the maximum number of verification attempts. Please send a new verification code.',
  },
  'verification_code.code_mismatch': { status: 400, message: 'Invalid verification code.' },
  'verification_code.email_mismatch': { status: 400, message: 'Email mismatch. Please request a new verification code.' },
  'verification_code.phone_mismatch': { status: 400, message: 'Phone mismatch. Please request a new verification code.' },
  'entity.not_found': { status: 404, message: 'The entity does not exist.' },
  'entity.not_exists_with_id': { status: 404, message: 'The entity with the given id does not exist.' },
  'request.invalid_input': { status: 400, message: 'Input is invalid.' },
  'guard.invalid_pagination': { status: 400, message: 'Invalid pagination value.' },
  // Verity's own (as /api/status answers it): the database connection failed; sent with Retry-After.
  'status.database_unavailable': { status: 503, message: 'The database does not answer.' },
  // --- applications (add codes below this line) ---
  'application.use_saml_app_api': { status: 400, message: 'Use the `/api/saml-applications` API to operate SAML apps.' },
  'application.protected_app_metadata_is_required': { status: 400, message: 'Protected app metadata is required.' },
  'application.invalid_third_party_application_type': {
    status: 400,
    message: 'Only traditional web applications can be marked as a third-party app.',
  },
  'application.protected_app_not_configured': {
    status: 501,
    message: 'Protected app provider is not configured. This feature is not available for open source version.',
  },
  'application.secret_name_exists': { status: 422, message: 'Secret name already exists.' },
  // --- users (add codes below this line) ---
  'password.rejected': { status: 422, message: 'The password was rejected.' },
  'user.same_password': { status: 422, message: 'The new password cannot be the same as the current password.' },
  'user.username_already_in_use': { status: 422, message: 'This username is already in use.' },
  'user.email_already_in_use': { status: 422, message: 'This email is associated with an existing account.' },
  'user.phone_already_in_use': { status: 422, message: 'This phone number is associated with an existing account.' },
  'user.password_and_digest': { status: 400, message: 'You cannot set both plain text password and password digest.' },
  'user.password_algorithm_required': { status: 400, message: 'Password algorithm is required.' },
  'user.cannot_delete_self': { status: 400, message: 'You cannot delete yourself.' },
  'session.invalid_credentials': { status: 422, message: 'Account or password is incorrect.' },
  // Verity's own: the bounded password-hashing pool is full (crypto/passwords.ts); sent with Retry-After.
  'user.password_hashing_busy': { status: 503, message: 'Too many password operations at once; try again shortly.' },
  // --- sign-in experience and connectors (add codes below this line) ---
  'sign_in_experiences.unsupported_default_language': { status: 400, message: 'This language is not supported at the moment.' },
  'sign_in_experiences.enabled_connector_not_found': { status: 400, message: 'Enabled connector of this type is not found.' },
  'sign_in_experiences.username_requires_password': {
    status: 400,
    message: 'Must enable set a password for username sign-up identifier.',
  },
  'sign_in_experiences.passwordless_requires_verify': {
    status: 400,
    message: 'Must enable verify for email/phone sign-up identifier.',
  },
  'sign_in_experiences.at_least_one_authentication_factor': {
    status: 400,
    message: 'You have to select at least one authentication factor.',
  },
  'sign_in_experiences.miss_sign_up_identifier_in_sign_in': {
    status: 400,
    message: 'Sign-in methods must contain the sign-up identifier.',
  },
  'sign_in_experiences.password_sign_in_must_be_enabled': {
    status: 400,
    message: 'Password sign-in must be enabled when set a password is required in sign up.',
  },
  'sign_in_experiences.code_sign_in_must_be_enabled': {
    status: 400,
    message: 'Verification code sign-in must be enabled when set a password is not required in sign up.',
  },
  'sign_in_experiences.duplicated_mfa_factors': { status: 400, message: 'Duplicated MFA factors.' },
  'sign_in_experiences.backup_code_cannot_be_enabled_alone': { status: 400, message: 'Backup code can not be enabled alone.' },
  'connector.not_found_with_connector_id': { status: 422, message: 'Can not find connector with given standard connector id.' },
  'connector.invalid_config': { status: 400, message: "The connector's config is invalid." },
  'connector.unexpected_type': { status: 400, message: "The connector's type is unexpected." },
  'connector.template_not_found': { status: 400, message: 'Unable to find correct template in connector config.' },
  'connector.can_not_modify_target': { status: 400, message: 'Connector target can not be modified.' },
  'connector.cannot_overwrite_metadata_for_non_standard_connector': {
    status: 400,
    message: "This connector's metadata can not be overwritten.",
  },
  'connector.invalid_type_for_syncing_profile': { status: 422, message: 'You can only sync user profile with social connectors.' },
  'connector.id_already_exists': { status: 422, message: 'A connector with this id already exists.' },
  'connector.should_specify_target': { status: 400, message: 'You should specify `target`.' },
  'connector.multiple_instances_not_supported': { status: 422, message: 'Multiple instances are not supported for this connector.' },
  'connector.multiple_target_with_same_platform': { status: 422, message: 'You can not have multiple social connectors that have same target and platform.' },
  'connector.social_auth_code_invalid': { status: 401, message: 'Can not get access token, please check authorization code.' },
  'session.connector_validation_session_not_found': { status: 400, message: 'The connector session for token validation is not found.' },
  'connector.invalid_metadata': { status: 400, message: "The connector's metadata is invalid." },
  // SSO connectors (management-core-api.md §6)
  'single_sign_on.duplicate_connector_name': { status: 409, message: 'Connector name already exists.' },
  'single_sign_on.forbidden_domains': { status: 422, message: 'Public email domains are not allowed.' },
  'single_sign_on.duplicated_domains': { status: 422, message: 'There are duplicate domains.' },
  // Application roles (management-core-api.md §1)
  'application.invalid_type': { status: 422, message: 'Only machine to machine applications can have associated roles.' },
  'application.role_exists': { status: 422, message: 'The role id {{roleId}} is already been added to this application.' },
  'application.invalid_role_type': { status: 422, message: 'Can not assign user type role to machine to machine application.' },
  // --- experience (lockout, domain/experience/lockout.ts) ---
  'session.verification_blocked_too_many_attempts': { status: 400, message: 'Too many attempts. Please try again later.' },
  // --- experience: interaction, verification records, identification (experience-api.md)
  'session.not_found': { status: 400, message: 'Session not found. Please go back and sign in again.' },
  'session.interaction_not_found': { status: 404, message: 'Interaction session not found.' },
  'session.verification_session_not_found': { status: 404, message: 'The verification was not successful. Restart the verification flow and try again.' },
  'session.identifier_not_found': { status: 404, message: 'User identifier not found. Please go back and sign in again.' },
  'session.not_supported_for_forgot_password': { status: 400, message: 'This operation is not supported for forgot password.' },
  'session.verification_failed': { status: 400, message: 'The verification was not successful. Restart the verification flow and try again.' },
  'session.identity_conflict': { status: 409, message: 'The interaction is identified as another user.' },
  'session.invalid_interaction_type': { status: 400, message: 'This operation is not supported for the current interaction.' },
  'user.sign_in_method_not_enabled': { status: 422, message: 'This sign-in method is not enabled.' },
  'user.user_not_exist': { status: 404, message: 'User with {{identifier}} does not exist.' },
  'user.suspended': { status: 401, message: 'This account is suspended.' },
  'user.missing_profile': { status: 422, message: 'You need to provide additional info before signing in.' },
  'user.username_exists_in_profile': { status: 422, message: 'Username already exists in profile.' },
  'user.email_exists_in_profile': { status: 422, message: 'Email already exists in profile.' },
  'user.phone_exists_in_profile': { status: 422, message: 'Phone already exists in profile.' },
  'user.password_exists_in_profile': { status: 422, message: 'Password already exists in profile.' },
  'user.new_password_required_in_profile': { status: 422, message: 'You need to set a new password.' },
  // --- MFA (experience-api.md E13–E23, management-core-api.md U9–U11)
  'session.mfa.require_mfa_verification': { status: 403, message: 'MFA verification is required to sign in.' },
  'session.mfa.invalid_totp_code': { status: 400, message: 'Invalid TOTP code.' },
  'session.mfa.invalid_backup_code': { status: 400, message: 'Invalid backup code.' },
  'session.mfa.pending_info_not_found': { status: 400, message: 'Pending MFA info not found, please initiate MFA first.' },
  'session.mfa.webauthn_verification_failed': { status: 400, message: 'WebAuthn verification failed.' },
  'session.mfa.webauthn_verification_not_found': { status: 400, message: 'WebAuthn verification not found.' },
  'session.mfa.mfa_factor_not_enabled': { status: 400, message: 'MFA factor is not enabled.' },
  'session.mfa.backup_code_can_not_be_alone': { status: 422, message: 'Backup code can not be the only MFA factor.' },
  'session.mfa.backup_code_required': { status: 422, message: 'Backup code is required.' },
  'session.mfa.mfa_policy_not_user_controlled': { status: 422, message: 'MFA policy is not user controlled.' },
  'user.missing_mfa': { status: 422, message: 'You need to bind additional MFA before signing in.' },
  'user.totp_already_in_use': { status: 422, message: 'TOTP is already in use.' },
  'user.totp_secret_invalid': { status: 422, message: 'Invalid TOTP secret supplied.' },
  'user.backup_code_already_in_use': { status: 422, message: 'Backup code is already in use.' },
  'user.wrong_backup_code_format': { status: 422, message: 'Backup code format is invalid.' },
  // --- Account API (account-verifications-api.md, my-account-api.md)
  'account_center.not_enabled': { status: 400, message: 'Account center is not enabled.' },
  'account_center.filed_not_editable': { status: 400, message: 'The field is not editable.' },
  'verification_record.not_found': { status: 400, message: 'Verification record not found.' },
  'verification_record.permission_denied': { status: 401, message: 'Permission denied, please re-authenticate.' },
  'user.username_required': { status: 400, message: 'Username is a required identifier, you can not set it to null.' },
  'user.email_required': { status: 400, message: 'Email is a required identifier, you can not set it to null.' },
  'user.phone_required': { status: 400, message: 'Phone is a required identifier, you can not set it to null.' },
  'user.email_or_phone_required': { status: 400, message: 'Email or phone is a required identifier, at least one is required.' },
  'user.identity_already_in_use': { status: 422, message: 'The social account has been associated with an existing user.' },
  'user.identity_not_exist': { status: 404, message: 'The social account has not been registered yet.' },
  'session.insufficient_info': { status: 400, message: 'Insufficient sign-in info.' },
  'session.sso_enabled': { status: 422, message: 'Single sign-on is enabled for this email domain. Please sign in with SSO.' },
  // Enterprise SSO sign-in (E11, E12): what the IdP or its answer made impossible, as Logto's 500 connector.<code>.
  'connector.authorization_failed': { status: 500, message: 'The user is not authorized by the identity provider.' },
  'session.invalid_connector_id': { status: 422, message: 'Unable to find available connector with id {{connectorId}}.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type LogtoErrorCode = keyof typeof logtoErrors;

/** A failure of a Logto-family API; the HTTP layer renders {code, message, data?}. */
/** The message with each `{{key}}` replaced by the data's value of that key, as Logto's i18n does;
 *  a key the data does not give stays as it is. */
function interpolated(message: string, data: unknown): string {
  if (typeof data !== 'object' || data === null) return message;
  const values = data as Record<string, unknown>;
  return message.replace(/\{\{(\w+)\}\}/g, (whole, key: string) =>
    typeof values[key] === 'string' || typeof values[key] === 'number' ? String(values[key]) : whole,
  );
}

export class LogtoError extends Error {
  readonly status: number;
  /** `status` overrides the catalogue's for the few codes Logto answers with two statuses;
   *  `extra` adds top-level body fields (the OIDC-style session.not_found body). */
  constructor(
    readonly code: LogtoErrorCode,
    readonly data?: unknown,
    status?: number,
    readonly extra?: Record<string, unknown>,
  ) {
    super(interpolated(logtoErrors[code].message, data));
    this.name = 'LogtoError';
    this.status = status ?? logtoErrors[code].status;
  }
}

/** The OIDC-style body Logto answers for a missing or expired OIDC interaction (Experience API). */
export const sessionNotFound = () =>
  new LogtoError('session.not_found', undefined, 400, { error: 'invalid_request', error_description: 'interaction session not found' });
