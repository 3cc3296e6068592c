// Owns where the server secret comes from: VERITY_SECRET, or in development a secret generated once
// and kept in <data dir>/secret.key (mode 0600). Production without VERITY_SECRET is refused by config.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Config } from '../config/index.ts';

export function loadSecrets(config: Pick<Config, 'VERITY_SECRET' | 'VERITY_PREVIOUS_SECRETS' | 'mode' | 'dataDir'>): {
  secrets: string[];
  generated: boolean;
} {
  if (config.VERITY_SECRET) return { secrets: [config.VERITY_SECRET, ...config.VERITY_PREVIOUS_SECRETS], generated: false };
  if (config.mode === 'production') throw new Error('VERITY_SECRET is required in production mode');
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(config.dataDir, 'secret.key');
  let generated = false;
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
    generated = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  return { secrets: [secret, ...config.VERITY_PREVIOUS_SECRETS], generated };
}
