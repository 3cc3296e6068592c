// Owns `keys *`: OTP API keys. A key is printed once, by `keys create`; lists show its id, the
// application, its name, the last four characters (the hint) and dates, never the key or its digest.
import { DEFAULT_APP_ID, ensureDefaultApp } from '../../domain/apps/bootstrap.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../domain/apps/index.ts';
import { parseArgs } from '../args.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { details, render, table } from '../table.ts';
import { requireApp } from './apps.ts';

export const commands: CliCommand[] = [
  {
    name: 'keys list',
    args: '[appId]',
    summary: 'list API keys (id, application, name, last 4 characters, created, revoked), never the keys',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const deps = await context.open();
      if (positional[0]) await requireApp(deps, positional[0]);
      const rows = await listApiKeys(deps, positional[0]);
      const data = rows.map((k) => ({
        id: k.id,
        applicationId: k.application_id,
        name: k.name,
        endsWith: k.hint,
        createdAt: k.created_at,
        revokedAt: k.revoked_at,
      }));
      return render(context, data, (list) =>
        table(list, [
          { header: 'ID', value: (k) => k.id },
          { header: 'APPLICATION', value: (k) => k.applicationId },
          { header: 'NAME', value: (k) => k.name },
          { header: 'ENDS WITH', value: (k) => `…${k.endsWith}` },
          { header: 'CREATED', value: (k) => k.createdAt },
          { header: 'REVOKED', value: (k) => k.revokedAt },
        ]),
      );
    },
  },
  {
    name: 'keys create',
    args: '[appId] [name]',
    summary: `create an API key, printed once; without appId for the default application ("${DEFAULT_APP_ID}", created if missing)`,
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 2 });
      const deps = await context.open();
      // Any mode: the server only provisions the default application itself in development (or
      // with VERITY_OTP_API_KEY), so in production the first key creates it.
      if (!positional[0]) await ensureDefaultApp(deps);
      const app = await requireApp(deps, positional[0] || DEFAULT_APP_ID);
      const { key, row } = await createApiKey(deps, app.id, positional[1] ?? 'created by operator');
      const data = { id: row.id, applicationId: app.id, name: row.name, apiKey: key };
      return render(context, data, details);
    },
  },
  {
    name: 'keys revoke',
    args: '<keyId>',
    summary: 'revoke an API key; running servers refuse it from their next request',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      if (!positional[0]) throw new CliUsageError('keys revoke needs a key id');
      const deps = await context.open();
      if (!(await revokeApiKey(deps, positional[0]))) throw new Error(`no live key ${positional[0]}`);
      return render(context, { revoked: positional[0] }, (d) => `revoked ${d.revoked}`);
    },
  },
];
