// Use cases for applications and their OTP API keys: create, list, revoke, authenticate.
// Keys are random 32-byte tokens shown once; only their SHA-256 is stored, and the match is
// confirmed with a constant-time compare.
import crypto from 'node:crypto';
import type { Keyring } from '../../crypto/keyring.ts';
import { randomToken, sha256Hex } from '../../crypto/keyring.ts';
import { cached } from '../../storage/cache.ts';
import type { Db } from '../../storage/db.ts';
import * as repo from '../../storage/repos/apps.ts';
import type { Clock } from '../clock.ts';
import type { RequestCounter } from '../request-counter.ts';
import type { AccessTokenVerifier } from '../../oidc/access-tokens.ts';
import { OTP_API_RESOURCE } from '../../oidc/resources.ts';
import { RateLimitedError } from '../errors.ts';
import { apiKeyLimit, type PolicyConfig } from '../policy.ts';
import { otpSettingsPatch, resolveOtpSettings, type OtpSettings } from './otp-settings.ts';

export interface AppDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
}

/** The tables an API key's lookup reads (the key, its application's OTP settings). */
const API_KEY_TABLES = ['api_keys', 'applications'];

const newId = (prefix: string) => `${prefix}_${crypto.randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;

export async function createApplication(deps: AppDeps, input: { name: string; otpSettings?: Partial<OtpSettings>; id?: string }) {
  const callbackSecret = randomToken(32);
  const app = await repo.insertApp(deps.db, {
    id: input.id ?? newId('app'),
    name: input.name,
    otp_settings: otpSettingsPatch.parse(input.otpSettings ?? {}),
    callback_secret: deps.keyring.encrypt(callbackSecret),
  });
  return { app, callbackSecret };
}

export function callbackSecretOf(deps: Pick<AppDeps, 'keyring'>, app: Pick<repo.AppRow, 'callback_secret'>): string {
  return deps.keyring.decrypt(app.callback_secret);
}

/** Issues a key for the application (or stores `plaintext` when an operator provisions a known one). */
export async function createApiKey(deps: AppDeps, applicationId: string, name: string, plaintext?: string) {
  const key = plaintext ?? `vk_${randomToken(32)}`;
  const row = await repo.insertApiKey(deps.db, {
    id: newId('key'),
    applicationId,
    name,
    keyHash: sha256Hex(key),
    hint: key.slice(-4),
  });
  return { key, row };
}

export const listApiKeys = (deps: Pick<AppDeps, 'db'>, applicationId?: string) => repo.listApiKeys(deps.db, applicationId);
export const revokeApiKey = (deps: Pick<AppDeps, 'db' | 'clock'>, id: string) => repo.revokeApiKey(deps.db, id, deps.clock.now());

export interface KeyPrincipal {
  keyId: string;
  applicationId: string;
  otpSettings: OtpSettings;
  rate: { limit: number; remaining: number; resetAt: Date };
}

type AuthDeps = AppDeps & { policy: PolicyConfig; requests: RequestCounter };

/** Counts the request in the caller's window and builds the principal; throws RateLimitedError('key'). */
async function principal(deps: AuthDeps, bucketId: string, applicationId: string, otpSettings: unknown): Promise<KeyPrincipal> {
  const window = apiKeyLimit(deps.policy, bucketId, deps.clock.now());
  const hits = await deps.requests.hit(window);
  if (hits > window.limit) throw new RateLimitedError('key', window.limit, window.resetAt);
  const rate = { limit: window.limit, remaining: Math.max(0, window.limit - hits), resetAt: window.resetAt };
  return { keyId: bucketId, applicationId, otpSettings: resolveOtpSettings(otpSettings), rate };
}

/**
 * Resolves an API key to its application and counts the request against the key's limit.
 * Revocation is seen at once: the key is cached in process only until api_keys or applications
 * change in any process (storage/cache.ts), and read on every request while that cannot be promised. Returns null for an unknown or
 * revoked key; throws RateLimitedError('key') past the limit.
 */
export async function authenticateApiKey(deps: AuthDeps, key: string): Promise<KeyPrincipal | null> {
  const hash = sha256Hex(key);
  const found = await cached(deps.db, 'api-key', API_KEY_TABLES, hash, () => repo.findLiveKey(deps.db, hash));
  if (!found || !crypto.timingSafeEqual(Buffer.from(found.key_hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
  return principal(deps, found.key_id, found.application_id, found.otp_settings);
}

/**
 * Resolves a client-credentials access token for the OTP API to its application (which must still
 * exist); the application's requests share one window. Returns null for any token that is not valid.
 */
export async function authenticateAccessToken(
  deps: AuthDeps & { tokens: AccessTokenVerifier },
  token: string,
): Promise<KeyPrincipal | null> {
  const payload = await deps.tokens.verify(token, OTP_API_RESOURCE);
  if (!payload?.sub) return null;
  const app = await repo.findApp(deps.db, payload.sub);
  if (!app) return null;
  return principal(deps, `app:${app.id}`, app.id, app.otp_settings);
}
