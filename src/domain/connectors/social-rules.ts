// Owns the rules only Social connectors have (management-core-api.md §5, Logto v1.22.0's connector
// routes): C1's target and instance checks, C4's target check for standard factories, the metadata a
// standard connector's instance shows, and which targets the sign-in experience may list (a target
// stays only while a Social connector serves it, so C5 of the last one removes it). Several Social
// connectors may exist; the one-per-type rule is Email/SMS only. Connectors are few: the checks read
// the whole (small) table through the list statement rather than one query per rule.
// Throws LogtoError connector.should_specify_target, connector.cannot_overwrite_metadata_for_non_standard_connector,
// connector.can_not_modify_target (400), connector.multiple_instances_not_supported,
// connector.multiple_target_with_same_platform (422).
import type { Queryable } from '../../storage/db.ts';
import { listConnectorRows, type ConnectorRow } from '../../storage/repos/connectors.ts';
import { findSignInExperienceRow, updateSignInExperienceRow } from '../../storage/repos/sign-in-experience.ts';
import { LogtoError } from '../errors.ts';
import type { Json } from './config.ts';
import { findFactory, type ConnectorFactory, type FactoryDefinition } from './factories.ts';

const SIGN_IN_EXPERIENCE_ID = 'default';

/** The factory metadata an instance shows: a standard factory's instance takes its stored target,
 *  name, logo and logoDark. */
export function instanceMetadata(factory: ConnectorFactory, stored: Json): ConnectorFactory {
  if (!factory.isStandard) return factory;
  const pick = <K extends 'target' | 'name' | 'logo' | 'logoDark'>(key: K) => (stored[key] === undefined ? {} : { [key]: stored[key] });
  return { ...factory, ...pick('target'), ...pick('name'), ...pick('logo'), ...pick('logoDark') } as ConnectorFactory;
}

/** The target and platform of each stored Social connector. */
function socialInstances(rows: ConnectorRow[]): Array<{ row: ConnectorRow; target: string; platform: ConnectorFactory['platform'] }> {
  return rows.flatMap((row) => {
    const factory = row.type === 'Social' ? findFactory(row.connector_id) : null;
    if (!factory) return [];
    const shown = instanceMetadata(factory.metadata, row.metadata);
    return [{ row, target: shown.target, platform: shown.platform }];
  });
}

/** The targets Social connectors serve. */
export async function socialTargets(q: Queryable): Promise<Set<string>> {
  return new Set(socialInstances(await listConnectorRows(q)).map((s) => s.target));
}

/** C1's Social rules, in Logto's order (`metadata` cleaned). */
export async function checkSocialCreation(q: Queryable, factory: FactoryDefinition, metadata: Json | undefined): Promise<void> {
  const { metadata: f } = factory;
  if (f.isStandard && typeof metadata?.target !== 'string') throw new LogtoError('connector.should_specify_target');
  if (!f.isStandard && metadata !== undefined && Object.keys(metadata).length > 0)
    throw new LogtoError('connector.cannot_overwrite_metadata_for_non_standard_connector');
  const rows = await listConnectorRows(q);
  if (!f.isStandard && rows.some((r) => r.connector_id === f.id)) throw new LogtoError('connector.multiple_instances_not_supported');
  const target = f.isStandard ? (metadata!.target as string) : f.target;
  const clash = socialInstances(rows).find((s) => s.target === target && s.platform === f.platform);
  if (clash) throw new LogtoError('connector.multiple_target_with_same_platform', { connectorId: clash.row.connector_id });
}

/** C4 for a standard factory's instance: metadata, when given, keeps the stored target (Logto). */
export function checkStandardUpdate(row: ConnectorRow, metadata: Json | undefined): void {
  if (metadata !== undefined && metadata.target !== row.metadata.target) throw new LogtoError('connector.can_not_modify_target');
}

/** After a Social connector is gone: its target leaves the sign-in experience unless another Social
 *  connector still serves it (Logto's removeUnavailableSocialConnectorTargets). Call inside the
 *  transaction that deleted it. */
export async function removeUnavailableSocialTargets(q: Queryable): Promise<void> {
  const row = await findSignInExperienceRow(q, SIGN_IN_EXPERIENCE_ID, true);
  const listed = row?.socialSignInConnectorTargets;
  if (!Array.isArray(listed)) return;
  const served = await socialTargets(q);
  const kept = listed.filter((t) => typeof t === 'string' && served.has(t));
  if (kept.length !== listed.length) await updateSignInExperienceRow(q, SIGN_IN_EXPERIENCE_ID, { socialSignInConnectorTargets: kept });
}
