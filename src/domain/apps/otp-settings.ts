// Owns an application's OTP defaults: the values POST /otp uses for every field the caller omits.
import { z } from 'zod';

export const otpSettingsSchema = z.object({
  template: z.string().min(1).includes('{{pin}}').default('Your verification code is {{pin}}'),
  from: z.string().min(3).max(15).default('Verity'),
  pinType: z.enum(['numbers', 'letters', 'alphanumeric']).default('numbers'),
  pinLength: z.number().int().min(4).max(10).default(6),
  ttl: z.number().int().min(60).max(1800).default(300),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  otpCallbackUrl: z.string().url().nullable().default(null),
});

export type OtpSettings = z.infer<typeof otpSettingsSchema>;

/** Stored settings (possibly partial or from an older version) with defaults filled in. */
export function resolveOtpSettings(stored: unknown): OtpSettings {
  const parsed = otpSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : otpSettingsSchema.parse({});
}
