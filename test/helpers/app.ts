// A whole Verity app for a test file: real database (see db.ts), real SMS gateway on loopback,
// a test clock, an application with an API key, listening on 127.0.0.1 so real HTTP clients work.
// Production mode refuses loopback, so the egress allow-list opens 127.0.0.1 (where the test servers
// listen); suites about the egress policy ask for `strictEgress` instead.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import crypto from 'node:crypto';
import { createKeyring, sha256Hex, type Keyring } from '../../src/crypto/keyring.ts';
import { checkSecrets } from '../../src/domain/secrets/keys.ts';
import { upsertAdminClient } from '../../src/storage/repos/apps.ts';
import { unusedPort } from './http-server.ts';
import { createApiKey, createApplication } from '../../src/domain/apps/index.ts';
import { syncConfiguredConnectors } from '../../src/domain/connectors/configured.ts';
import { findPasswordlessConnector } from '../../src/storage/repos/connectors.ts';
import { createSenderDirectory } from '../../src/domain/connectors/senders.ts';
import { guardSettingsOf } from '../../src/connectors/guard.ts';
import type { OtpSettings } from '../../src/domain/apps/otp-settings.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import { createAddressPolicy } from '../../src/net/address-policy.ts';
import { createEgress, type Egress } from '../../src/net/egress.ts';
import { mapResolver, type NameAnswer } from './egress.ts';
import { retentionOf, startWorker, type Worker } from '../../src/worker.ts';
import type { Db } from '../../src/storage/db.ts';
import { testClock, type TestClock } from './clock.ts';
import { createTestDb } from './db.ts';
import { startSmsGateway, type SmsGateway } from './sms-gateway.ts';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/** Under strictEgress, the SMS gateway's host name: the one allowed name, resolved to 127.0.0.1. */
export const GATEWAY_NAME = 'sms-gateway.test';

/** Egress as production runs it, without the loopback allow-list: only GATEWAY_NAME (and `allow`) is
 *  opened; `names` are made-up host names (and what they resolve to) for the suite. */
export interface StrictEgress {
  allow?: string[];
  names?: Record<string, NameAnswer>;
}

