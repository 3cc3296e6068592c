// Owns the Account Center settings (my-account-api.md "Account Center settings object", M11/M12):
// the master switch and, per field, Off / ReadOnly / Edit (a missing key is Off). The rules the
// my-account routes apply to a field are here; the switch itself is checked with the caller
// (caller.ts). Throws LogtoError entity.not_exists_with_id (404) from the M11/M12 use cases,
// account_center.filed_not_editable (400, sic) from assertEditable.
import { z } from 'zod';
import type { Queryable } from '../../storage/db.ts';
import { findAccountCenter, updateAccountCenter as updateRow, type AccountCenterRow } from '../../storage/repos/account-center.ts';
import { LogtoError } from '../errors.ts';
import type { AccountCaller } from './caller.ts';

export const AccountCenterControl = z.enum(['Off', 'ReadOnly', 'Edit']);
export type AccountCenterControl = z.infer<typeof AccountCenterControl>;

export const ACCOUNT_CENTER_FIELDS = ['name', 'avatar', 'username', 'profile', 'email', 'phone', 'password', 'social', 'customData'] as const;
export type AccountCenterField = (typeof ACCOUNT_CENTER_FIELDS)[number];

/** `fields` as written: every key optional, unknown keys dropped. */
export const AccountCenterFields = z.object(Object.fromEntries(ACCOUNT_CENTER_FIELDS.map((k) => [k, AccountCenterControl.optional()]))).strip() as z.ZodType<
  Partial<Record<AccountCenterField, AccountCenterControl>>
>;

export const AccountCenterPatch = z.object({ enabled: z.boolean().optional(), fields: AccountCenterFields.optional() }).describe('UpdateAccountCenterRequest');
export type AccountCenterPatch = z.infer<typeof AccountCenterPatch>;

export interface AccountCenterView {
  tenantId: string;
  id: string;
  enabled: boolean;
  fields: Partial<Record<AccountCenterField, AccountCenterControl>>;
}

const TENANT_ID = 'default';

const viewOf = (row: AccountCenterRow): AccountCenterView => ({ tenantId: TENANT_ID, id: row.id, enabled: row.enabled, fields: row.fields });

/** How the settings let a field be used; a missing or unknown value is Off. */
export function fieldControl(fields: Record<string, string>, field: AccountCenterField): AccountCenterControl {
  const value = fields[field];
  return value === 'ReadOnly' || value === 'Edit' ? value : 'Off';
}

export const isReadable = (caller: AccountCaller, field: AccountCenterField) => fieldControl(caller.accountCenter.fields, field) !== 'Off';

/** A write to `field` needs Edit. */
export function assertEditable(caller: AccountCaller, field: AccountCenterField): void {
  if (fieldControl(caller.accountCenter.fields, field) !== 'Edit') throw new LogtoError('account_center.filed_not_editable');
}

/** M11. */
export async function getAccountCenter(deps: { db: Queryable }): Promise<AccountCenterView> {
  const row = await findAccountCenter(deps.db);
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  return viewOf(row);
}

/** M12: `enabled` set when sent; `fields` replaces the stored object whole. An empty body changes nothing. */
export async function updateAccountCenter(deps: { db: Queryable }, patch: AccountCenterPatch): Promise<AccountCenterView> {
  const row = await updateRow(deps.db, patch);
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  return viewOf(row);
}
