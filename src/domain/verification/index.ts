// The registry of verification methods: every record type the Experience API stores, parsed back
// through one zod union (STYLE habit 10). A new method is one module and one line here.
import { z } from 'zod';
import { backupCodeMethod, BackupCodeRecord } from './backup-code.ts';
import { EnterpriseSsoRecord, enterpriseSsoMethod } from './enterprise-sso.ts';
import { newPasswordIdentityMethod, NewPasswordIdentityRecord } from './new-password-identity.ts';
import { passwordMethod, PasswordRecord } from './password.ts';
import { socialMethod, SocialRecord } from './social.ts';
import { totpMethod, TotpRecord } from './totp.ts';
import type { VerificationMethod } from './types.ts';
import { EmailCodeRecord, emailCodeMethod, PhoneCodeRecord, phoneCodeMethod } from './verification-code.ts';
import { webAuthnMethod, WebAuthnRecord } from './webauthn.ts';

export const VerificationRecord = z.discriminatedUnion('type', [
  PasswordRecord,
  EmailCodeRecord,
  PhoneCodeRecord,
  NewPasswordIdentityRecord,
  TotpRecord,
  WebAuthnRecord,
  BackupCodeRecord,
  EnterpriseSsoRecord,
  SocialRecord,
]);
export type VerificationRecord = z.infer<typeof VerificationRecord>;

const methods = [
  passwordMethod,
  emailCodeMethod,
  phoneCodeMethod,
  newPasswordIdentityMethod,
  totpMethod,
  webAuthnMethod,
  backupCodeMethod,
  enterpriseSsoMethod,
  socialMethod,
] as const;

export function methodOf(record: VerificationRecord): VerificationMethod<VerificationRecord> {
  return methods.find((m) => m.type === record.type) as unknown as VerificationMethod<VerificationRecord>;
}
