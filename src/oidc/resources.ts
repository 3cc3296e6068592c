// The resource servers our provider issues access tokens for (RFC 8707 resource indicators).

/** The Management API (Logto OSS tenant `default`); scope `all` for applications that hold it. */
export const MANAGEMENT_API_RESOURCE = 'https://default.logto.app/api';
export const MANAGEMENT_API_SCOPE = 'all';

/** The OTP API: client-credentials tokens for it authenticate as the application. */
export const OTP_API_RESOURCE = 'urn:verity:otp';
export const OTP_API_SCOPE = 'otp';
