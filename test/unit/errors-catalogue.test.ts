// The error catalogue (src/domain/errors.ts) must match the documented OTP error table in the spec:
// same codes, HTTP statuses and types. The spec lives beside the repository in the shared folder.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LogtoError, otpErrors } from '../../src/domain/errors.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const specFile = path.resolve(root, '../shared/spec/otp-api.md');
const hasSpec = fs.existsSync(specFile);

function documented(): { status: number; code: number; type: string }[] {
  const rows = fs.readFileSync(specFile, 'utf8').split('\n');
  return rows
    .map((line) => line.match(/^\|\s*(\d{3})\s*\|\s*(20\d\d)\s*\|\s*([a-z_]+)\s*\|/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ status: Number(m[1]), code: Number(m[2]), type: m[3]! }));
}

describe('OTP error catalogue', () => {
  it.skipIf(!hasSpec)('matches every documented code, status and type', () => {
    const doc = documented();
    expect(doc).toHaveLength(31);
    const ours = Object.values(otpErrors).filter((e) => e.code >= 2000);
    for (const d of doc) expect(ours).toContainEqual(expect.objectContaining(d));
    for (const e of ours) expect(doc).toContainEqual({ status: e.status, code: e.code, type: e.type });
  });

  it('uses only the documented error types and unique numbers for Verity codes', () => {
    const types = new Set([
      'access_denied', 'duplicate_id', 'duplicate_value', 'insufficient_credit', 'insufficient_scope', 'invalid_api_key',
      'invalid_body', 'invalid_client', 'invalid_method', 'invalid_param', 'invalid_request', 'invalid_scope', 'no_coverage',
      'not_found', 'rate_limit', 'server_error', 'unsupported_grant_type', 'invalid_pin', 'otp_expired', 'otp_failed',
      'otp_cancelled', 'otp_verified',
    ]);
    for (const e of Object.values(otpErrors)) expect(types.has(e.type)).toBe(true);
    const own = Object.values(otpErrors).filter((e) => e.code < 2000).map((e) => e.code);
    expect(new Set(own).size).toBe(own.length);
  });
});

describe('messages with placeholders', () => {
  it('take the values the error data gives, as Logto’s i18n does, and keep a placeholder without one', () => {
    expect(new LogtoError('user.user_not_exist', { identifier: 'ada@example.com' }).message).toBe('User with ada@example.com does not exist.');
    expect(new LogtoError('session.invalid_connector_id', { connectorId: 'abc123' }).message).toBe('Unable to find available connector with id abc123.');
    expect(new LogtoError('user.user_not_exist').message).toBe('User with {{identifier}} does not exist.');
  });
});
