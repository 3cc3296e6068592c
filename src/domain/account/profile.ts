// Owns what the signed-in user reads and edits of its own basic data (my-account-api.md M1–M3 and
// "Scope ↔ data map"): the view a key enters only when the token's scope and the Account Center
// field allow it (times as epoch ms, never the password hash), M2's name / avatar / username and
// M3's profile merge (done in SQL, repos/my-account.ts, so concurrent patches both land).
// Throws LogtoError account_center.filed_not_editable (400), auth.unauthorized (400, scope),
// user.username_required (400), user.username_already_in_use (422).
import { z } from 'zod';
import { mergeProfile } from '../../storage/repos/my-account.ts';
import { updateUser, type UserFields, type UserIdentity, type UserRow } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { mappingUserErrors } from '../users/errors.ts';
import { assertEditable, isReadable } from './account-center.ts';
import { assertScope, type AccountCaller } from './caller.ts';
import type { AccountDeps } from './deps.ts';

const ADDRESS_KEYS = ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country'] as const;
const PROFILE_KEYS = [
  'familyName', 'givenName', 'middleName', 'nickname', 'preferredUsername', 'profile', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale',
] as const;

/** Logto's UserProfile: every key an optional string, `address` an object of optional strings;
 *  unknown keys are dropped. */
export const UserProfile = z
  .object({
    ...Object.fromEntries(PROFILE_KEYS.map((k) => [k, z.string().optional()])),
    address: z.object(Object.fromEntries(ADDRESS_KEYS.map((k) => [k, z.string().optional()]))).optional(),
  })
  .describe('UserProfile') as unknown as z.ZodType<UserProfile>;
export type UserProfile = Partial<Record<(typeof PROFILE_KEYS)[number], string>> & {
  address?: Partial<Record<(typeof ADDRESS_KEYS)[number], string>>;
};

/** M2's body: each field optional, null clears it. Lengths are capped as Logto's columns are
 *  (varchar 128 / 2048), so an over-long value is a 400 here instead of Logto's database error (and
 *  a username can never outgrow its unique index). */
export const MyAccountPatch = z
  .object({
    name: z.string().max(128).nullable().optional(),
    avatar: z.string().max(2048).url().nullable().optional(),
    username: z.string().max(128).regex(/^[A-Z_a-z]\w*$/).nullable().optional(),
  })
  .describe('UpdateMyAccountRequest');
export type MyAccountPatch = z.infer<typeof MyAccountPatch>;

/** M1's answer (also M2's): only the keys the token and the Account Center let through. */
export interface MyAccountView {
  id: string;
  name?: string | null;
  avatar?: string | null;
  username?: string | null;
  profile?: UserProfile;
  hasPassword?: boolean;
  lastSignInAt?: number | null;
  createdAt?: number;
  updatedAt?: number;
  applicationId?: string | null;
  isSuspended?: boolean;
  primaryEmail?: string | null;
  primaryPhone?: string | null;
  customData?: Record<string, unknown>;
  identities?: Record<string, UserIdentity>;
}

const epoch = (value: Date | string) => new Date(value).getTime();

/** The stored profile as the token may see it: `address` only with scope `address`. */
export function scopedProfile(caller: AccountCaller, stored: Record<string, unknown>): UserProfile {
  const { address, ...rest } = stored;
  return (caller.scopes.has('address') && address !== undefined ? { ...rest, address } : rest) as UserProfile;
}

/** The scoped, Account-Center-filtered view of `row` (my-account-api.md "Scope ↔ data map"). */
export function myAccountView(caller: AccountCaller, row: UserRow): MyAccountView {
  const view: MyAccountView = { id: row.id };
  const readable = (scope: string, field?: Parameters<typeof isReadable>[1]) => caller.scopes.has(scope) && (!field || isReadable(caller, field));
  if (readable('profile', 'name')) view.name = row.name;
  if (readable('profile', 'avatar')) view.avatar = row.avatar;
  if (readable('profile', 'username')) view.username = row.username;
  if (readable('profile', 'profile')) view.profile = scopedProfile(caller, row.profile);
  if (readable('profile', 'password')) view.hasPassword = row.password_hash !== null;
  if (readable('profile')) {
    view.lastSignInAt = row.last_sign_in_at ? epoch(row.last_sign_in_at) : null;
    view.createdAt = epoch(row.created_at);
    view.updatedAt = epoch(row.updated_at);
    view.applicationId = row.application_id;
    view.isSuspended = row.is_suspended;
  }
  if (readable('email', 'email')) view.primaryEmail = row.primary_email;
  if (readable('phone', 'phone')) view.primaryPhone = row.primary_phone;
  if (readable('custom_data', 'customData')) view.customData = row.custom_data;
  if (readable('identities', 'social')) view.identities = row.identities;
  return view;
}

/** M1: the caller's own account as read with its token. */
export const getMyAccount = (caller: AccountCaller): MyAccountView => myAccountView(caller, caller.user);

/** M2: each field sent (null counts) must be editable, in the order name, avatar, username; then
 *  scope `profile`; then the sign-up rule for username; the unique index decides a taken username.
 *  An empty body answers the unchanged view. */
export async function updateMyAccount(deps: AccountDeps, caller: AccountCaller, patch: MyAccountPatch): Promise<MyAccountView> {
  const fields: UserFields = {};
  for (const key of ['name', 'avatar', 'username'] as const) {
    const value = patch[key];
    if (value === undefined) continue;
    assertEditable(caller, key);
    fields[key] = value;
  }
  assertScope(caller, 'profile');
  if (patch.username === null && (await getSignInExperience(deps.db)).signUp.identifiers.includes('username')) throw new LogtoError('user.username_required');
  if (Object.keys(fields).length === 0) return myAccountView(caller, caller.user);
  const row = await mappingUserErrors(() => updateUser(deps.db, caller.userId, fields, deps.clock.now()));
  if (!row) throw new LogtoError('auth.unauthorized');
  return myAccountView(caller, row);
}

/** M3: AC `profile`, scope `profile`, scope `address` when `address` is sent; then the shallow merge.
 *  Answers the whole stored profile (address only with scope `address`). */
export async function updateMyProfile(deps: AccountDeps, caller: AccountCaller, patch: UserProfile): Promise<UserProfile> {
  assertEditable(caller, 'profile');
  assertScope(caller, 'profile');
  if (patch.address !== undefined) assertScope(caller, 'address');
  const stored = await mergeProfile(deps.db, caller.userId, patch, deps.clock.now());
  if (!stored) throw new LogtoError('auth.unauthorized');
  return scopedProfile(caller, stored);
}
