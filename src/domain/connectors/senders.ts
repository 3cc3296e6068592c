// Owns finding the connector that serves a channel: the stored Email or SMS connector (at most one
// of each), built into a Sender once and reused until the row changes. Every process reads the
// table, so a connector changed through any process is used everywhere within CACHE_MS; the
// process that changed it calls invalidate() and uses it from the next send. Each built sender is
// guarded (connectors/guard.ts): bounded concurrency and a circuit breaker per connector.
import { guardSender, type GuardSettings } from '../../connectors/guard.ts';
import type { Channel, Delivery, Sender, SenderDirectory } from '../../connectors/types.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import type { Db } from '../../storage/db.ts';
import { findPasswordlessConnector, type ConnectorRow } from '../../storage/repos/connectors.ts';
import { buildSender, defaultTemplate, type BuildDeps, type BuiltSender } from './build-sender.ts';
import { openConfig } from './config.ts';
import { findFactory } from './factories.ts';

/** How long a looked-up connector is trusted before the table is read again. */
export const CACHE_MS = 2000;

export interface SenderDirectoryDeps extends BuildDeps {
  db: Db;
  keyring: Keyring;
  mode: 'development' | 'production';
  /** Concurrency limit and circuit breaker of every connector built here (connectors/guard.ts). */
  guard: GuardSettings;
  /** Milliseconds clock for the cache (not the domain clock: tests move that one). */
  now?: () => number;
  cacheMs?: number;
}

interface Entry {
  checkedAt: number;
  /** id + ciphertext of the row the sender was built from; a new ciphertext means a new config. */
  version: string | null;
  built: BuiltSender | null;
  delivery: Delivery | undefined;
}

export function createSenderDirectory(deps: SenderDirectoryDeps): SenderDirectory {
  const now = deps.now ?? Date.now;
  const cacheMs = deps.cacheMs ?? CACHE_MS;
  const entries = new Map<Channel, Entry>();
  const pending = new Map<Channel, Promise<Delivery | undefined>>();

  function build(row: ConnectorRow): BuiltSender | null {
    const factory = findFactory(row.connector_id);
    if (!factory) return null;
    if (factory.developmentOnly && deps.mode === 'production') {
      deps.logger.warn(`connector ${row.id} (${row.connector_id}) is for development only and is not used in production`);
      return null;
    }
    try {
      return buildSender(deps, row.connector_id, openConfig(deps.keyring, row.config));
    } catch (error) {
      // A config sealed with a secret since dropped, or one an older release accepted.
      deps.logger.error(`connector ${row.id} (${row.connector_id}) cannot be used: ${error instanceof Error ? error.message : 'bad config'}`);
      return null;
    }
  }

  async function refresh(channel: Channel): Promise<Delivery | undefined> {
    const row = await findPasswordlessConnector(deps.db, channel === 'sms' ? 'Sms' : 'Email');
    const version = row ? `${row.id}:${row.config}` : null;
    const cached = entries.get(channel);
    if (cached && cached.version === version) {
      cached.checkedAt = now();
      return cached.delivery;
    }
    cached?.built?.close();
    const built = row ? build(row) : null;
    const delivery = built && row ? { connectorId: row.id, sender: guardSender(built.sender, deps.guard, now), template: built.template } : undefined;
    entries.set(channel, { checkedAt: now(), version, built, delivery });
    return delivery;
  }

  return {
    resolve(channel) {
      const cached = entries.get(channel);
      if (cached && now() - cached.checkedAt < cacheMs) return Promise.resolve(cached.delivery);
      // One reload per channel at a time; concurrent sends share it.
      let loading = pending.get(channel);
      if (!loading) {
        loading = refresh(channel).finally(() => pending.delete(channel));
        pending.set(channel, loading);
      }
      return loading;
    },
    invalidate() {
      for (const entry of entries.values()) entry.checkedAt = -Infinity;
    },
    async close() {
      for (const entry of entries.values()) entry.built?.close();
      entries.clear();
    },
  };
}

/** "sms: webhook, email: none" for the startup log line. */
export async function describeSenders(directory: SenderDirectory): Promise<string> {
  const name = async (channel: Channel) => (await directory.resolve(channel))?.sender.name ?? 'none';
  return `sms: ${await name('sms')}, email: ${await name('email')}`;
}

/** A directory over senders built elsewhere, with the default templates (benchmarks and tools
 *  that send through a stand-in gateway). */
export function fixedSenders(senders: Partial<Record<Channel, Sender>>): SenderDirectory {
  return {
    resolve: (channel) => {
      const sender = senders[channel];
      return Promise.resolve(sender && { connectorId: sender.name, sender, template: defaultTemplate });
    },
    invalidate() {},
    close: () => Promise.resolve(),
  };
}
