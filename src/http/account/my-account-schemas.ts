// The shapes of the /api/my-account routes (my-account-api.md M1–M10): bodies, the path of M10, and
// the account view (every key optional: the token's scopes and the Account Center decide which appear).
import { z } from 'zod';
import { MyAccountPatch, UserProfile } from '../../domain/account/profile.ts';

export { MyAccountPatch, UserProfile };

const Identity = z.object({ userId: z.string(), details: z.record(z.string(), z.unknown()).optional() }).describe('UserIdentity');

export const GetMyAccountResponse = z
  .object({
    id: z.string(),
    name: z.string().nullable().optional(),
    avatar: z.string().nullable().optional(),
    username: z.string().nullable().optional(),
    profile: UserProfile.optional(),
    hasPassword: z.boolean().optional(),
    lastSignInAt: z.number().nullable().optional().describe('Epoch milliseconds'),
    createdAt: z.number().optional().describe('Epoch milliseconds'),
    updatedAt: z.number().optional().describe('Epoch milliseconds'),
    applicationId: z.string().nullable().optional(),
    isSuspended: z.boolean().optional(),
    primaryEmail: z.string().nullable().optional(),
    primaryPhone: z.string().nullable().optional(),
    customData: z.record(z.string(), z.unknown()).optional(),
    identities: z.record(z.string(), Identity).optional(),
  })
  .describe('GetMyAccountResponse');

export const PasswordBody = z.object({ password: z.string().min(1) }).describe('UpdateMyPasswordRequest');

// Emails and phones are capped at 128 as Logto's columns are (and as the Management API's are): a
// longer one is a 400 here, never a database error.
export const PrimaryEmailBody = z
  .object({ email: z.string().max(128).regex(/^\S+@\S+\.\S+$/), newIdentifierVerificationRecordId: z.string() })
  .describe('UpdateMyPrimaryEmailRequest');

export const PrimaryPhoneBody = z
  .object({ phone: z.string().max(128).regex(/^\d+$/), newIdentifierVerificationRecordId: z.string() })
  .describe('UpdateMyPrimaryPhoneRequest');

export const IdentityBody = z.object({ newIdentifierVerificationRecordId: z.string() }).describe('AddMyIdentityRequest');

export const IdentityParams = z.object({ target: z.string().min(1) });

export const done = z.null().describe('Done');
