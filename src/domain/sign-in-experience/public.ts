// Owns the sign-in experience as the hosted sign-in page reads it (GET /api/.well-known/sign-in-exp,
// no authentication): what a person may do and how the page looks, never a secret. Social
// connectors are those whose target socialSignInConnectorTargets lists, in its order, with only their
// id, target, name and logos; forgotPassword says which code channels have a connector; the
// password policy is the effective one without its word list (the server names a rejected word);
// verificationCode.resendIntervalSeconds is the minimum the code engine waits between two sends to
// one recipient (the page's resend countdown). Cached until the sign-in experience or a connector
// changes in any process (storage/cache.ts).
import { z } from 'zod';
import { cached } from '../../storage/cache.ts';
import type { Db } from '../../storage/db.ts';
import { listConnectorRows } from '../../storage/repos/connectors.ts';
import { findFactory } from '../connectors/factories.ts';
import { instanceMetadata } from '../connectors/social-rules.ts';
import { getSignInExperience } from './index.ts';
import { SignInExperience } from './schema.ts';

export const PublicSocialConnector = z.object({
  id: z.string(),
  target: z.string(),
  name: z.record(z.string(), z.string()),
  logo: z.string(),
  logoDark: z.string().nullable(),
});
export type PublicSocialConnector = z.infer<typeof PublicSocialConnector>;

export const PublicSignInExperience = SignInExperience.pick({
  signInMode: true,
  signIn: true,
  signUp: true,
  mfa: true,
  singleSignOnEnabled: true,
  languageInfo: true,
  color: true,
  branding: true,
  agreeToTermsPolicy: true,
  termsOfUseUrl: true,
  privacyPolicyUrl: true,
  supportEmail: true,
  supportWebsiteUrl: true,
  unknownSessionRedirectUrl: true,
})
  .extend({
    passwordPolicy: z.object({
      length: z.object({ min: z.number(), max: z.number() }),
      characterTypes: z.object({ min: z.number() }),
      rejects: z.object({ pwned: z.boolean(), repetitionAndSequence: z.boolean(), userInfo: z.boolean() }),
    }),
    socialConnectors: z.array(PublicSocialConnector),
    forgotPassword: z.object({ email: z.boolean(), phone: z.boolean() }),
    verificationCode: z.object({ resendIntervalSeconds: z.number() }),
  })
  .describe('PublicSignInExperience');
export type PublicSignInExperience = z.infer<typeof PublicSignInExperience>;

export interface PublicSignInExperienceDeps {
  db: Db;
  policy: { VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: number };
}

const TABLES = ['sign_in_experiences', 'connectors'];

export async function getPublicSignInExperience(deps: PublicSignInExperienceDeps): Promise<PublicSignInExperience> {
  return cached(deps.db, 'public-sign-in-experience', TABLES, 'default', async () => {
    const sie = await getSignInExperience(deps.db);
    const rows = await listConnectorRows(deps.db);
    const social = rows.flatMap((row): PublicSocialConnector[] => {
      const factory = row.type === 'Social' ? findFactory(row.connector_id) : null;
      if (!factory) return [];
      const shown = instanceMetadata(factory.metadata, row.metadata);
      return [{ id: row.id, target: shown.target, name: shown.name, logo: shown.logo, logoDark: shown.logoDark ?? null }];
    });
    const order = sie.socialSignInConnectorTargets;
    const socialConnectors = order.flatMap((target) => social.filter((c) => c.target === target));
    const { words: _words, ...rejects } = sie.passwordPolicy.rejects;
    return {
      signInMode: sie.signInMode,
      signIn: sie.signIn,
      signUp: sie.signUp,
      passwordPolicy: { length: sie.passwordPolicy.length, characterTypes: sie.passwordPolicy.characterTypes, rejects },
      mfa: sie.mfa,
      singleSignOnEnabled: sie.singleSignOnEnabled,
      socialConnectors,
      forgotPassword: { email: rows.some((r) => r.type === 'Email'), phone: rows.some((r) => r.type === 'Sms') },
      verificationCode: { resendIntervalSeconds: deps.policy.VERITY_RATE_RECIPIENT_INTERVAL_SECONDS },
      languageInfo: sie.languageInfo,
      color: sie.color,
      branding: sie.branding,
      agreeToTermsPolicy: sie.agreeToTermsPolicy,
      termsOfUseUrl: sie.termsOfUseUrl,
      privacyPolicyUrl: sie.privacyPolicyUrl,
      supportEmail: sie.supportEmail,
      supportWebsiteUrl: sie.supportWebsiteUrl,
      unknownSessionRedirectUrl: sie.unknownSessionRedirectUrl,
    };
  });
}
