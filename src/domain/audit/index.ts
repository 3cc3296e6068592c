// Owns the audit log (Logto `logs`): recordAudit writes one row per verification attempt and per
// interaction outcome, and the Management API reads them back (GET /api/logs, /api/logs/{id}) in
// Logto's Log shape. Only what an operator needs is kept: never a password, code or secret, and of an
// error only its code and catalogue message (not its data).
//
// The webhook seam: deps.events.emit(event) is called after the row is written. Nothing listens yet
// (the default is no listener); the webhooks issue plugs its dispatcher in here. emit must not block:
// it is called synchronously, and an exception it throws is swallowed so a broken listener can never
// fail a sign-in. Pass a Db, not an open transaction, or an emitted row might still roll back.
//
// Throws LogtoError entity.not_exists_with_id (404) from getAuditLog.
import { randomString } from '../../crypto/keyring.ts';
import type { Queryable } from '../../storage/db.ts';
import {
  findAuditLogRow,
  insertAuditLogRow,
  listAuditLogRows,
  type AuditLogFilter,
  type AuditLogRow,
} from '../../storage/repos/audit-logs.ts';
import type { Clock } from '../clock.ts';
import { LogtoError, logtoErrors } from '../errors.ts';

export type AuditResult = 'Success' | 'Error';
export type InteractionEvent = 'SignIn' | 'Register' | 'ForgotPassword';

/**
 * Logto log keys of the interaction family, e.g. `Interaction.Create`,
 * `Interaction.SignIn.Identifier.Submit`, `Interaction.SignIn.Verification.Password.Submit`,
 * `Interaction.Register.Submit`, `Interaction.ForgotPassword.Submit`.
 */
export type AuditKey = 'Interaction.Create' | 'Interaction.End' | `Interaction.${InteractionEvent}.${string}`;

/** What a caller records. Absent (or null) fields are simply not stored. */
export interface AuditEntry {
  key: AuditKey;
  result: AuditResult;
  userId?: string | null;
  applicationId?: string | null;
  interactionId?: string | null;
  /** The verification method, e.g. Password, EmailVerificationCode. */
  method?: string | null;
  /** The identifier the attempt named, as given. */
  identifier?: { type: string; value: string } | null;
  /** The error answered (a LogtoError fits); the message defaults to the catalogue's. */
  error?: { code: string; message?: string } | null;
  ip?: string | null;
  userAgent?: string | null;
}

/** What listeners receive: the entry as stored, with its id and time. */
export interface AuditEvent {
  id: string;
  key: AuditKey;
  result: AuditResult;
  userId: string | null;
  applicationId: string | null;
  interactionId: string | null;
  method: string | null;
  identifier: { type: string; value: string } | null;
  error: { code: string; message: string } | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
}

export interface AuditEvents {
  emit(event: AuditEvent): void;
}

export interface AuditDeps {
  db: Queryable;
  clock: Clock;
  /** Listener for written rows (webhooks); none by default. */
  events?: AuditEvents;
}

/** Logto LogContextPayload as Verity fills it. */
export interface AuditLogPayload {
  key: string;
  result: AuditResult;
  error?: { code: string; message: string };
  ip?: string;
  userAgent?: string;
  userId?: string;
  applicationId?: string;
  interactionId?: string;
  method?: string;
  identifier?: { type: string; value: string };
}

/** Logto Log. */
export interface AuditLog {
  tenantId: string;
  id: string;
  key: string;
  payload: AuditLogPayload;
  /** Epoch milliseconds. */
  createdAt: number;
}

const TENANT_ID = 'default';

const messageOf = (error: { code: string; message?: string }): string =>
  error.message ?? (logtoErrors as Record<string, { message: string }>)[error.code]?.message ?? error.code;

/** Writes one audit row, then tells the listener. Returns the event as written. */
export async function recordAudit(deps: AuditDeps, entry: AuditEntry): Promise<AuditEvent> {
  const event: AuditEvent = {
    id: randomString(21),
    key: entry.key,
    result: entry.result,
    userId: entry.userId ?? null,
    applicationId: entry.applicationId ?? null,
    interactionId: entry.interactionId ?? null,
    method: entry.method ?? null,
    identifier: entry.identifier ? { type: entry.identifier.type, value: entry.identifier.value } : null,
    error: entry.error ? { code: entry.error.code, message: messageOf(entry.error) } : null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    createdAt: deps.clock.now(),
  };
  await insertAuditLogRow(deps.db, {
    id: event.id,
    key: event.key,
    result: event.result,
    user_id: event.userId,
    application_id: event.applicationId,
    interaction_id: event.interactionId,
    method: event.method,
    identifier: event.identifier,
    error: event.error,
    ip: event.ip,
    user_agent: event.userAgent,
    created_at: event.createdAt,
  });
  try {
    deps.events?.emit(event);
  } catch {
    // see the header: a listener's failure never fails the recorded action
  }
  return event;
}

function viewOf(row: AuditLogRow): AuditLog {
  const payload: AuditLogPayload = { key: row.key, result: row.result };
  if (row.error) payload.error = row.error;
  if (row.ip !== null) payload.ip = row.ip;
  if (row.user_agent !== null) payload.userAgent = row.user_agent;
  if (row.user_id !== null) payload.userId = row.user_id;
  if (row.application_id !== null) payload.applicationId = row.application_id;
  if (row.interaction_id !== null) payload.interactionId = row.interaction_id;
  if (row.method !== null) payload.method = row.method;
  if (row.identifier) payload.identifier = row.identifier;
  return { tenantId: TENANT_ID, id: row.id, key: row.key, payload, createdAt: new Date(row.created_at).getTime() };
}

/** Newest first, filtered by exact user id, application id and log key (each optional). */
export async function listAuditLogs(
  deps: { db: Queryable },
  filter: AuditLogFilter,
  page: { limit: number; offset: number },
): Promise<{ items: AuditLog[]; total: number }> {
  const { rows, total } = await listAuditLogRows(deps.db, filter, page);
  return { items: rows.map(viewOf), total };
}

/** Throws LogtoError entity.not_exists_with_id. */
export async function getAuditLog(deps: { db: Queryable }, id: string): Promise<AuditLog> {
  const row = await findAuditLogRow(deps.db, id);
  if (!row) throw new LogtoError('entity.not_exists_with_id');
  return viewOf(row);
}
