// Owns the SQL of the sign-in experience: the one `default` row, read whole and written per field.
import type { Queryable } from '../db.ts';

/** Wire field → column. The map is the only source of column names in the SQL below. */
const columns = {
  tenantId: 'tenant_id',
  id: 'id',
  color: 'color',
  branding: 'branding',
  languageInfo: 'language_info',
  termsOfUseUrl: 'terms_of_use_url',
  privacyPolicyUrl: 'privacy_policy_url',
  agreeToTermsPolicy: 'agree_to_terms_policy',
  signIn: 'sign_in',
  signUp: 'sign_up',
  socialSignIn: 'social_sign_in',
  socialSignInConnectorTargets: 'social_sign_in_connector_targets',
  signInMode: 'sign_in_mode',
  customCss: 'custom_css',
  customContent: 'custom_content',
  customUiAssets: 'custom_ui_assets',
  passwordPolicy: 'password_policy',
  mfa: 'mfa',
  singleSignOnEnabled: 'single_sign_on_enabled',
  supportEmail: 'support_email',
  supportWebsiteUrl: 'support_website_url',
  unknownSessionRedirectUrl: 'unknown_session_redirect_url',
} as const;

export type SignInExperienceField = keyof typeof columns;

const jsonFields = new Set<SignInExperienceField>([
  'color', 'branding', 'languageInfo', 'signIn', 'signUp', 'socialSignIn', 'socialSignInConnectorTargets',
  'customContent', 'customUiAssets', 'passwordPolicy', 'mfa',
]);

const selectList = Object.entries(columns)
  .map(([field, column]) => `${column} AS "${field}"`)
  .join(', ');

/** The row with camelCase keys in wire order; null when absent. `lock` takes FOR UPDATE (inside tx). */
export async function findSignInExperienceRow(
  q: Queryable,
  id: string,
  lock = false,
): Promise<Record<SignInExperienceField, unknown> | null> {
  const rows = await q.query<Record<SignInExperienceField, unknown>>(
    `SELECT ${selectList} FROM sign_in_experiences WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

/** Writes each given field whole (top-level replace); null clears a nullable column. */
export async function updateSignInExperienceRow(
  q: Queryable,
  id: string,
  patch: Partial<Record<SignInExperienceField, unknown>>,
): Promise<void> {
  const fields = (Object.keys(patch) as SignInExperienceField[]).filter(
    (f) => f in columns && f !== 'id' && f !== 'tenantId' && patch[f] !== undefined,
  );
  if (fields.length === 0) return;
  const sets = fields.map((f, i) => `${columns[f]} = $${i + 2}${jsonFields.has(f) ? '::jsonb' : ''}`);
  const values = fields.map((f) => {
    const value = patch[f];
    return jsonFields.has(f) && value !== null ? JSON.stringify(value) : value;
  });
  await q.query(`UPDATE sign_in_experiences SET ${sets.join(', ')} WHERE id = $1`, [id, ...values]);
}
