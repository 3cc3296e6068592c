// Use cases of the Management Applications API (management-core-api.md §2): create, list, get,
// update, delete. An application is an OIDC client (oidc/clients.ts) and an OTP application
// (domain/apps), so creation goes through createApplication and then fills the client columns.
//
// Client secrets: MachineToMachine and Traditional apps get `#internal:` + 32 alphanumerics. Only
// sha256Hex(secret) is stored (STYLE habit 5), so the plaintext exists once: in the create answer.
// Every later read reports `secret: ""`. Logto's own schema (and the generated Python SDK model,
// `secret: StrictStr`, required, no length bound) needs a string there, so null or an absent key
// would break those clients; an empty string parses everywhere and can never authenticate.
import { ALNUM, randomString, sha256Hex, type Keyring } from '../../crypto/keyring.ts';
import type { Db, Queryable } from '../../storage/db.ts';
import * as repo from '../../storage/repos/applications.ts';
import { insertApplicationSecret } from '../../storage/repos/application-secrets.ts';
import { setInternalAdmin } from '../../storage/repos/roles.ts';
import { createApplication as createAppRow } from '../apps/index.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import { runningSearch } from '../search.ts';

export interface ApplicationDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
}

export const APPLICATION_TYPES = ['Native', 'SPA', 'Traditional', 'MachineToMachine', 'Protected', 'SAML'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

const TENANT_ID = 'default';
export const DEFAULT_SECRET_NAME = 'Default secret';
const SECRET_TYPES: readonly string[] = ['MachineToMachine', 'Traditional'];
export const newApplicationId = () => randomString(21);
export const newClientSecret = () => `#internal:${randomString(32, ALNUM)}`;

export interface OidcClientMetadata {
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  [key: string]: unknown;
}

export interface ApplicationInput {
  name: string;
  type: ApplicationType;
  description?: string | null | undefined;
  oidcClientMetadata?: OidcClientMetadata | undefined;
  customClientMetadata?: Record<string, unknown> | undefined;
  customData?: Record<string, unknown> | undefined;
  isThirdParty?: boolean | undefined;
  protectedAppMetadata?: { subDomain: string; origin: string } | undefined;
}

export type ApplicationPatch = Partial<Omit<ApplicationInput, 'type' | 'isThirdParty' | 'protectedAppMetadata'>> & {
  protectedAppMetadata?: Record<string, unknown> | undefined;
  isAdmin?: boolean | undefined;
};

/** The wire shape (camelCase, epoch ms). `secret` is the plaintext only right after creation. */
export function toApplication(row: repo.ApplicationRow, secret = '') {
  return {
    tenantId: TENANT_ID,
    id: row.id,
    name: row.name,
    secret,
    description: row.description,
    type: row.type as ApplicationType,
    oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [], ...row.oidc_client_metadata } as OidcClientMetadata,
    customClientMetadata: row.custom_client_metadata,
    protectedAppMetadata: null,
    customData: row.custom_data,
    isThirdParty: row.is_third_party,
    createdAt: new Date(row.created_at).getTime(),
  };
}
export type Application = ReturnType<typeof toApplication>;

/** createApplication (domain/apps) takes a Db; inside a transaction it gets this view of it. */
function inTx(db: Db, q: Queryable): Db {
  return {
    driver: db.driver,
    query: (sql, params) => q.query(sql, params),
    exec: (sql) => q.exec(sql),
    tx: (fn) => fn(q),
    close: () => Promise.reject(new Error('cannot close a transaction view')),
  };
}

/**
 * A1. Throws 400 application.use_saml_app_api, application.protected_app_metadata_is_required,
 * application.invalid_third_party_application_type; 501 application.protected_app_not_configured.
 */
