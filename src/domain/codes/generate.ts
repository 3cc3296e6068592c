// Owns what a code looks like: CSPRNG digits, letters or both, and the one normal form codes are
// compared in (trimmed, upper case), so "ab12" checks against "AB12".
import { randomString } from '../../crypto/keyring.ts';

export type PinType = 'numbers' | 'letters' | 'alphanumeric';

const alphabets: Record<PinType, string> = {
  numbers: '0123456789',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  alphanumeric: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
};

export const MIN_CODE_LENGTH = 4;
export const MAX_CODE_LENGTH = 10;

export function generateCode(type: PinType, length: number): string {
  if (!Number.isInteger(length) || length < MIN_CODE_LENGTH || length > MAX_CODE_LENGTH)
    throw new RangeError(`code length must be ${MIN_CODE_LENGTH}–${MAX_CODE_LENGTH}`);
  return randomString(length, alphabets[type]);
}

export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}
