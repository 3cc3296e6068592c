// Owns `apps *`: OTP applications (every row of `applications`), their OTP defaults and callback
// signing secret. Tables show ids, names, types and settings, never a digest or ciphertext; only
// `apps create` and `apps callback-secret` print a secret, since that is what they are for. The
// settings JSON may come from stdin (`-`), and a callback URL is printed without userinfo or query,
// since a receiver's token may ride in either.
import { callbackSecretOf, createApplication } from '../../domain/apps/index.ts';
import { otpSettingsPatch, type OtpSettings } from '../../domain/apps/otp-settings.ts';
import { EgressError, type Egress } from '../../net/egress.ts';
import * as apps from '../../storage/repos/apps.ts';
import { findApplication, listApplications } from '../../storage/repos/applications.ts';
import { jsonObject, parseArgs } from '../args.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import type { CliContext, CliDeps } from '../context.ts';
import { readStdinJson } from '../prompt.ts';
import { redactUrl } from '../redact.ts';
import { details, render, table } from '../table.ts';

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

/** Parses OTP settings; null (any known key) means "back to the default". A field that does not
 *  validate is a usage error naming it. */
async function settingsOf(context: CliContext, text: string): Promise<Partial<Record<keyof OtpSettings, unknown>>> {
  const given = text === '-' ? await readStdinJson(context.stdin, 'the settings') : jsonObject(text, 'settings');
  const cleared = Object.keys(given).filter((key) => given[key] === null);
  const unknown = cleared.filter((key) => !(key in otpSettingsPatch.shape));
  if (unknown.length) throw new CliUsageError(`settings: unknown key ${unknown.join(', ')}`);
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null));
  const parsed = otpSettingsPatch.safeParse(set);
  if (!parsed.success) throw new CliUsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; '));
  return { ...parsed.data, ...Object.fromEntries(cleared.map((key) => [key, null])) };
}

export async function requireApp(deps: Pick<CliDeps, 'db'>, id: string | undefined) {
  const app = id ? await apps.findApp(deps.db, id) : null;
  if (!app) throw new Error(`no application ${id ?? ''}`.trim());
  return app;
}

/** Stored settings with null values left out: what the operator set, the rest takes the defaults. */
function mergeOtpSettings(stored: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored, ...patch };
  for (const [key, value] of Object.entries(patch)) if (value === null) delete merged[key];
  return merged;
}

/** Settings as printed: the callback URL cut to where it points. */
const shown = (settings: Record<string, unknown>): Record<string, unknown> =>
  typeof settings.otpCallbackUrl === 'string' ? { ...settings, otpCallbackUrl: redactUrl(settings.otpCallbackUrl) } : settings;

const summary = (settings: Record<string, unknown>) =>
  Object.keys(settings).length === 0 ? 'defaults' : Object.entries(settings).map(([k, v]) => `${k}=${String(v)}`).join(' ');

export const commands: CliCommand[] = [
  {
    name: 'apps list',
    args: '',
    summary: 'list applications: id, name, type, created, live API keys, OTP settings',
    async run(args, context) {
      parseArgs(args, { max: 0 });
      const { db } = await context.open();
      const [rows, clients, keys] = await Promise.all([apps.listApps(db), listApplications(db, {}, null), apps.listApiKeys(db)]);
      const typeOf = new Map(clients.rows.map((c) => [c.id, c.type]));
      const live = (id: string) => keys.filter((k) => k.application_id === id && !k.revoked_at).length;
      const data = rows.map((r) => ({
        id: r.id,
        name: r.name,
        type: typeOf.get(r.id) ?? '-',
        createdAt: r.created_at,
        liveKeys: live(r.id),
        otpSettings: shown(r.otp_settings),
      }));
      return render(context, data, (list) =>
        table(list, [
          { header: 'ID', value: (a) => a.id },
          { header: 'NAME', value: (a) => a.name },
          { header: 'TYPE', value: (a) => a.type },
          { header: 'CREATED', value: (a) => a.createdAt },
          { header: 'KEYS', value: (a) => a.liveKeys },
          { header: 'OTP SETTINGS', value: (a) => summary(a.otpSettings) },
        ]),
      );
    },
  },
  {
    name: 'apps show',
    args: '<appId>',
    summary: "show an application and its effective OTP settings (what it set, the rest defaults)",
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      if (!positional[0]) throw new CliUsageError('apps show needs an application id');
      const deps = await context.open();
      const app = await requireApp(deps, positional[0]);
      const client = await findApplication(deps.db, app.id);
      const data = {
        id: app.id,
        name: app.name,
        type: client?.type ?? 'MachineToMachine',
        managementApi: client?.is_admin ?? false,
        createdAt: app.created_at,
        otpSettings: shown(app.otp_settings),
      };
      return render(context, data, (d) => details({ ...d, otpSettings: summary(d.otpSettings) }));
    },
  },
  {
    name: 'apps create',
    args: '<name> [settingsJson | -]',
    summary: 'create an application; prints its id and callback signing secret (once)',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 2 });
      if (!positional[0]) throw new CliUsageError('apps create needs a name');
      const settings = positional[1] ? await settingsOf(context, positional[1]) : {};
      const deps = await context.open();
      await checkCallbackUrl(deps.egress, settings as Partial<OtpSettings>);
      const { app, callbackSecret } = await createApplication(deps, { name: positional[0], otpSettings: mergeOtpSettings({}, settings) as Partial<OtpSettings> });
      const data = { id: app.id, name: app.name, otpSettings: shown(app.otp_settings), callbackSecret };
      return render(context, data, (d) => details({ ...d, otpSettings: summary(d.otpSettings) }));
    },
  },
  {
    name: 'apps settings',
    args: '<appId> <json | ->',
    summary: 'merge into the OTP defaults, e.g. \'{"pinLength":4}\' (- reads it from stdin); a key set to null returns to its default',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 2 });
      if (!positional[0] || !positional[1]) throw new CliUsageError('apps settings needs an application id and a JSON object');
      const patch = await settingsOf(context, positional[1]);
      const deps = await context.open();
      await checkCallbackUrl(deps.egress, patch as Partial<OtpSettings>);
      const app = await requireApp(deps, positional[0]);
      // Each stored value passed the schema when written, and so did each new one: the merge is valid.
      const updated = await apps.updateOtpSettings(deps.db, app.id, mergeOtpSettings(app.otp_settings, patch));
      return render(context, shown(updated!.otp_settings), (s) => (Object.keys(s).length ? details(s) : 'all OTP settings at their defaults'));
    },
  },
  {
    name: 'apps callback-secret',
    args: '<appId>',
    summary: "print the secret that signs the application's status callbacks",
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      if (!positional[0]) throw new CliUsageError('apps callback-secret needs an application id');
      const deps = await context.open();
      const secret = callbackSecretOf(deps, await requireApp(deps, positional[0]));
      return render(context, { callbackSecret: secret }, (d) => d.callbackSecret);
    },
  },
];
