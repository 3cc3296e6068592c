// Owns a connector config on its way in and out: Logto's cleaning (empty strings, arrays, objects
// and nulls dropped, recursively), the factory guard, and encryption at rest with the keyring.
import type { Keyring } from '../../crypto/keyring.ts';
import { LogtoError } from '../errors.ts';
import type { FactoryDefinition } from './factories.ts';

export type Json = Record<string, unknown>;

const isEmpty = (value: unknown) =>
  value === null ||
  value === undefined ||
  value === '' ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);

/** Drops empty strings, arrays, objects and nulls at every depth (Logto's cleanDeep). */
export function cleanDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cleanDeep(v)).filter((v) => !isEmpty(v)) as T;
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) {
      const cleaned = cleanDeep(v);
      if (!isEmpty(cleaned)) out[key] = cleaned;
    }
    return out as T;
  }
  return value;
}

export interface ConfigPolicy {
  mode: 'development' | 'production';
}

/** Throws connector.invalid_config when the config fails the factory's guard, or when the factory
 *  is development-only and the server runs in production (data = the guard's issues). */
export function validateConfig(policy: ConfigPolicy, factory: FactoryDefinition, config: Json): void {
  if (factory.developmentOnly && policy.mode === 'production')
    throw new LogtoError('connector.invalid_config', { message: `${factory.metadata.id} is for development mode only` });
  const result = factory.configGuard.safeParse(config);
  if (!result.success) throw new LogtoError('connector.invalid_config', result.error.issues);
}

export const sealConfig = (keyring: Keyring, config: Json): string => keyring.encrypt(JSON.stringify(config));
export const openConfig = (keyring: Keyring, sealed: string): Json => JSON.parse(keyring.decrypt(sealed)) as Json;
