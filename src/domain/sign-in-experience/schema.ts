// Owns the shape of the sign-in experience (Logto v1.22.0 `SignInExperiences.guard`): the full
// object GET returns and the subset PATCH accepts. Unknown keys are stripped, as Logto's guards do.
import { z } from 'zod';

export const SignInIdentifier = z.enum(['username', 'email', 'phone']);
export const MfaFactor = z.enum(['Totp', 'WebAuthn', 'BackupCode']);

const hex = z.string().regex(/^#[\da-f]{3}([\da-f]{3})?$/i);
const url = z.url();
/** URL fields and supportEmail also accept "" or null. */
const optionalUrl = z.union([url.max(2048), z.literal('')]).nullable();
const optionalEmail = z.union([z.string().regex(/^\S+@\S+\.\S+$/), z.literal('')]).nullable();

export const SignInMethod = z.object({
  identifier: SignInIdentifier,
  password: z.boolean(),
  verificationCode: z.boolean(),
  isPasswordPrimary: z.boolean(),
});
export const SignIn = z.object({ methods: z.array(SignInMethod) });
export const SignUp = z.object({ identifiers: z.array(SignInIdentifier), password: z.boolean(), verify: z.boolean() });
export const Mfa = z.object({ factors: z.array(MfaFactor), policy: z.enum(['UserControlled', 'Mandatory']) });

/** Stored as given: every part optional; readers fill defaults (password-policy.ts). */
export const PartialPasswordPolicy = z.object({
  length: z.object({ min: z.number().int().min(1).optional(), max: z.number().int().min(1).optional() }).optional(),
  characterTypes: z.object({ min: z.number().int().min(1).max(4).optional() }).optional(),
  rejects: z
    .object({
      pwned: z.boolean().optional(),
      repetitionAndSequence: z.boolean().optional(),
      userInfo: z.boolean().optional(),
      words: z.array(z.string()).optional(),
    })
    .optional(),
});

const fields = {
  color: z.object({ primaryColor: hex, isDarkModeEnabled: z.boolean(), darkPrimaryColor: hex }),
  branding: z.object({
    logoUrl: url.optional(),
    darkLogoUrl: url.optional(),
    favicon: url.optional(),
    darkFavicon: url.optional(),
  }),
  languageInfo: z.object({
    autoDetect: z.boolean(),
    fallbackLanguage: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z\d]{2,8})*$/, 'a language tag'),
  }),
  termsOfUseUrl: optionalUrl,
  privacyPolicyUrl: optionalUrl,
  agreeToTermsPolicy: z.enum(['Automatic', 'ManualRegistrationOnly', 'Manual']),
  signIn: SignIn,
  signUp: SignUp,
  socialSignIn: z.object({ automaticAccountLinking: z.boolean().optional() }),
  socialSignInConnectorTargets: z.array(z.string()),
  signInMode: z.enum(['SignIn', 'Register', 'SignInAndRegister']),
  customCss: z.string().nullable(),
  customContent: z.record(z.string(), z.string()),
  customUiAssets: z.object({ id: z.string(), createdAt: z.number() }).nullable(),
  passwordPolicy: PartialPasswordPolicy,
  mfa: Mfa,
  singleSignOnEnabled: z.boolean(),
  supportEmail: optionalEmail,
  supportWebsiteUrl: optionalUrl,
  unknownSessionRedirectUrl: optionalUrl,
};

export const SignInExperience = z
  .object({ tenantId: z.string(), id: z.string(), ...fields })
  .describe('SignInExperience');

/** PATCH body: any subset; each field given is replaced whole. */
export const SignInExperiencePatch = z.object(fields).partial().describe('UpdateSignInExperienceRequest');

export type SignInExperience = z.infer<typeof SignInExperience>;
export type SignInExperiencePatch = z.infer<typeof SignInExperiencePatch>;
export type SignIn = z.infer<typeof SignIn>;
export type SignUp = z.infer<typeof SignUp>;
export type Mfa = z.infer<typeof Mfa>;
export type PartialPasswordPolicy = z.infer<typeof PartialPasswordPolicy>;
