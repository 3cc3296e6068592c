// Owns the in-process caches of rarely written rows (settings, clients, connectors, keys, API keys):
// a value is kept with the change-feed version of the tables it was read from and served while that
// version stands. The version is taken before reading, so a change committed during the read makes
// the value stale at once. While the feed cannot promise changes (no listener, or a handle without a
// feed) every call reads through. Values are shared: callers must not modify what they get.
import type { Db } from './db.ts';

const MAX_ENTRIES = 1000;

interface Entry<V> {
  version: number;
  value: V;
  /** Date.now() past which the value is stale whatever the feed says (time-bound rows). */
  until?: number;
}

/**
 * The value of `load()` for `key` in cache `name`, read again when one of `tables` changed.
 * `until(value)` bounds a value's life when rows expire with time rather than with a write.
 * Failures are not kept.
 */
export async function cached<V>(
  db: Db,
  name: string,
  tables: readonly string[],
  key: string,
  load: () => Promise<V>,
  until?: (value: V) => number | undefined,
): Promise<V> {
  const feed = db.changes;
  const version = feed?.version(tables) ?? null;
  if (!feed || version === null) return load();
  let store = feed.stores.get(name) as Map<string, Entry<V>> | undefined;
  const hit = store?.get(key);
  if (hit && hit.version === version && (hit.until === undefined || Date.now() < hit.until)) return hit.value;
  const value = await load();
  if (feed.version(tables) !== version) return value;
  if (!store) {
    store = new Map();
    feed.stores.set(name, store);
  }
  store.delete(key);
  // oldest first out: keys a caller chooses (client ids, API key digests) cannot grow it unbounded
  if (store.size >= MAX_ENTRIES) store.delete(store.keys().next().value!);
  store.set(key, { version, value, until: until?.(value) });
  return value;
}
