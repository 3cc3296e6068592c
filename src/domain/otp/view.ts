// Owns the DataOtp wire shape: all 13 keys, always present, built from a stored code.
import { effectiveStatus, type CodeRow } from '../codes/index.ts';

export interface DataOtp {
  otpId: string;
  trackId: string | null;
  phoneNumber: string;
  countryIso: string;
  status: 'PENDING' | 'VERIFIED' | 'EXPIRED' | 'CANCELLED' | 'FAILED';
  cost: number;
  parts: number;
  maxAttempts: number;
  attempts: number;
  ttl: number;
  otpCallbackUrl: string | null;
  dateCreated: string;
  dateExpires: string;
}

/** `snapshot` overrides status and attempts with the values recorded by a status-change event. */
export function toDataOtp(row: CodeRow, now: Date, snapshot?: { status: DataOtp['status']; attempts: number }): DataOtp {
  const meta = row.meta as { trackId?: string | null; countryIso?: string; cost?: number; parts?: number };
  return {
    otpId: row.id,
    trackId: meta.trackId ?? null,
    phoneNumber: row.recipient,
    countryIso: meta.countryIso ?? '',
    status: snapshot?.status ?? effectiveStatus(row, now),
    cost: meta.cost ?? 0,
    parts: meta.parts ?? 1,
    maxAttempts: row.max_attempts,
    attempts: snapshot?.attempts ?? row.attempts,
    ttl: Math.round((row.expires_at.getTime() - row.created_at.getTime()) / 1000),
    otpCallbackUrl: row.callback_url,
    dateCreated: row.created_at.toISOString(),
    dateExpires: row.expires_at.toISOString(),
  };
}
