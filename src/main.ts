// Process entry: config → egress → secret → store → secret check → connectors → app → listen. The only file with side effects.
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config/index.ts';
import { createKeyring } from './crypto/keyring.ts';
import { loadSecrets } from './crypto/secret-file.ts';
import { bootstrap, bootstrapAdmin } from './domain/apps/bootstrap.ts';
import { ensureDemoApp, removeDemoApp } from './domain/apps/demo.ts';
import { checkSecrets } from './domain/secrets/keys.ts';
import { systemClock } from './domain/clock.ts';
import { checkConfiguredAddresses, syncConfiguredConnectors } from './domain/connectors/configured.ts';
import { guardSettingsOf } from './connectors/guard.ts';
import { createSenderDirectory, describeSenders } from './domain/connectors/senders.ts';
import { metricsPlacement, metricsServer } from './http/metrics.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { nodeVersionWarning, readStartFacts, startWarnings } from './observability/start-warnings.ts';
import { createAddressPolicy } from './net/address-policy.ts';
import { createEgress } from './net/egress.ts';
import { serveBackupRequests } from './storage/backup-signal.ts';
import { openStore } from './storage/open.ts';
import { retentionOf, startWorker } from './worker.ts';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

const logger = createLogger(config);
const oldNode = nodeVersionWarning(process.version);
if (oldNode) logger.warn(oldNode);
try {
  const egress = createEgress({ policy: createAddressPolicy({ mode: config.mode, allow: config.VERITY_EGRESS_ALLOW }) });
  await checkConfiguredAddresses({ egress }, config);
  const { secrets, generated } = loadSecrets(config);
  if (generated) logger.warn(`Generated a development server secret in ${config.dataDir}/secret.key`);
  const keyring = createKeyring(secrets);
  const store = await openStore(config);
  // Before anything writes: the secret must be one this database knows, and open all its sealed data.
  const secretCheck = await checkSecrets(store.db, keyring, { acceptNew: config.VERITY_ACCEPT_NEW_SECRET }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  if (secretCheck === 'rotated') logger.info(`Server secret rotated to key ${keyring.currentId}: run \`npm run verity -- secrets rotate\` once every process runs it`);
  if (secretCheck === 'adopted') logger.warn(`Adopted a new server secret (key ${keyring.currentId}) because VERITY_ACCEPT_NEW_SECRET=true; unset it`);
  const connectorDeps = { db: store.db, keyring, clock: systemClock, mode: config.mode, dataDir: config.dataDir, egress };
  for (const line of await syncConfiguredConnectors(connectorDeps, config)) logger.info(`Connector from configuration: ${line}`);
  const senders = createSenderDirectory({ ...connectorDeps, logger, guard: guardSettingsOf(config) });
  const metrics = createMetrics({ defaultMetrics: true });
  const deps = { config, db: store.db, clock: systemClock, keyring, senders, metrics, egress };

  const boot = await bootstrap(deps, config);
  if (boot.createdKey && boot.credentialsFile) logger.info(`Created an OTP API key; it is in ${boot.credentialsFile} (otpApiKey)`);
  else if (boot.credentialsFile) logger.info(`OTP API key: see otpApiKey in ${boot.credentialsFile}`);

  const admin = await bootstrapAdmin(deps, config);
  if (admin.created) logger.info(`Created a Management API application; adminClientId/adminClientSecret are in ${config.dataDir}/credentials.json`);

  if (config.demoApp) await ensureDemoApp(deps, config.publicUrl);
  else if (await removeDemoApp(deps)) logger.info('Removed the demo application (VERITY_DEMO_APP is off)');

  const app = await buildApp(deps, { loggerInstance: logger });
  const worker = startWorker({
    ...deps,
    intervalMs: config.VERITY_WORKER_INTERVAL_MS,
    timeoutMs: config.VERITY_CALLBACK_TIMEOUT_MS,
    maxBackoffSeconds: config.VERITY_CALLBACK_MAX_BACKOFF_SECONDS,
    retention: retentionOf(config),
    logger,
  });

  const metricsPort = config.VERITY_METRICS_PORT;
  const metricsApp = metricsPort === undefined ? null : await metricsServer({ metrics, token: config.VERITY_METRICS_TOKEN });
  if (metricsPlacement(config) === 'none') logger.info('/metrics is not served: set VERITY_METRICS_PORT or VERITY_METRICS_TOKEN');

  const backups = serveBackupRequests({ db: store.db, dataDir: config.dataDir, logger }); // SIGUSR2: docs/backup.md

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`${signal}: finishing in-flight requests and closing`);
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    await app.close(); // stops accepting, waits for in-flight requests
    await metricsApp?.close();
    await worker.stop();
    await senders.close();
    await egress.close();
    await backups.stop();
    await store.close();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
  if (metricsApp) {
    await metricsApp.listen({ port: metricsPort, host: config.HOST });
    logger.info(`Metrics on port ${metricsPort} (/metrics)`);
  }
  logger.info(`Verity listening on port ${config.PORT} (${store.description}; ${await describeSenders(senders)}; ${config.mode} mode)`);
  if (config.demoApp) logger.info(`Demo application: ${config.publicUrl}/demo (sign in through ${config.publicUrl}/sign-in)`);
  const warnings = startWarnings(await readStartFacts(deps, config));
  if (warnings) logger.warn(warnings);
} catch (error) {
  const message = error instanceof Error ? error.message : 'start failed';
  logger.fatal({ err: error }, message);
  console.error(message); // also on stderr, where supervisors look for why a start failed
  // let the logger flush before leaving
  setTimeout(() => process.exit(1), 100);
}
