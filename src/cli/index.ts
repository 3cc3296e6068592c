// Operator command line: applications and OTP API keys, against the same store the server uses.
// With the embedded store the server must be stopped first (one process owns the data directory);
// with DATABASE_URL it runs beside live servers.
//   npm run verity -- apps list | apps create <name> [settings-json] | apps settings <appId> <json>
//                     apps callback-secret <appId>
//                     keys list [appId] | keys create [appId] [name] | keys revoke <keyId>
//                     signing-keys rotate [graceSeconds]
import { loadConfig } from '../config/index.ts';
import { createKeyring } from '../crypto/keyring.ts';
import { loadSecrets } from '../crypto/secret-file.ts';
import { DEFAULT_APP_ID, ensureDefaultApp } from '../domain/apps/bootstrap.ts';
import { callbackSecretOf, createApiKey, createApplication, listApiKeys, revokeApiKey } from '../domain/apps/index.ts';
import { otpSettingsPatch, type OtpSettings } from '../domain/apps/otp-settings.ts';
import { rotateOidcKeys } from '../oidc/keys.ts';
import { systemClock } from '../domain/clock.ts';
import * as apps from '../storage/repos/apps.ts';
import { openStore } from '../storage/open.ts';
import { createAddressPolicy } from '../net/address-policy.ts';
import { createEgress, EgressError, type Egress } from '../net/egress.ts';

const usage = `usage: npm run verity -- <command>
  apps list                         list applications
  apps create <name> [settingsJson] create an application (prints its id and callback signing secret)
  apps settings <appId> <json>      replace an application's OTP defaults, e.g. '{"pinLength":4,"ttl":600}'
  apps callback-secret <appId>      print the secret that signs the application's status callbacks
  keys list [appId]                 list API keys (never the keys themselves)
  keys create [appId] [name]        create an API key (printed once) for the application (default: ${DEFAULT_APP_ID})
  keys revoke <keyId>               revoke an API key at once
  signing-keys rotate [graceSeconds] new OIDC signing and cookie keys; the old signing key stays
                                    published for graceSeconds (default 3600, the token lifetime)`;

/** An application's default callback URL must pass the egress policy, as a caller's otpCallbackUrl must. */
async function checkCallbackUrl(egress: Egress, settings: Partial<OtpSettings>): Promise<void> {
  if (!settings.otpCallbackUrl) return;
  try {
    await egress.checkUrl(settings.otpCallbackUrl);
  } catch (error) {
    if (error instanceof EgressError) throw new Error(`otpCallbackUrl: ${error.message}; to allow it, list it in VERITY_EGRESS_ALLOW`);
    throw error;
  }
}

async function run(args: string[]): Promise<string> {
  const [noun, verb, ...rest] = args;
  const config = loadConfig();
  const store = await openStore(config);
  const deps = { db: store.db, clock: systemClock, keyring: createKeyring(loadSecrets(config).secrets) };
  const egress = createEgress({ policy: createAddressPolicy({ mode: config.mode, allow: config.VERITY_EGRESS_ALLOW }) });
  const needApp = async (id: string | undefined) => {
    const app = id ? await apps.findApp(deps.db, id) : null;
    if (!app) throw new Error(`no application ${id ?? ''}`.trim());
    return app;
  };
  try {
    switch (`${noun} ${verb}`) {
      case 'apps list':
        return JSON.stringify((await apps.listApps(deps.db)).map(({ callback_secret: _s, ...a }) => a), null, 2);
      case 'apps create': {
        if (!rest[0]) throw new Error('apps create needs a name');
        const settings = rest[1] ? otpSettingsPatch.parse(JSON.parse(rest[1])) : {};
        await checkCallbackUrl(egress, settings);
        const { app, callbackSecret } = await createApplication(deps, { name: rest[0], otpSettings: settings });
        return JSON.stringify({ id: app.id, name: app.name, otpSettings: app.otp_settings, callbackSecret }, null, 2);
      }
      case 'apps settings': {
        const app = await needApp(rest[0]);
        const settings = otpSettingsPatch.parse(JSON.parse(rest[1] ?? '{}'));
        await checkCallbackUrl(egress, settings);
        const updated = await apps.updateOtpSettings(deps.db, app.id, settings);
        return JSON.stringify(updated?.otp_settings, null, 2);
      }
      case 'apps callback-secret':
        return callbackSecretOf(deps, await needApp(rest[0]));
      case 'keys list':
        return JSON.stringify(await listApiKeys(deps, rest[0]), null, 2);
      case 'keys create': {
        if (!rest[0]) await ensureDefaultApp(deps);
        const app = await needApp(rest[0] ?? DEFAULT_APP_ID);
        const { key, row } = await createApiKey(deps, app.id, rest[1] ?? 'created by operator');
        return JSON.stringify({ id: row.id, applicationId: app.id, name: row.name, apiKey: key }, null, 2);
      }
      case 'keys revoke':
        if (!rest[0]) throw new Error('keys revoke needs a key id');
        if (!(await revokeApiKey(deps, rest[0]))) throw new Error(`no live key ${rest[0]}`);
        return `revoked ${rest[0]}`;
      case 'signing-keys rotate': {
        const grace = Number(rest[0] ?? 3600);
        if (!Number.isInteger(grace) || grace < 0) throw new Error('graceSeconds must be a whole number of seconds');
        await rotateOidcKeys(deps.db, deps.keyring, grace);
        return `rotated; running servers sign with the new key from their next request`;
      }
      default:
        throw new Error(usage);
    }
  } finally {
    await egress.close();
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  (out) => console.log(out),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
