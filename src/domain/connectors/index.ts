// Use cases of the connectors API (management-core-api.md §5, C1–C5) and the factory list; the rules
// only Social connectors have are in social-rules.ts.
// Throws LogtoError entity.not_found (404), connector.not_found_with_connector_id (422),
// connector.invalid_config (also for an address the egress policy refuses), connector.can_not_modify_target,
// connector.cannot_overwrite_metadata_for_non_standard_connector (400),
// connector.invalid_type_for_syncing_profile, connector.id_already_exists (422), and social-rules.ts's.
import { randomString, type Keyring } from '../../crypto/keyring.ts';
import type { Db, Queryable } from '../../storage/db.ts';
import {
  deleteConnectorRow,
  findConnectorRow,
  insertConnector,
  listConnectorRows,
  lockSocialCreation,
  updateConnectorRow,
  type ConnectorRow,
} from '../../storage/repos/connectors.ts';
import type { SenderDirectory } from '../../connectors/types.ts';
import type { Egress } from '../../net/egress.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import { checkConfigAddresses } from './addresses.ts';
import { cleanDeep, openConfig, sealConfig, validateConfig, type Json } from './config.ts';
import { factories, findFactory, type ConnectorFactory } from './factories.ts';
import { checkSocialCreation, checkStandardUpdate, instanceMetadata, removeUnavailableSocialTargets } from './social-rules.ts';

export interface ConnectorDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  /** Development-only factories (the outbox) are refused in production. */
  mode: 'development' | 'production';
  /** Where the outbox writes. */
  dataDir: string;
  /** Told when a connector changes, so this process sends with it from the next message. */
  senders?: Pick<SenderDirectory, 'invalidate'>;
  /** Addresses in a config must pass its policy (addresses.ts); test sends go through it. */
  egress: Egress;
}

/** The wire connector: the factory's fields, then the stored instance's (LG connectorResponseGuard). */
export type Connector = ConnectorFactory & {
  connectorId: string;
  syncProfile: boolean;
  config: Json;
  metadata: Json;
};

export interface CreateConnectorInput {
  connectorId: string;
  id?: string;
  config?: Json;
  metadata?: Json;
  syncProfile?: boolean;
}

export interface UpdateConnectorInput {
  config?: Json;
  metadata?: Json;
  syncProfile?: boolean;
}

/** 12 lowercase alphanumerics, as Logto's connector ids. */
export const newConnectorId = () => randomString(12);

export function listFactories(): ConnectorFactory[] {
  return factories.map((f) => f.metadata);
}

/** Throws entity.not_found. */
export function getFactory(id: string): ConnectorFactory {
  const factory = findFactory(id);
  if (!factory) throw new LogtoError('entity.not_found');
  return factory.metadata;
}

function toConnector(deps: ConnectorDeps, row: ConnectorRow): Connector {
  const factory = findFactory(row.connector_id);
  if (!factory) throw new LogtoError('entity.not_found');
  return {
    ...instanceMetadata(factory.metadata, row.metadata),
    id: row.id,
    connectorId: row.connector_id,
    syncProfile: row.sync_profile,
    config: openConfig(deps.keyring, row.config),
    metadata: row.metadata,
  };
}

