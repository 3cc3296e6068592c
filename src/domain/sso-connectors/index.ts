// Use cases of the SSO connectors API (management-core-api.md §6, O1–O5): storage and CRUD (sign-in
// comes later). A given config passes its provider's guard and its IdP is contacted before anything
// is stored; reads add the provider's details and, when the IdP answers in time, its providerConfig:
// a down IdP never fails a read. The config holds the client secret: encrypted at rest, and never
// put into an error's data.
// Throws LogtoError connector.not_found (422, unsupported provider), connector.invalid_config,
// connector.invalid_metadata (400), single_sign_on.duplicate_connector_name (409),
// single_sign_on.forbidden_domains, single_sign_on.duplicated_domains (422),
// entity.not_exists_with_id (404, get and update), entity.not_found (404, delete).
import { randomString, type Keyring } from '../../crypto/keyring.ts';
import type { Db } from '../../storage/db.ts';
import {
  connectorNameExists,
  deleteSsoConnectorRow,
  findSsoConnectorRow,
  insertSsoConnectorRow,
  isConnectorNameViolation,
  listSsoConnectorRows,
  updateSsoConnectorRow,
  type SsoConnectorRow,
} from '../../storage/repos/sso-connectors.ts';
import type { Egress } from '../../net/egress.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import { checkDomains } from './domains.ts';
import { DEFAULT_IDP_LIMITS, IdpError, type IdpFetchOptions } from './idp-http.ts';
import { findProvider, type Json, type ProviderType, type SsoProvider } from './providers.ts';

export interface SsoConnectorDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  /** Every IdP request goes through it: a refused address is the provider's 400, like an unreachable IdP. */
  egress: Egress;
}

/** A type alias (not an interface), so it is assignable to a JSON record. */
export type SsoBranding = {
  displayName?: string;
  logo?: string;
  darkLogo?: string;
};

