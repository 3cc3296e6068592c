// Owns an application's OTP defaults: the values POST /otp uses for every field the caller omits.
// Only what an operator set is stored; the defaults below fill the rest when read.
import { z } from 'zod';

export const otpSettingsPatch = z
  .object({
    template: z.string().min(1).includes('{{pin}}'),
    from: z.string().min(3).max(15),
    pinType: z.enum(['numbers', 'letters', 'alphanumeric']),
    pinLength: z.number().int().min(4).max(10),
    ttl: z.number().int().min(60).max(1800),
    maxAttempts: z.number().int().min(1).max(10),
    otpCallbackUrl: z.url({ protocol: /^https?$/ }).nullable(),
  })
  .partial()
  .strict();

export type OtpSettings = Required<z.infer<typeof otpSettingsPatch>>;

export const OTP_DEFAULTS: OtpSettings = {
  template: 'Your verification code is {{pin}}',
  from: 'Verity',
  pinType: 'numbers',
  pinLength: 6,
  ttl: 300,
  maxAttempts: 3,
  otpCallbackUrl: null,
};

/** Stored settings with defaults filled in; a value that no longer validates falls back to its default. */
export function resolveOtpSettings(stored: unknown): OtpSettings {
  const parsed = otpSettingsPatch.safeParse(stored ?? {});
  return { ...OTP_DEFAULTS, ...(parsed.success ? parsed.data : {}) };
}
