// Owns what a client sees of a user (management-core-api.md §3): picked fields plus hasPassword,
// timestamps as epoch milliseconds. The password hash never leaves this module's input.
import type { Db } from '../../storage/db.ts';
import type { UserIdentity, UserRow } from '../../storage/repos/users.ts';
import type { Clock } from '../clock.ts';
import { randomString } from '../../crypto/keyring.ts';
import type { PasswordPool } from '../../crypto/passwords.ts';

export interface UserDeps {
  db: Db;
  clock: Clock;
  /** Defaults to the process-wide pool (crypto/passwords.ts); tests may pass a small one. */
  passwords?: PasswordPool;
}

export interface UserView {
  id: string;
  username: string | null;
  primaryEmail: string | null;
  primaryPhone: string | null;
  name: string | null;
  avatar: string | null;
  customData: Record<string, unknown>;
  identities: Record<string, UserIdentity>;
  profile: Record<string, unknown>;
  applicationId: string | null;
  lastSignInAt: number | null;
  isSuspended: boolean;
  hasPassword: boolean;
  createdAt: number;
  updatedAt: number;
}

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    primaryEmail: row.primary_email,
    primaryPhone: row.primary_phone,
    name: row.name,
    avatar: row.avatar,
    customData: row.custom_data,
    identities: row.identities,
    profile: row.profile,
    applicationId: row.application_id,
    lastSignInAt: row.last_sign_in_at ? new Date(row.last_sign_in_at).getTime() : null,
    isSuspended: row.is_suspended,
    hasPassword: row.password_hash !== null,
    createdAt: new Date(row.created_at).getTime(),
    updatedAt: new Date(row.updated_at).getTime(),
  };
}

/** A user id: 12 lowercase alphanumeric characters (about 62 bits). */
export const newUserId = (): string => randomString(12);