/** The stored connector (LG SsoConnectors): the create answer. */
export interface SsoConnector {
  tenantId: string;
  id: string;
  providerName: string;
  connectorName: string;
  config: Json;
  domains: string[];
  branding: SsoBranding;
  syncProfile: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** The read answer (LG ssoConnectorWithProviderConfigGuard). */
export interface SsoConnectorWithProvider extends SsoConnector {
  name: string;
  providerType: ProviderType;
  providerLogo: string;
  providerLogoDark: string;
  providerConfig?: Json;
}

export interface CreateSsoConnectorInput {
  providerName: string;
  connectorName: string;
  config?: Json;
  domains?: string[];
  branding?: SsoBranding;
  syncProfile?: boolean;
}

/** providerName is fixed at creation. */
export type UpdateSsoConnectorInput = Partial<Omit<CreateSsoConnectorInput, 'providerName'>>;

const TENANT_ID = 'default';

/** 12 lowercase alphanumerics, as Logto's SSO connector ids. */
export const newSsoConnectorId = () => randomString(12);

const duplicateName = () => new LogtoError('single_sign_on.duplicate_connector_name');

/** Throws connector.not_found: 422 for a request naming an unsupported provider, 404 for a stored one. */
function providerOf(providerName: string, status: 422 | 404): SsoProvider {
  const provider = findProvider(providerName);
  if (!provider) throw new LogtoError('connector.not_found', { providerName }, status);
  return provider;
}

/** The config as the provider's guard parses it (unknown keys dropped). Throws connector.invalid_config;
 *  the issues name paths and messages only, never the values (the secret). */
function guardConfig(provider: SsoProvider, config: Json): Json {
  const result = provider.configGuard.safeParse(config);
  if (!result.success)
    throw new LogtoError('connector.invalid_config', result.error.issues.map((i) => ({ path: i.path, code: i.code, message: i.message })));
  return result.data;
}

const idpOptions = (deps: SsoConnectorDeps): IdpFetchOptions => ({ ...DEFAULT_IDP_LIMITS, egress: deps.egress });

/** Contacts the IdP; resolves with the providerConfig. Throws the provider's 400 naming the cause (an
 *  address the egress policy refuses included). */
async function connect(deps: SsoConnectorDeps, provider: SsoProvider, config: Json): Promise<Json> {
  try {
    return await provider.providerConfig(config, idpOptions(deps));
  } catch (error) {
    if (error instanceof IdpError) throw new LogtoError(provider.idpFailure, { message: error.message });
    throw error;
  }
}

/** The providerConfig for a read; undefined without a config, with one that no longer passes the guard,
 *  or when the IdP fails in any way. */
async function tryProviderConfig(deps: SsoConnectorDeps, provider: SsoProvider, config: Json): Promise<Json | undefined> {
  if (Object.keys(config).length === 0) return undefined;
  const parsed = provider.configGuard.safeParse(config);
  if (!parsed.success) return undefined;
  try {
    return await provider.providerConfig(parsed.data, idpOptions(deps));
  } catch {
    return undefined;
  }
}

function toConnector(deps: SsoConnectorDeps, row: SsoConnectorRow): SsoConnector {
  return {
    tenantId: TENANT_ID,
    id: row.id,
    providerName: row.provider_name,
    connectorName: row.connector_name,
    config: JSON.parse(deps.keyring.decrypt(row.config)) as Json,
    domains: row.domains,
    branding: row.branding as SsoBranding,
    syncProfile: row.sync_profile,
    createdAt: row.created_at.getTime(),
  };
}

function withProvider(connector: SsoConnector, provider: SsoProvider, providerConfig: Json | undefined): SsoConnectorWithProvider {
  return {
    ...connector,
    name: provider.name,
    providerType: provider.providerType,
    providerLogo: provider.logo,
    providerLogoDark: provider.logoDark,
    ...(providerConfig === undefined ? {} : { providerConfig }),
  };
}

async function enrich(deps: SsoConnectorDeps, row: SsoConnectorRow): Promise<SsoConnectorWithProvider> {
  const connector = toConnector(deps, row);
  const provider = providerOf(row.provider_name, 404);
  return withProvider(connector, provider, await tryProviderConfig(deps, provider, connector.config));
}

/** O1: checks in Logto's order (provider, domains, config guard, name, IdP), then inserts. */
export async function createSsoConnector(deps: SsoConnectorDeps, input: CreateSsoConnectorInput): Promise<SsoConnector> {
  const provider = providerOf(input.providerName, 422);
  const domains = checkDomains(input.domains ?? []);
  const config = input.config === undefined ? {} : guardConfig(provider, input.config);
  // A fast, friendly answer before contacting the IdP; the unique constraint below is what decides.
  if (await connectorNameExists(deps.db, input.connectorName)) throw duplicateName();
  if (input.config !== undefined) await connect(deps, provider, config);
  try {
    const row = await insertSsoConnectorRow(deps.db, {
      id: newSsoConnectorId(),
      provider_name: provider.providerName,
      connector_name: input.connectorName,
      config: deps.keyring.encrypt(JSON.stringify(config)),
      domains,
      branding: input.branding ?? {},
      sync_profile: input.syncProfile ?? false,
      created_at: deps.clock.now(),
    });
    return toConnector(deps, row);
  } catch (error) {
    if (isConnectorNameViolation(error)) throw duplicateName();
    throw error;
  }
}

/** O2: newest first; the IdPs are asked in parallel. */
export async function listSsoConnectors(
  deps: SsoConnectorDeps,
  page: { limit: number; offset: number } | null,
): Promise<{ items: SsoConnectorWithProvider[]; total: number }> {
  const { rows, total } = await listSsoConnectorRows(deps.db, page);
  return { items: await Promise.all(rows.map((row) => enrich(deps, row))), total };
}

/** O3. Throws entity.not_exists_with_id. */
export async function getSsoConnector(deps: SsoConnectorDeps, id: string): Promise<SsoConnectorWithProvider> {
  const row = await findSsoConnectorRow(deps.db, id);
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  return enrich(deps, row);
}

/** O4: each given field is replaced whole; a new config is guarded and its IdP contacted first. */
export async function updateSsoConnector(
  deps: SsoConnectorDeps,
  id: string,
  input: UpdateSsoConnectorInput,
): Promise<SsoConnectorWithProvider> {
  const row = await findSsoConnectorRow(deps.db, id);
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  const provider = providerOf(row.provider_name, 404);
  const domains = input.domains === undefined ? undefined : checkDomains(input.domains);
  if (input.connectorName !== undefined && (await connectorNameExists(deps.db, input.connectorName, id))) throw duplicateName();
  const config = input.config === undefined ? undefined : guardConfig(provider, input.config);
  const providerConfig = config === undefined ? undefined : await connect(deps, provider, config);
  let updated: SsoConnectorRow | null;
  try {
    updated = await updateSsoConnectorRow(deps.db, id, {
      ...(input.connectorName === undefined ? {} : { connector_name: input.connectorName }),
      ...(config === undefined ? {} : { config: deps.keyring.encrypt(JSON.stringify(config)) }),
      ...(domains === undefined ? {} : { domains }),
      ...(input.branding === undefined ? {} : { branding: input.branding }),
      ...(input.syncProfile === undefined ? {} : { sync_profile: input.syncProfile }),
    });
  } catch (error) {
    if (isConnectorNameViolation(error)) throw duplicateName();
    throw error;
  }
  // Deleted while the IdP was being asked.
  if (!updated) throw new LogtoError('entity.not_exists_with_id');
  const connector = toConnector(deps, updated);
  return withProvider(connector, provider, providerConfig ?? (await tryProviderConfig(deps, provider, connector.config)));
}

/** O5. Throws entity.not_found. */
export async function deleteSsoConnector(deps: SsoConnectorDeps, id: string): Promise<void> {
  if (!(await deleteSsoConnectorRow(deps.db, id))) throw new LogtoError('entity.not_found');
}
