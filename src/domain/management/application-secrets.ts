// Use cases of /api/applications/{id}/secrets (management-core-api.md §2, "Secrets"): list,
// create, rename, delete named client secrets. A secret's value is 32 alphanumerics, stored as its
// SHA-256 (what the token endpoint looks it up by) and as AES-256-GCM ciphertext (STYLE habit 5):
// Logto lists secrets with their values, and the SDKs generated from its API require a non-empty
// value, so lists decrypt it. The provider accepts any unexpired one (oidc/client-secrets.ts). Throws LogtoError entity.not_exists_with_id (unknown application),
// entity.not_found (unknown secret), application.secret_name_exists (422), guard.invalid_input
// (an expiry in the past).
import { ALNUM, randomString, sha256Hex, type Keyring } from '../../crypto/keyring.ts';
import * as repo from '../../storage/repos/application-secrets.ts';
import { findApplication } from '../../storage/repos/applications.ts';
import { LogtoError } from '../errors.ts';
import type { ApplicationDeps } from './applications.ts';

const TENANT_ID = 'default';

export function toApplicationSecret(keyring: Keyring, row: repo.ApplicationSecretRow) {
  return {
    tenantId: TENANT_ID,
    applicationId: row.application_id,
    name: row.name,
    value: keyring.decrypt(row.secret_ciphertext),
    createdAt: new Date(row.created_at).getTime(),
    expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
  };
}
export type ApplicationSecret = ReturnType<typeof toApplicationSecret>;

async function requireApplication(deps: Pick<ApplicationDeps, 'db'>, id: string): Promise<void> {
  if (!(await findApplication(deps.db, id))) throw new LogtoError('entity.not_exists_with_id');
}

export async function listApplicationSecrets(deps: Pick<ApplicationDeps, 'db' | 'keyring'>, applicationId: string): Promise<ApplicationSecret[]> {
  await requireApplication(deps, applicationId);
  return (await repo.listApplicationSecrets(deps.db, applicationId)).map((row) => toApplicationSecret(deps.keyring, row));
}

/** Stores a new secret; `value` is given (the plaintext) when the caller already made one, e.g.
 *  the Default secret equal to the application's own secret at creation. */
export async function createApplicationSecret(
  deps: Pick<ApplicationDeps, 'db' | 'clock' | 'keyring'>,
  applicationId: string,
  input: { name: string; expiresAt?: number | null | undefined; value?: string },
): Promise<ApplicationSecret> {
  await requireApplication(deps, applicationId);
  const now = deps.clock.now();
  if (input.expiresAt != null && input.expiresAt <= now.getTime())
    throw new LogtoError('guard.invalid_input', { message: 'expiresAt must be in the future' });
  const value = input.value ?? randomString(32, ALNUM);
  const row = await repo.insertApplicationSecret(deps.db, {
    application_id: applicationId,
    name: input.name,
    secret_hash: sha256Hex(value),
    secret_ciphertext: deps.keyring.encrypt(value),
    created_at: now,
    expires_at: input.expiresAt == null ? null : new Date(input.expiresAt),
  });
  if (!row) throw new LogtoError('application.secret_name_exists');
  return toApplicationSecret(deps.keyring, row);
}

export async function renameApplicationSecret(
  deps: Pick<ApplicationDeps, 'db' | 'keyring'>,
  applicationId: string,
  name: string,
  newName: string,
): Promise<ApplicationSecret> {
  await requireApplication(deps, applicationId);
  try {
    const row = await repo.renameApplicationSecret(deps.db, applicationId, name, newName);
    if (!row) throw new LogtoError('entity.not_found');
    return toApplicationSecret(deps.keyring, row);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new LogtoError('application.secret_name_exists');
    throw error;
  }
}

export async function deleteApplicationSecret(deps: Pick<ApplicationDeps, 'db'>, applicationId: string, name: string): Promise<void> {
  await requireApplication(deps, applicationId);
  if (!(await repo.deleteApplicationSecret(deps.db, applicationId, name))) throw new LogtoError('entity.not_found');
}
