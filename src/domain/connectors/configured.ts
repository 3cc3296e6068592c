// Owns connectors declared through configuration (VERITY_SMS_CONNECTOR, VERITY_SMTP_URL, …): at
// start they are written into the connectors table, so the Management API lists them and sends
// use them like any other. An explicit setting replaces the stored connector of its type (the
// configuration is the operator's word); development's implicit outbox only fills an empty slot. The
// addresses they name are checked against the egress policy first, so a refused one stops the start.
import type { Config } from '../../config/index.ts';
import { defaultTemplateList } from '../../connectors/templates.ts';
import { findPasswordlessConnector, insertConnector } from '../../storage/repos/connectors.ts';
import { addressProblems } from './addresses.ts';
import { cleanDeep, openConfig, sealConfig, validateConfig, type Json } from './config.ts';
import { findFactory } from './factories.ts';
import { newConnectorId, type ConnectorDeps } from './index.ts';

export type ConnectorConfig = Pick<
  Config,
  | 'mode'
  | 'VERITY_SMS_CONNECTOR'
  | 'VERITY_SMS_WEBHOOK_URL'
  | 'VERITY_SMS_WEBHOOK_SECRET'
  | 'VERITY_SMS_TIMEOUT_MS'
  | 'VERITY_TWILIO_BASE_URL'
  | 'VERITY_TWILIO_ACCOUNT_SID'
  | 'VERITY_TWILIO_AUTH_TOKEN'
  | 'VERITY_TWILIO_FROM'
  | 'VERITY_EMAIL_CONNECTOR'
  | 'VERITY_SMTP_URL'
  | 'VERITY_EMAIL_FROM'
>;

type SmsKind = NonNullable<Config['VERITY_SMS_CONNECTOR']>;
type EmailKind = NonNullable<Config['VERITY_EMAIL_CONNECTOR']>;

/** Which SMS connector the configuration asks for; `implicit` when only the mode chose it. */
export function smsConnectorKind(config: ConnectorConfig): { kind: SmsKind; implicit: boolean } {
  if (config.VERITY_SMS_CONNECTOR) return { kind: config.VERITY_SMS_CONNECTOR, implicit: false };
  return { kind: config.mode === 'development' ? 'outbox' : 'none', implicit: true };
}

/** Which email connector the configuration asks for: an SMTP URL alone selects smtp. */
export function emailConnectorKind(config: ConnectorConfig): { kind: EmailKind; implicit: boolean } {
  if (config.VERITY_EMAIL_CONNECTOR) return { kind: config.VERITY_EMAIL_CONNECTOR, implicit: false };
  if (config.VERITY_SMTP_URL) return { kind: 'smtp', implicit: false };
  return { kind: config.mode === 'development' ? 'outbox' : 'none', implicit: true };
}

/** The factory and config a configured kind stands for; null for `none`. Throws Error when a
 *  required setting is missing (loadConfig refuses that already; this guards hand-built configs). */
export function configuredConnector(config: ConnectorConfig, kind: SmsKind | EmailKind, channel: 'sms' | 'email'): { factoryId: string; config: Json } | null {
  const templates = defaultTemplateList(channel);
  switch (kind) {
    case 'none':
      return null;
    case 'outbox':
      return { factoryId: `verity-outbox-${channel}`, config: {} };
    case 'webhook':
      return {
        factoryId: 'verity-sms-webhook',
        config: {
          url: required(config.VERITY_SMS_WEBHOOK_URL, 'VERITY_SMS_WEBHOOK_URL'),
          ...(config.VERITY_SMS_WEBHOOK_SECRET ? { secret: config.VERITY_SMS_WEBHOOK_SECRET } : {}),
          timeoutMs: config.VERITY_SMS_TIMEOUT_MS,
          templates,
        },
      };
    case 'twilio':
      return {
        factoryId: 'twilio-short-message-service',
        config: {
          accountSID: required(config.VERITY_TWILIO_ACCOUNT_SID, 'VERITY_TWILIO_ACCOUNT_SID'),
          authToken: required(config.VERITY_TWILIO_AUTH_TOKEN, 'VERITY_TWILIO_AUTH_TOKEN'),
          fromMessagingServiceSID: required(config.VERITY_TWILIO_FROM, 'VERITY_TWILIO_FROM'),
          baseUrl: config.VERITY_TWILIO_BASE_URL,
          timeoutMs: config.VERITY_SMS_TIMEOUT_MS,
          templates,
        },
      };
    case 'smtp':
      return { factoryId: 'simple-mail-transfer-protocol', config: { ...smtpFromUrl(required(config.VERITY_SMTP_URL, 'VERITY_SMTP_URL')), fromEmail: config.VERITY_EMAIL_FROM, templates } };
  }
}

/** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 as Logto's SMTP config. */
function smtpFromUrl(value: string): Json {
  const url = new URL(value);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
  };
}

/** The variable each checked config field of a configured connector comes from. */
const VARIABLE_OF: Record<string, string> = { url: 'VERITY_SMS_WEBHOOK_URL', baseUrl: 'VERITY_TWILIO_BASE_URL', host: 'VERITY_SMTP_URL' };

/** Throws Error naming every connector variable whose address the egress policy refuses (or that names
 *  no host), and VERITY_EGRESS_ALLOW. main.ts calls it before anything is written. */
export async function checkConfiguredAddresses(deps: Pick<ConnectorDeps, 'egress'>, config: ConnectorConfig): Promise<void> {
  const lines: string[] = [];
  for (const channel of ['sms', 'email'] as const) {
    const { kind, implicit } = channel === 'sms' ? smsConnectorKind(config) : emailConnectorKind(config);
    const wanted = implicit ? null : configuredConnector(config, kind, channel);
    if (!wanted) continue;
    for (const { field, error } of await addressProblems(deps.egress, wanted.factoryId, wanted.config)) {
      const hint = error.failure === 'refused' ? '; to allow it, list it in VERITY_EGRESS_ALLOW' : '';
      lines.push(`  - ${VARIABLE_OF[field] ?? field}: ${error.message}${hint}`);
    }
  }
  if (lines.length) throw new Error(`Outgoing address refused:\n${lines.join('\n')}`);
}

/** Writes the configured connectors; returns what it did per channel for the start-up log. Throws Error
 *  (before writing anything) when the egress policy refuses an address the configuration names. */
export async function syncConfiguredConnectors(deps: ConnectorDeps, config: ConnectorConfig): Promise<string[]> {
  await checkConfiguredAddresses(deps, config);
  const done: string[] = [];
  for (const channel of ['sms', 'email'] as const) {
    const { kind, implicit } = channel === 'sms' ? smsConnectorKind(config) : emailConnectorKind(config);
    if (kind === 'outbox' && config.mode === 'production') throw new Error('the outbox connector is for development only');
    const wanted = configuredConnector(config, kind, channel);
    if (!wanted) continue;
    const factory = findFactory(wanted.factoryId)!;
    const type = factory.metadata.type as 'Sms' | 'Email';
    const existing = await findPasswordlessConnector(deps.db, type);
    if (existing && implicit) continue;
    const configJson = cleanDeep(wanted.config);
    validateConfig(deps, factory, configJson);
    if (existing && existing.connector_id === wanted.factoryId && sameConfig(deps, existing.config, configJson)) continue;
    await insertConnector(deps.db, {
      id: existing?.id ?? newConnectorId(),
      connector_id: wanted.factoryId,
      type,
      sync_profile: false,
      config: sealConfig(deps.keyring, configJson),
      metadata: {},
      created_at: existing?.created_at ?? deps.clock.now(),
    });
    done.push(`${channel}: ${wanted.factoryId}`);
  }
  return done;
}

function sameConfig(deps: ConnectorDeps, sealed: string, config: Json): boolean {
  try {
    return JSON.stringify(openConfig(deps.keyring, sealed)) === JSON.stringify(config);
  } catch {
    return false;
  }
}

function required(value: string | undefined, key: string): string {
  if (!value) throw new Error(`${key} is required for the chosen connector`);
  return value;
}