/** C1: an Email or SMS connector replaces the existing one of its type; Social ones may be several. */
export async function createConnector(deps: ConnectorDeps, input: CreateConnectorInput): Promise<Connector> {
  const factory = findFactory(input.connectorId);
  if (!factory || factory.metadata.isDemo) throw new LogtoError('connector.not_found_with_connector_id');
  const metadata = input.metadata === undefined ? undefined : cleanDeep(input.metadata);
  if (factory.metadata.type === 'Social') await checkSocialCreation(deps.db, factory, metadata);
  else if (input.syncProfile) throw new LogtoError('connector.invalid_type_for_syncing_profile');
  const config = cleanDeep(input.config ?? {});
  validateConfig(deps, factory, config);
  await checkConfigAddresses(deps.egress, factory.metadata.id, config);
  const id = input.id ?? newConnectorId();
  const clash = input.id ? await findConnectorRow(deps.db, id) : null;
  if (clash && clash.type !== factory.metadata.type) throw new LogtoError('connector.id_already_exists');
  const insert = (q: Queryable) =>
    insertConnector(q, {
      id,
      connector_id: factory.metadata.id,
      type: factory.metadata.type,
      sync_profile: input.syncProfile ?? false,
      config: sealConfig(deps.keyring, config),
      metadata: metadata ?? {},
      created_at: deps.clock.now(),
    });
  try {
    // Social: checked again under a lock with the insert, so concurrent creations cannot both pass.
    const row =
      factory.metadata.type === 'Social'
        ? await deps.db.tx(async (q) => {
            await lockSocialCreation(q);
            await checkSocialCreation(q, factory, metadata);
            return insert(q);
          })
        : await insert(deps.db);
    deps.senders?.invalidate();
    return toConnector(deps, row);
  } catch (error) {
    // A concurrent creation took the id between the check and the insert.
    if ((error as { code?: string }).code === '23505') throw new LogtoError('connector.id_already_exists');
    throw error;
  }
}

/** C2: every connector, or those whose factory target is `target`. */
export async function listConnectors(deps: ConnectorDeps, target?: string): Promise<Connector[]> {
  const all = (await listConnectorRows(deps.db)).map((row) => toConnector(deps, row));
  return target === undefined ? all : all.filter((c) => c.target === target);
}

/** C3. Throws entity.not_found. */
export async function getConnector(deps: ConnectorDeps, id: string): Promise<Connector> {
  const row = await findConnectorRow(deps.db, id);
  if (!row) throw new LogtoError('entity.not_found');
  return toConnector(deps, row);
}

/** C4: config is replaced whole and checked against the factory; metadata of the built-in
 *  (non-standard) factories may only repeat their target. */
export async function updateConnector(deps: ConnectorDeps, id: string, input: UpdateConnectorInput): Promise<Connector> {
  const row = await findConnectorRow(deps.db, id);
  if (!row) throw new LogtoError('entity.not_found');
  const factory = findFactory(row.connector_id);
  if (!factory) throw new LogtoError('entity.not_found');
  if (input.syncProfile && factory.metadata.type !== 'Social') throw new LogtoError('connector.invalid_type_for_syncing_profile');
  const metadata = input.metadata === undefined ? undefined : cleanDeep(input.metadata);
  if (factory.metadata.isStandard) checkStandardUpdate(row, metadata);
  else if (metadata) {
    if (metadata.target !== undefined && metadata.target !== factory.metadata.target) throw new LogtoError('connector.can_not_modify_target');
    if (['name', 'logo', 'logoDark'].some((k) => metadata[k] !== undefined))
      throw new LogtoError('connector.cannot_overwrite_metadata_for_non_standard_connector');
  }
  let sealed: string | undefined;
  if (input.config !== undefined) {
    const config = cleanDeep(input.config);
    validateConfig(deps, factory, config);
    await checkConfigAddresses(deps.egress, factory.metadata.id, config);
    sealed = sealConfig(deps.keyring, config);
  }
  const updated = await updateConnectorRow(deps.db, id, {
    ...(sealed === undefined ? {} : { config: sealed }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(input.syncProfile === undefined ? {} : { sync_profile: input.syncProfile }),
  });
  if (!updated) throw new LogtoError('entity.not_found');
  deps.senders?.invalidate();
  return toConnector(deps, updated);
}

/** C5; a Social connector's target leaves the sign-in experience with the last connector serving it.
 *  Throws entity.not_found. */
export async function deleteConnector(deps: ConnectorDeps, id: string): Promise<void> {
  await deps.db.tx(async (q) => {
    const row = await findConnectorRow(q, id);
    if (!row || !(await deleteConnectorRow(q, id))) throw new LogtoError('entity.not_found');
    if (row.type === 'Social') await removeUnavailableSocialTargets(q);
  });
  deps.senders?.invalidate();
}
