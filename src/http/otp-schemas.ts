// The OTP API's wire schemas (SMS.cx, camelCase) and the map from a schema failure to its numeric
// error code. One schema validates the request, types the handler and documents the route.
import { z } from 'zod';
import type { OtpErrorKey } from '../domain/errors.ts';

// The SMS.cx client validates trackId as a lowercase hex UUID v1–v5.
const UUID_V1_5 = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Integers may arrive as numeric strings from loosely typed callers.
const integer = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v), z.number().int().min(min).max(max));
// An explicit null means "use the application's default", as an omitted field does.
const opt = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());

export const NewOtpRequest = z
  .object({
    phoneNumber: z.string().trim().min(1).describe('E.164 (+447700900123) or national with countryIso'),
    countryIso: opt(z.string().max(8)).describe('ISO 3166-1 alpha-2; required for national numbers, ignored for E.164'),
    from: opt(z.string().min(3).max(15)).describe('Sender name, 3–15 characters'),
    template: opt(z.string().min(1).refine((t) => t.includes('{{pin}}'), 'must contain {{pin}}')).describe(
      'Message text containing {{pin}}',
    ),
    trackId: opt(z.string().regex(UUID_V1_5)).describe('Your own UUID (v1–v5), echoed back'),
    ttl: opt(integer(60, 1800)).describe('Seconds the PIN stays valid, 60–1800'),
    maxAttempts: opt(integer(1, 10)).describe('Wrong PINs allowed before the OTP fails, 1–10'),
    pinType: opt(z.enum(['letters', 'numbers', 'alphanumeric'])),
    pinLength: opt(integer(4, 10)).describe('4–10'),
    otpCallbackUrl: opt(z.url({ protocol: /^https?$/ })).describe('Receives signed otp_update callbacks'),
  })
  .describe('NewOtpRequest');

export const OtpStatus = z.enum(['PENDING', 'VERIFIED', 'EXPIRED', 'CANCELLED', 'FAILED']);

export const DataOtp = z
  .object({
    otpId: z.string().uuid(),
    trackId: z.string().nullable(),
    phoneNumber: z.string(),
    countryIso: z.string(),
    status: OtpStatus,
    cost: z.number(),
    parts: z.number().int(),
    maxAttempts: z.number().int(),
    attempts: z.number().int(),
    ttl: z.number().int(),
    otpCallbackUrl: z.string().nullable(),
    dateCreated: z.string().datetime(),
    dateExpires: z.string().datetime(),
  })
  .describe('DataOtp');

export const VerifyPinRequest = z
  .object({ pin: z.union([z.string().trim().min(1), z.number().int().nonnegative()]).transform(String) })
  .describe('VerifyPinRequest');
export const VerifyPinResponse = z.object({ status: z.literal('VERIFIED') }).describe('VerifyPinResponse');
export const CancelOtpResponse = z.object({ info: z.object({ id: z.string().uuid() }) }).describe('CancelOtpResponse');
export const OtpIdParams = z.object({ otpId: z.string().describe('OTP id: lowercase UUID, 36 characters') });

export const SmsCxError = z
  .object({
    error: z.object({ type: z.string(), message: z.string(), uri: z.string(), code: z.number().int() }),
  })
  .describe('Error');

/** Which error a failing field raises, by field and kind of failure (zod issue code). */
type FieldCodes = { missing: OtpErrorKey; invalid: OtpErrorKey } & Partial<Record<'too_small' | 'too_big', OtpErrorKey>>;

const newOtpFields: Record<string, FieldCodes> = {
  phoneNumber: { missing: 'phone_missing', invalid: 'phone_invalid' },
  countryIso: { missing: 'country_missing', invalid: 'country_invalid' },
  from: { missing: 'from_missing', invalid: 'from_invalid' },
  template: { missing: 'template_missing', invalid: 'template_no_pin' },
  trackId: { missing: 'track_id_invalid', invalid: 'track_id_invalid' },
  ttl: { missing: 'ttl_not_number', invalid: 'ttl_not_number', too_small: 'ttl_too_small', too_big: 'ttl_too_big' },
  maxAttempts: {
    missing: 'attempts_not_number',
    invalid: 'attempts_not_number',
    too_small: 'attempts_too_small',
    too_big: 'attempts_too_big',
  },
  pinType: { missing: 'pin_type_missing', invalid: 'pin_type_invalid' },
  pinLength: {
    missing: 'pin_length_not_number',
    invalid: 'pin_length_not_number',
    too_small: 'pin_length_too_small',
    too_big: 'pin_length_too_big',
  },
  otpCallbackUrl: { missing: 'callback_url_invalid', invalid: 'callback_url_invalid' },
};

const verifyFields: Record<string, FieldCodes> = { pin: { missing: 'pin_missing', invalid: 'pin_missing' } };

export interface Issue {
  path: PropertyKey[];
  code: string;
}

function mapper(fields: Record<string, FieldCodes>) {
  return (issues: readonly Issue[], body: unknown): OtpErrorKey => {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) return 'invalid_body';
    const first = issues[0];
    const field = first ? String(first.path[0] ?? '') : Object.keys(fields)[0]!;
    const codes = fields[field];
    if (!codes || !first) return Object.values(fields)[0]!.missing;
    const value = (body as Record<string, unknown> | undefined)?.[field];
    // "empty or not set": absent, or an empty string where text was expected
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) return codes.missing;
    // too_small / too_big are mapped only for numeric fields; for text they are plain invalid values
    if (first.code === 'too_small' && codes.too_small) return codes.too_small;
    if (first.code === 'too_big' && codes.too_big) return codes.too_big;
    return codes.invalid;
  };
}

/** Maps the failed validation of a request body to the documented OTP error. */
export const newOtpError = mapper(newOtpFields);
export const verifyPinError = mapper(verifyFields);
