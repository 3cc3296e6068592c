// Owns first-start provisioning: the default application and an OTP API key, so a fresh install
// works without manual steps. In development a generated key is written to <data dir>/credentials.json
// (mode 0600); VERITY_OTP_API_KEY provisions a known key instead (any mode).
import fs from 'node:fs';
import path from 'node:path';
import { randomString, randomToken, sha256Hex } from '../../crypto/keyring.ts';
import * as repo from '../../storage/repos/apps.ts';
import { createApiKey, createApplication, type AppDeps } from './index.ts';

export const DEFAULT_APP_ID = 'default';

export interface BootstrapResult {
  credentialsFile?: string;
  createdKey: boolean;
  createdAdmin?: boolean;
}

export function credentialsPath(dataDir: string) {
  return path.join(dataDir, 'credentials.json');
}

export function readCredentials(dataDir: string): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(credentialsPath(dataDir), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** Merges entries into credentials.json, written atomically with mode 0600. */
export function writeCredentials(dataDir: string, entries: Record<string, string>) {
  const file = credentialsPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(tmp, `${JSON.stringify({ ...readCredentials(dataDir), ...entries }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export async function ensureDefaultApp(deps: AppDeps) {
  if (await repo.findApp(deps.db, DEFAULT_APP_ID)) return;
  // Two processes may start together: the loser's insert fails on the primary key, which is fine.
  await createApplication(deps, { id: DEFAULT_APP_ID, name: 'Default application' }).catch(async (error) => {
    if (!(await repo.findApp(deps.db, DEFAULT_APP_ID))) throw error;
  });
}

async function keyIsLive(deps: AppDeps, key: string | undefined) {
  if (!key) return false;
  const row = await repo.findApiKeyByHash(deps.db, sha256Hex(key));
  return Boolean(row && !row.revoked_at);
}

export async function bootstrap(
  deps: AppDeps,
  config: { mode: 'development' | 'production'; dataDir: string; VERITY_OTP_API_KEY?: string | undefined },
): Promise<BootstrapResult> {
  if (config.VERITY_OTP_API_KEY) {
    await ensureDefaultApp(deps);
    const hash = sha256Hex(config.VERITY_OTP_API_KEY);
    let createdKey = false;
    if (!(await repo.findApiKeyByHash(deps.db, hash))) {
      // Several processes may provision the same key at once: the losers' inserts hit the unique hash.
      createdKey = await createApiKey(deps, DEFAULT_APP_ID, 'provisioned (VERITY_OTP_API_KEY)', config.VERITY_OTP_API_KEY).then(
        () => true,
        async (error: unknown) => {
          if (await repo.findApiKeyByHash(deps.db, hash)) return false;
          throw error;
        },
      );
    }
    if (!(await keyIsLive(deps, config.VERITY_OTP_API_KEY)))
      throw new Error('VERITY_OTP_API_KEY names a key that was revoked; provision a new one');
    return { createdKey };
  }
  if (config.mode !== 'development') return { createdKey: false };
  await ensureDefaultApp(deps);
  const file = credentialsPath(config.dataDir);
  if (await keyIsLive(deps, readCredentials(config.dataDir).otpApiKey)) return { credentialsFile: file, createdKey: false };
  const { key } = await createApiKey(deps, DEFAULT_APP_ID, 'development (credentials.json)');
  writeCredentials(config.dataDir, { otpApiKey: key });
  return { credentialsFile: file, createdKey: true };
}

const ADMIN_NAME = 'Management API (bootstrap)';

/**
 * The first MachineToMachine application with Management API access: VERITY_ADMIN_CLIENT_ID/SECRET
 * provision a known one (any mode); in development one is generated once and written to
 * credentials.json as adminClientId / adminClientSecret.
 */
export async function bootstrapAdmin(
  deps: AppDeps,
  config: { mode: 'development' | 'production'; dataDir: string; VERITY_ADMIN_CLIENT_ID?: string; VERITY_ADMIN_CLIENT_SECRET?: string },
): Promise<{ created: boolean }> {
  const callbackSecret = deps.keyring.encrypt(randomToken(32));
  if (config.VERITY_ADMIN_CLIENT_ID && config.VERITY_ADMIN_CLIENT_SECRET) {
    const secretHash = sha256Hex(config.VERITY_ADMIN_CLIENT_SECRET);
    await repo.upsertAdminClient(deps.db, { id: config.VERITY_ADMIN_CLIENT_ID, name: ADMIN_NAME, secretHash, callbackSecret });
    return { created: false };
  }
  if (config.mode !== 'development') return { created: false };
  const saved = readCredentials(config.dataDir);
  if (saved.adminClientId && saved.adminClientSecret) {
    const [row] = await deps.db.query<{ secret_hash: string }>('SELECT secret_hash FROM applications WHERE id = $1', [saved.adminClientId]);
    if (row && row.secret_hash === sha256Hex(saved.adminClientSecret)) return { created: false };
  }
  const id = randomString(21);
  const secret = randomString(32);
  await repo.upsertAdminClient(deps.db, { id, name: ADMIN_NAME, secretHash: sha256Hex(secret), callbackSecret });
  writeCredentials(config.dataDir, { adminClientId: id, adminClientSecret: secret });
  return { created: true };
}