export async function createManagedApplication(deps: ApplicationDeps, input: ApplicationInput) {
  if (input.type === 'SAML') throw new LogtoError('application.use_saml_app_api');
  if (input.isThirdParty && input.type !== 'Traditional') throw new LogtoError('application.invalid_third_party_application_type');
  if (input.type === 'Protected') {
    if (!input.protectedAppMetadata) throw new LogtoError('application.protected_app_metadata_is_required');
    // Logto OSS without a protected-app provider (Cloudflare) refuses the same way.
    throw new LogtoError('application.protected_app_not_configured');
  }
  const secret = SECRET_TYPES.includes(input.type) ? newClientSecret() : '';
  const row = await deps.db.tx(async (q) => {
    const { app } = await createAppRow({ ...deps, db: inTx(deps.db, q) }, { id: newApplicationId(), name: input.name });
    // Logto also lists the new secret as `Default secret` under /secrets; one value, one digest.
    if (secret)
      await insertApplicationSecret(q, {
        application_id: app.id,
        name: DEFAULT_SECRET_NAME,
        secret_hash: sha256Hex(secret),
        secret_ciphertext: deps.keyring.encrypt(secret),
        created_at: deps.clock.now(),
        expires_at: null,
      });
    return repo.updateApplication(q, app.id, {
      type: input.type,
      description: input.description ?? null,
      secret_hash: secret ? sha256Hex(secret) : null,
      oidc_client_metadata: input.oidcClientMetadata ?? { redirectUris: [], postLogoutRedirectUris: [] },
      custom_client_metadata: input.customClientMetadata ?? {},
      custom_data: input.customData ?? {},
      is_third_party: input.isThirdParty ?? false,
    });
  });
  return toApplication(row!, secret);
}

export interface ListOptions extends Omit<repo.ApplicationFilter, 'excludeRoleId'> {
  page: { limit: number; offset: number } | null;
  excludeRoleId?: string | undefined;
  /** There are no organizations yet, so this leaves nothing out. */
  excludeOrganizationId?: string | undefined;
}

/** A2, newest first. Throws 400 request.invalid_input for a pattern PostgreSQL cannot compile and
 *  when both exclude parameters are given. */
export async function listManagedApplications(deps: Pick<ApplicationDeps, 'db'>, options: ListOptions) {
  const { page, excludeRoleId, excludeOrganizationId, ...rest } = options;
  if (excludeRoleId !== undefined && excludeOrganizationId !== undefined) throw new LogtoError('request.invalid_input');
  const filter: repo.ApplicationFilter = { ...rest, ...(excludeRoleId ? { excludeRoleId } : {}) };
  const { rows, total } = await runningSearch(() => repo.listApplications(deps.db, filter, page));
  return { items: rows.map((row) => toApplication(row)), total };
}

async function existing(deps: Pick<ApplicationDeps, 'db'>, id: string) {
  const row = await repo.findApplication(deps.db, id);
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  return row;
}

/** A3: the application and whether it holds Management API access. Throws 404 entity.not_exists_with_id. */
export async function getManagedApplication(deps: Pick<ApplicationDeps, 'db'>, id: string) {
  const row = await existing(deps, id);
  return { ...toApplication(row), isAdmin: row.is_admin };
}

/**
 * A4: replaces each top-level field given; `isAdmin` grants or removes Management API access.
 * Throws 404 entity.not_exists_with_id, 400 application.use_saml_app_api.
 */
export async function updateManagedApplication(deps: Pick<ApplicationDeps, 'db'>, id: string, patch: ApplicationPatch) {
  const current = await existing(deps, id);
  if (current.type === 'SAML') throw new LogtoError('application.use_saml_app_api');
  // Protected apps cannot be created here, so their metadata has nothing to update.
  const row = await deps.db.tx(async (q) => {
    if (patch.isAdmin !== undefined) await setInternalAdmin(q, id, patch.isAdmin);
    return repo.updateApplication(q, id, {
      name: patch.name,
      description: patch.description,
      oidc_client_metadata: patch.oidcClientMetadata,
      custom_client_metadata: patch.customClientMetadata,
      custom_data: patch.customData,
    });
  });
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  return toApplication(row);
}

/**
 * A5: the row goes, with its API keys, codes (ON DELETE CASCADE) and client: the provider and the
 * Management API read the row on every use, so tokens it holds stop working at once.
 * Throws 404 entity.not_exists_with_id, 400 application.use_saml_app_api.
 */
export async function deleteManagedApplication(deps: Pick<ApplicationDeps, 'db'>, id: string): Promise<void> {
  const current = await existing(deps, id);
  if (current.type === 'SAML') throw new LogtoError('application.use_saml_app_api');
  if (!(await repo.deleteApplication(deps.db, id))) throw new LogtoError('entity.not_exists_with_id');
}
