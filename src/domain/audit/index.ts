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
  auditRowInsert,
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
export type AuditKey =
  | 'Interaction.Create'
  | 'Interaction.End'
  | `Interaction.${InteractionEvent}.${string}`
  // Verity's own: an operator binds or removes a user's MFA factor (Management API U10, U11).
  | 'User.MfaVerification.Create'
  | 'User.MfaVerification.Delete'
  // Verity's own: an operator links or unlinks a user's social identity (Management API identities routes).
  | 'User.Identity.Create'
  | 'User.Identity.Delete'
  // Verity's own: the Account API's verification attempts (`Account.Verification.<method>.<action>`)
  // and the signed-in user's changes to its own account (`Account.<field>.<action>`).
  | `Account.${string}`;

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
  const event = auditEventOf(deps, entry);
  await insertAuditLogRow(deps.db, rowOf(event));
  emitAudit(deps, event);
  return event;
}

/**
 * An audit row to be written by the statement of the change it records (storage/repos: a CTE),
 * so that the change and its row commit together and cost one round trip. The caller tells the
 * listener once the statement wrote it (emitAudit), or records it itself when nothing did.
 */
export interface CarriedAudit {
  event: AuditEvent;
  /** The CTE body writing the row once per row of `from` (parameters numbered from `first`). */
  insert(first: number, from: string): { sql: string; params: unknown[] };
  /** Set (with the listener told) by whoever wrote the row. */
  written: boolean;
}

export function carriedAudit(deps: Pick<AuditDeps, 'clock'>, entry: AuditEntry): CarriedAudit {
  const event = auditEventOf(deps, entry);
  return { event, insert: (first, from) => auditRowInsert(rowOf(event), first, from), written: false };
}

/** After the statement that carried the row committed: marks it written and tells the listener. */
export function carriedWritten(deps: Pick<AuditDeps, 'events'>, carried: CarriedAudit): void {
  carried.written = true;
  emitAudit(deps, carried.event);
}

/** Writes a carried row no statement wrote (its change failed or took another path). */
export async function recordCarried(deps: AuditDeps, carried: CarriedAudit): Promise<void> {
  if (carried.written) return;
  await insertAuditLogRow(deps.db, rowOf(carried.event));
  carriedWritten(deps, carried);
}

/** Tells the listener of a written row (see the header: its failure is swallowed). */
export function emitAudit(deps: Pick<AuditDeps, 'events'>, event: AuditEvent): void {
  try {
    deps.events?.emit(event);
  } catch {
    // see the header: a listener's failure never fails the recorded action
  }
}

function auditEventOf(deps: Pick<AuditDeps, 'clock'>, entry: AuditEntry): AuditEvent {
  return {
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
}

function rowOf(event: AuditEvent): AuditLogRow {
  return {
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
  };
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
