// Owns phone-number rules for the OTP API: E.164 as given, or a national number with countryIso.
// Throws OtpError 2002 (no country for a national number), 2003 (unknown country), 2020 (invalid).
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { OtpError } from '../errors.ts';

export interface Phone {
  e164: string;
  countryIso: string;
}

export function resolvePhone(phoneNumber: string, countryIso: string | undefined): Phone {
  const trimmed = phoneNumber.trim();
  const international = trimmed.startsWith('+');
  let country: CountryCode | undefined;
  if (!international) {
    if (countryIso === undefined || countryIso.trim() === '') throw new OtpError('country_missing');
    const upper = countryIso.trim().toUpperCase();
    if (!/^[A-Z]{2}$/.test(upper) || !isSupportedCountry(upper)) throw new OtpError('country_invalid');
    country = upper;
  }
  const parsed = parsePhoneNumberFromString(trimmed, country);
  if (!parsed || !parsed.isValid()) throw new OtpError('phone_invalid');
  return { e164: parsed.number, countryIso: parsed.country ?? country ?? 'ZZ' };
}
