// Owns the effective password policy: the stored partial policy with Logto's defaults filled
// (core-kit password-policy.ts): length 8–256, one character type, every reject on, no words.
import type { PartialPasswordPolicy } from './schema.ts';

export interface PasswordPolicy {
  length: { min: number; max: number };
  characterTypes: { min: number };
  rejects: { pwned: boolean; repetitionAndSequence: boolean; userInfo: boolean; words: string[] };
}

export function effectivePasswordPolicy(stored: PartialPasswordPolicy = {}): PasswordPolicy {
  return {
    length: { min: stored.length?.min ?? 8, max: stored.length?.max ?? 256 },
    characterTypes: { min: stored.characterTypes?.min ?? 1 },
    rejects: {
      pwned: stored.rejects?.pwned ?? true,
      repetitionAndSequence: stored.rejects?.repetitionAndSequence ?? true,
      userInfo: stored.rejects?.userInfo ?? true,
      words: stored.rejects?.words ?? [],
    },
  };
}
