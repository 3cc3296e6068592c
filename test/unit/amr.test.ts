// amr (domain/experience/amr.ts): each verified record that authenticated the identified user adds
// its RFC 8176 values, and `mfa` needs two distinct factors — the same factor proven twice is one.
import { describe, expect, it } from 'vitest';
import { amrOf } from '../../src/domain/experience/amr.ts';
import type { ExperienceState } from '../../src/domain/experience/state.ts';
import type { VerificationRecord } from '../../src/domain/verification/index.ts';

const user = { id: 'u1', username: 'ada', primary_email: 'Ada@Example.com', primary_phone: '15550100' };
const state = (records: VerificationRecord[], extra: Partial<ExperienceState> = {}): ExperienceState => ({
  interactionEvent: 'SignIn',
  userId: 'u1',
  profile: {},
  verificationRecords: records,
  ...extra,
});
const password = (userId = 'u1'): VerificationRecord => ({ id: 'p', type: 'Password', identifier: { type: 'username', value: 'ada' }, userId, verified: true });
const emailCode = (value: string, verified = true): VerificationRecord => ({
  id: 'e',
  type: 'EmailVerificationCode',
  identifier: { type: 'email', value },
  codeId: 'c',
  templateType: 'SignIn',
  verified,
});
const phoneCode = (value: string): VerificationRecord => ({
  id: 's',
  type: 'PhoneVerificationCode',
  identifier: { type: 'phone', value },
  codeId: 'c',
  templateType: 'SignIn',
  verified: true,
});
const totp = (fields: { secret?: string; verified?: boolean; userId?: string } = {}): VerificationRecord => ({
  id: 't',
  type: 'Totp',
  userId: fields.userId ?? 'u1',
  verified: fields.verified ?? true,
  ...(fields.secret ? { secret: fields.secret } : {}),
});
const passkey = (backedUp: boolean): VerificationRecord => ({
  id: 'w',
  type: 'WebAuthn',
  userId: 'u1',
  mode: 'authentication',
  challenge: null,
  expiresAt: 0,
  credentialId: 'cred',
  backedUp,
  verified: true,
});
const backup = (): VerificationRecord => ({ id: 'b', type: 'BackupCode', userId: 'u1', verified: true });

describe('amr', () => {
  it('a password alone is pwd; a password and a TOTP are two factors', () => {
    expect(amrOf(state([password()]), user)).toEqual(['pwd']);
    expect(amrOf(state([password(), totp()]), user)).toEqual(['otp', 'pwd', 'mfa']);
  });

  it('a code is otp by email and sms by phone, and only for the user’s own address', () => {
    expect(amrOf(state([emailCode('ada@example.com')]), user)).toEqual(['otp']);
    expect(amrOf(state([phoneCode('15550100')]), user)).toEqual(['sms']);
    expect(amrOf(state([emailCode('someone@example.com')]), user)).toEqual([]);
    expect(amrOf(state([emailCode('ada@example.com', false)]), user)).toEqual([]);
  });

  it('one factor proven twice is one: the same mailbox through two records, the same TOTP', () => {
    // The record of a type is replaced, so the same mailbox twice arrives as registration + record.
    const registeredWith = [{ amr: ['otp'], factor: 'email:ada@example.com' }];
    expect(amrOf(state([emailCode('ADA@example.com')], { registeredWith }), user)).toEqual(['otp']);
    expect(amrOf(state([totp()], { registeredWith: [{ amr: ['otp'], factor: 'totp' }] }), user)).toEqual(['otp']);
  });

  it('a new TOTP being set up, another user’s proof, and an unverified one prove nothing', () => {
    expect(amrOf(state([password(), totp({ secret: 'sealed' })]), user)).toEqual(['pwd']);
    expect(amrOf(state([password(), totp({ userId: 'u2' })]), user)).toEqual(['pwd']);
    expect(amrOf(state([password(), totp({ verified: false })]), user)).toEqual(['pwd']);
    expect(amrOf(state([password('u2')]), user)).toEqual([]);
  });

  it('passkeys: hwk when device-bound, swk when synced; backup codes are otp', () => {
    expect(amrOf(state([password(), passkey(false)]), user)).toEqual(['hwk', 'pwd', 'mfa']);
    expect(amrOf(state([emailCode('ada@example.com'), passkey(true)]), user)).toEqual(['otp', 'swk', 'mfa']);
    expect(amrOf(state([password(), backup()]), user)).toEqual(['otp', 'pwd', 'mfa']);
  });
});
