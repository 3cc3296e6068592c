// Owns what a CLI command runs against: the configuration (read without touching the data directory, so
// `--help` works anywhere) and, opened only when a command asks, the store, the keyring and egress — the
// same ones the server uses, and the stdin commands read secrets and configs from. `close()` releases
// whatever was opened.
import { loadConfig, type Config } from '../config/index.ts';
import { createKeyring, type Keyring } from '../crypto/keyring.ts';
import { loadSecrets } from '../crypto/secret-file.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { checkSecrets } from '../domain/secrets/keys.ts';
import { createAddressPolicy } from '../net/address-policy.ts';
import { createEgress, type Egress } from '../net/egress.ts';
import type { Db } from '../storage/db.ts';
import { openStore, type OpenedStore } from '../storage/open.ts';
import type { Input } from './prompt.ts';

export interface CliDeps {
  config: Config;
  db: Db;
  keyring: Keyring;
  clock: Clock;
  egress: Egress;
}

export interface CliContext {
  config: Config;
  /**
   * Opens the store (migrating it), the keyring and egress once; later calls return the same. The
   * secret check (domain/secrets/keys.ts) runs before the deps are handed out, as in the server, and
   * refuses a secret the database has not seen; `secretCheck: false` skips it for read-only diagnosis
   * (`secrets status`). The check is per call, not per context: a call that asks for it gets it (run
   * once) even after an earlier call skipped it.
   */
  open(options?: { secretCheck?: boolean }): Promise<CliDeps>;
  close(): Promise<void>;
  /** Where passwords and configs are read from (prompt.ts); process.stdin when absent. */
  stdin?: Input;
}

export function createCliContext(env: Record<string, string | undefined> = process.env): CliContext {
  const config = loadConfig(env);
  let store: OpenedStore | undefined;
  let egress: Egress | undefined;
  let opened: Promise<CliDeps> | undefined;
  let checked: Promise<CliDeps> | undefined;
  return {
    config,
    stdin: process.stdin,
    open(options = {}) {
      opened ??= (async () => {
        const keyring = createKeyring(loadSecrets(config).secrets);
        store = await openStore(config);
        egress = createEgress({ policy: createAddressPolicy({ mode: config.mode, allow: config.VERITY_EGRESS_ALLOW }) });
        return { config, db: store.db, keyring, clock: systemClock, egress };
      })();
      if (options.secretCheck === false) return opened;
      checked ??= opened.then(async (deps) => {
        await checkSecrets(deps.db, deps.keyring, { acceptNew: config.VERITY_ACCEPT_NEW_SECRET, who: 'run this command' });
        return deps;
      });
      return checked;
    },
    async close() {
      await egress?.close();
      await store?.close();
    },
  };
}
