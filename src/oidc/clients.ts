// Owns how an application appears to the OIDC provider as a client. The client secret is stored
// only as its SHA-256; the provider's secret comparison is replaced accordingly (provider.ts). Its
// allowed CORS origins ride along as client metadata (cors.ts). Every read here is cached in process
// until applications, roles or role assignments change in any process (storage/cache.ts); a token's
// validity never is.
import type { AdapterPayload } from 'oidc-provider';
import { cached } from '../storage/cache.ts';
import type { Db } from '../storage/db.ts';
import { managementScopes } from '../storage/repos/roles.ts';
import { MANAGEMENT_API_SCOPE } from './resources.ts';

interface ClientRow {
  id: string;
  type: string;
  secret_hash: string | null;
  oidc_client_metadata: { redirectUris?: string[]; postLogoutRedirectUris?: string[] };
  cors_allowed_origins: unknown;
  management_scopes: string[];
}

/** Client metadata property carrying the Management API scopes the application's roles hold, read
 *  in the same statement as the client so a grant costs one query (provider.ts reads it). */
export const MANAGEMENT_SCOPES_PROPERTY = 'management_scopes';

/** Client metadata property carrying `customClientMetadata.corsAllowedOrigins` (cors.ts reads it). */
export const CORS_ORIGINS_PROPERTY = 'cors_allowed_origins';

/** The origin of a URL, or null for an opaque one (a custom scheme) or no URL at all. */
export function originOf(value: unknown): string | null {
  const origin = typeof value === 'string' ? URL.parse(value)?.origin : undefined;
  return origin && origin !== 'null' ? origin : null;
}

/** Every origin of a client's redirect URIs and allowed CORS origins. */
export function clientOrigins(redirectUris: readonly unknown[], corsAllowedOrigins: readonly unknown[]): Set<string> {
  return new Set([...redirectUris, ...corsAllowedOrigins].map(originOf).filter((o): o is string => o !== null));
}

/** The tables a client's metadata and Management API scopes are read from. */
const CLIENT_TABLES = ['applications', 'application_roles', 'roles'];

/** Client metadata for application `id`, or undefined when there is no such application. A copy:
 *  the provider may keep and change what it gets. */
export async function findClientMetadata(db: Db, id: string): Promise<AdapterPayload | undefined> {
  const found = await cached(db, 'client', CLIENT_TABLES, id, () => readClientMetadata(db, id));
  return found && structuredClone(found);
}

async function readClientMetadata(db: Db, id: string): Promise<AdapterPayload | undefined> {
  const [app] = await db.query<ClientRow>(
    `SELECT a.id, a.type, a.secret_hash, a.oidc_client_metadata,
            a.custom_client_metadata->'corsAllowedOrigins' AS cors_allowed_origins,
            ARRAY(SELECT DISTINCT unnest(r.scopes) FROM application_roles ar JOIN roles r ON r.id = ar.role_id
                   WHERE ar.application_id = a.id) AS management_scopes
       FROM applications a WHERE a.id = $1`,
    [id],
  );
  if (!app) return undefined;
  const redirectUris = app.oidc_client_metadata.redirectUris ?? [];
  const postLogoutRedirectUris = app.oidc_client_metadata.postLogoutRedirectUris ?? [];
  const cors = { [CORS_ORIGINS_PROPERTY]: Array.isArray(app.cors_allowed_origins) ? app.cors_allowed_origins.filter((o) => typeof o === 'string') : [] };
  switch (app.type) {
    case 'MachineToMachine':
      if (!app.secret_hash) return undefined;
      return {
        client_id: app.id,
        client_secret: app.secret_hash,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        [MANAGEMENT_SCOPES_PROPERTY]: app.management_scopes,
        ...cors,
      };
    case 'Traditional':
      if (!app.secret_hash) return undefined;
      return {
        client_id: app.id,
        client_secret: app.secret_hash,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogoutRedirectUris,
        token_endpoint_auth_method: 'client_secret_basic',
        ...cors,
      };
    case 'Native':
    case 'SPA':
      return {
        client_id: app.id,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogoutRedirectUris,
        token_endpoint_auth_method: 'none',
        application_type: app.type === 'Native' ? 'native' : 'web',
        ...cors,
      };
    default:
      return undefined;
  }
}

/** Whether the application holds the Management API scope `all` through one of its roles. */
export async function isAdminApplication(db: Db, id: string): Promise<boolean> {
  return (await heldManagementScopes(db, id))?.includes(MANAGEMENT_API_SCOPE) ?? false;
}

/** The Management API scopes application `id` holds through its roles; null when there is no such
 *  application (read on every grant and every Management API call). Shared: do not modify. */
export function heldManagementScopes(db: Db, id: string): Promise<readonly string[] | null> {
  return cached(db, 'management-scopes', CLIENT_TABLES, id, () => managementScopes(db, id));
}

/**
 * Every origin some application allows (cors.ts, for requests whose client is not known: preflights,
 * which browsers cache for an hour, and requests refused before their client is found). It reads the
 * URIs of every application: an origin is not stored on its own to be looked up by, and the
 * applications of one server are few.
 */
export function allClientOrigins(db: Db): Promise<ReadonlySet<string>> {
  return cached(db, 'client-origins', ['applications'], 'all', () => readAllClientOrigins(db));
}

async function readAllClientOrigins(db: Db): Promise<Set<string>> {
  const rows = await db.query<{ redirect_uris: unknown; cors_allowed_origins: unknown }>(
    `SELECT oidc_client_metadata->'redirectUris' AS redirect_uris, custom_client_metadata->'corsAllowedOrigins' AS cors_allowed_origins
       FROM applications`,
  );
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  return new Set(rows.flatMap((row) => [...clientOrigins(list(row.redirect_uris), list(row.cors_allowed_origins))]));
}
