// Owns finding the connector that serves a channel: the stored Email or SMS connector (at most one
// of each), built into a Sender once and reused until the row changes. The row is read again when
// the connectors table changed in any process (the change feed, storage/change-feed.ts; the process
// that changed it sees it at once), and on every send while the feed cannot promise changes; with
// `cacheMs` (tools and tests) it is trusted for that long instead. Each built sender is guarded
// (connectors/guard.ts): bounded concurrency and a circuit breaker per connector.
import { guardSender, type GuardSettings } from '../../connectors/guard.ts';
import type { Channel, Delivery, Sender, SenderDirectory } from '../../connectors/types.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import type { Db } from '../../storage/db.ts';
import { findPasswordlessConnector, type ConnectorRow } from '../../storage/repos/connectors.ts';
import { buildSender, defaultTemplate, type BuildDeps, type BuiltSender } from './build-sender.ts';
import { openConfig } from './config.ts';
import { findFactory } from './factories.ts';

const TABLES = ['connectors'];

export interface SenderDirectoryDeps extends BuildDeps {
  db: Db;
  keyring: Keyring;
  mode: 'development' | 'production';
  /** Concurrency limit and circuit breaker of every connector built here (connectors/guard.ts). */
  guard: GuardSettings;
  /** Milliseconds clock for the cache and the guard (not the domain clock: tests move that one). */
  now?: () => number;
  /** Trust a looked-up connector this long instead of following the change feed. */
  cacheMs?: number;
}

interface Entry {
  checkedAt: number;
  /** The change feed's version of the connectors table when the row was read (null: read through). */
  feedVersion: number | null;
  /** id + ciphertext of the row the sender was built from; a new ciphertext means a new config. */
  version: string | null;
  built: BuiltSender | null;
  delivery: Delivery | undefined;
}

export function createSenderDirectory(deps: SenderDirectoryDeps): SenderDirectory {
  const now = deps.now ?? Date.now;
  const cacheMs = deps.cacheMs;
  const feedVersion = () => deps.db.changes?.version(TABLES) ?? null;
  const fresh = (entry: Entry | undefined) => {
    if (!entry) return false;
    if (cacheMs !== undefined) return now() - entry.checkedAt < cacheMs;
    return entry.feedVersion !== null && entry.feedVersion === feedVersion();
  };
  const entries = new Map<Channel, Entry>();
  /** The reload in flight per channel, with the feed version it started at (a reload that began
   *  before a change is not shared with a send that began after it). */
  const pending = new Map<Channel, { at: number | null; loading: Promise<Delivery | undefined> }>();

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
    const version = cacheMs === undefined ? feedVersion() : null;
    const row = await findPasswordlessConnector(deps.db, channel === 'sms' ? 'Sms' : 'Email');
    const rowVersion = row ? `${row.id}:${row.config}` : null;
    const cached = entries.get(channel);
    if (cached && cached.version === rowVersion) {
      cached.checkedAt = now();
      cached.feedVersion = version;
      return cached.delivery;
    }
    cached?.built?.close();
    const built = row ? build(row) : null;
    const delivery = built && row ? { connectorId: row.id, sender: guardSender(built.sender, deps.guard, now), template: built.template } : undefined;
    entries.set(channel, { checkedAt: now(), feedVersion: version, version: rowVersion, built, delivery });
    return delivery;
  }

  return {
    resolve(channel) {
      const cached = entries.get(channel);
      if (fresh(cached)) return Promise.resolve(cached!.delivery);
      // One reload per channel at a time; concurrent sends share it.
      const at = cacheMs === undefined ? feedVersion() : null;
      const inFlight = pending.get(channel);
      if (inFlight && (cacheMs !== undefined || (at !== null && inFlight.at === at))) return inFlight.loading;
      const loading = refresh(channel).finally(() => {
        if (pending.get(channel)?.loading === loading) pending.delete(channel);
      });
      pending.set(channel, { at, loading });
      return loading;
    },
    invalidate() {
      for (const entry of entries.values()) {
        entry.checkedAt = -Infinity;
        entry.feedVersion = null;
      }
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