export interface TestApp {
  app: FastifyInstance;
  url: string;
  db: Db;
  clock: TestClock;
  keyring: Keyring;
  metrics: Metrics;
  config: Config;
  egress: Egress;
  sms: SmsGateway;
  worker: Worker;
  apiKey: string;
  applicationId: string;
  /** Another application with its own key. */
  newApplication(otpSettings?: Partial<OtpSettings>): Promise<{ applicationId: string; apiKey: string; callbackSecret: string }>;
  /** A MachineToMachine application; with admin, it holds the Management API scope `all`. */
  newClient(admin?: boolean): Promise<{ clientId: string; clientSecret: string }>;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    env?: Record<string, string>;
    secrets?: string[];
    db?: Db;
    otpSettings?: Partial<OtpSettings>;
    strictEgress?: StrictEgress;
    /** A host name browsers reach the app by (it still listens on 127.0.0.1): the public URL is
     *  http://<publicHost>:<port>, and it is the passkey relying party (RP id and origin), which
     *  WebAuthn requires to be a domain, not an IP address. */
    publicHost?: string;
  } = {},
): Promise<TestApp> {
  const sms = await startSmsGateway();
  const owned = options.db ? null : await createTestDb();
  const db = options.db ?? owned!.db;
  // The OIDC issuer names the port, so the port is chosen before the app is built.
  const port = await unusedPort();
  const strict = options.strictEgress;
  const config = loadConfig({
    PORT: String(port),
    VERITY_PUBLIC_URL: `http://${options.publicHost ?? '127.0.0.1'}:${port}`,
    ...(options.publicHost
      ? { VERITY_WEBAUTHN_RP_ID: options.publicHost, VERITY_WEBAUTHN_ORIGINS: `http://${options.publicHost}:${port}` }
      : {}),
    VERITY_MODE: 'production',
    VERITY_SECRET: TEST_SECRET,
    VERITY_DATA_DIR: '/nonexistent-test-dir',
    VERITY_SMS_CONNECTOR: 'webhook',
    VERITY_SMS_WEBHOOK_URL: strict ? sms.url.replace('127.0.0.1', GATEWAY_NAME) : sms.url,
    VERITY_EMAIL_CONNECTOR: 'none',
    VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: '0',
    VERITY_RATE_RECIPIENT_LIMIT: '1000',
    VERITY_RATE_IP_LIMIT: '1000',
    VERITY_EGRESS_ALLOW: strict ? [GATEWAY_NAME, ...(strict.allow ?? [])].join(',') : '127.0.0.1/32',
    ...options.env,
  });
  const clock = testClock();
  const keyring = createKeyring(options.secrets ?? [TEST_SECRET]);
  const metrics = createMetrics();
  const policy = createAddressPolicy({ mode: config.mode, allow: config.VERITY_EGRESS_ALLOW });
  const egress = createEgress({ policy, ...(strict ? { resolve: mapResolver({ [GATEWAY_NAME]: '127.0.0.1', ...strict.names }) } : {}) });
  const connectorDeps = { db, keyring, clock, mode: config.mode, dataDir: config.dataDir, egress };
  // As main.ts does before anything writes: a fresh database records this app's secret (so readiness
  // answers 200). A second app on another's database is left to the suite, which may test a refusal.
  if (owned) await checkSecrets(db, keyring, { acceptNew: false });
  // A second app on a database another one set up is another process of the same deployment: it
  // keeps the stored connectors (every process sends through the stored ones, and follows a change
  // at once), rather than pointing them at a gateway of its own.
  if (owned || !(await findPasswordlessConnector(db, 'Sms'))) await syncConfiguredConnectors(connectorDeps, config);
  const senders = createSenderDirectory({ ...connectorDeps, logger: { info() {}, warn() {}, error() {} }, guard: guardSettingsOf(config) });
  const app = await buildApp({ config, db, clock, keyring, senders, metrics, egress });
  await app.listen({ port, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${port}`;
  const worker = startWorker(
    { db, clock, keyring, metrics, egress, intervalMs: 60_000, timeoutMs: 2000, maxBackoffSeconds: 3600, retention: retentionOf(config) },
    false,
  );
  const deps = { db, clock, keyring };
  const newApplication = async (otpSettings: Partial<OtpSettings> = {}) => {
    const { app: created, callbackSecret } = await createApplication(deps, { name: 'test app', otpSettings });
    const { key } = await createApiKey(deps, created.id, 'test key');
    return { applicationId: created.id, apiKey: key, callbackSecret };
  };
  const newClient = async (admin = true) => {
    const clientId = `m2m${crypto.randomBytes(8).toString('hex')}`;
    const clientSecret = crypto.randomBytes(24).toString('base64url');
    await upsertAdminClient(db, { id: clientId, name: 'test client', secretHash: sha256Hex(clientSecret), callbackSecret: keyring.encrypt('x') });
    if (!admin) await db.query('DELETE FROM application_roles WHERE application_id = $1', [clientId]);
    return { clientId, clientSecret };
  };
  const first = await newApplication(options.otpSettings);
  return {
    app,
    url,
    db,
    clock,
    keyring,
    metrics,
    config,
    egress,
    sms,
    worker,
    apiKey: first.apiKey,
    applicationId: first.applicationId,
    newApplication,
    newClient,
    async close() {
      await worker.stop();
      await app.close();
      await senders.close();
      await egress.close();
      await sms.close();
      await owned?.close();
    },
  };
}

/** Starts a TestApp before the file's tests and closes it after them; the handle fills in at start. */
export function useTestApp(options: Parameters<typeof startTestApp>[0] = {}): TestApp {
  const handle = {} as TestApp;
  beforeAll(async () => {
    Object.assign(handle, await startTestApp(options));
  });
  afterAll(() => handle.close());
  return handle;
}

/** fetch with the API key and JSON; returns status, headers and parsed body. */
export async function call(
  t: Pick<TestApp, 'url' | 'apiKey'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-api-key': t.apiKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // leave as text; tests assert on JSON where it matters
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
