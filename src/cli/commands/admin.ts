// Owns `admin *`: MachineToMachine applications holding the Management API role, through the same
// use cases as the Management Applications API (domain/management/applications.ts). A client secret
// is printed once, by `admin create` or `admin rotate-secret`; lists never show it or its digest.
import { sha256Hex } from '../../crypto/keyring.ts';
import {
  createApplicationSecret,
  deleteApplicationSecret,
} from '../../domain/management/application-secrets.ts';
import {
  createManagedApplication,
  DEFAULT_SECRET_NAME,
  deleteManagedApplication,
  newClientSecret,
  updateManagedApplication,
} from '../../domain/management/applications.ts';
import { LogtoError } from '../../domain/errors.ts';
import * as repo from '../../storage/repos/applications.ts';
import { parseArgs } from '../args.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import type { CliDeps } from '../context.ts';
import { details, render, table } from '../table.ts';

async function requireAdmin(deps: CliDeps, clientId: string | undefined, verb: string) {
  if (!clientId) throw new CliUsageError(`admin ${verb} needs a client id`);
  const row = await repo.findApplication(deps.db, clientId);
  if (!row || row.type !== 'MachineToMachine' || !row.is_admin) throw new Error(`no admin application ${clientId}`);
  return row;
}

/** VERITY_ADMIN_CLIENT_ID/SECRET re-provision their client on every start: changing it here would not last. */
function refuseProvisioned(deps: CliDeps, clientId: string, verb: string) {
  if (deps.config.VERITY_ADMIN_CLIENT_ID === clientId)
    throw new Error(`${clientId} is provisioned by VERITY_ADMIN_CLIENT_ID/SECRET on every start; to ${verb} it, change those variables`);
}

export const commands: CliCommand[] = [
  {
    name: 'admin list',
    args: '',
    summary: 'list Management API applications (client id, name, created), never their secrets',
    async run(args, context) {
      parseArgs(args, { max: 0 });
      const { db } = await context.open();
      const { rows } = await repo.listApplications(db, { types: ['MachineToMachine'] }, null);
      const data = rows.filter((r) => r.is_admin).map((r) => ({ clientId: r.id, name: r.name, createdAt: r.created_at }));
      return render(context, data, (list) =>
        table(list, [
          { header: 'CLIENT ID', value: (a) => a.clientId },
          { header: 'NAME', value: (a) => a.name },
          { header: 'CREATED', value: (a) => a.createdAt },
        ]),
      );
    },
  },
  {
    name: 'admin create',
    args: '<name>',
    summary: 'create a Management API application; prints its client id and secret (once)',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      if (!positional[0]) throw new CliUsageError('admin create needs a name');
      const deps = await context.open();
      const app = await createManagedApplication(deps, { name: positional[0], type: 'MachineToMachine' });
      await updateManagedApplication(deps, app.id, { isAdmin: true });
      const data = { clientId: app.id, clientSecret: app.secret, name: app.name };
      return render(context, data, details);
    },
  },
  {
    name: 'admin rotate-secret',
    args: '<clientId>',
    summary: 'replace the client secret (and its "Default secret" entry); prints the new one once; other named secrets stay',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const deps = await context.open();
      const row = await requireAdmin(deps, positional[0], 'rotate-secret');
      refuseProvisioned(deps, row.id, 'rotate');
      const secret = newClientSecret();
      // In this order some secret works at every moment; the old one stops with the last statement.
      await deleteApplicationSecret(deps, row.id, DEFAULT_SECRET_NAME).catch((error: unknown) => {
        if (!(error instanceof LogtoError && error.code === 'entity.not_found')) throw error;
      });
      await createApplicationSecret(deps, row.id, { name: DEFAULT_SECRET_NAME, value: secret });
      await repo.updateApplication(deps.db, row.id, { secret_hash: sha256Hex(secret) });
      return render(context, { clientId: row.id, clientSecret: secret }, details);
    },
  },
  {
    name: 'admin delete',
    args: '<clientId>',
    summary: 'delete a Management API application; its tokens stop working at once',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const deps = await context.open();
      const row = await requireAdmin(deps, positional[0], 'delete');
      refuseProvisioned(deps, row.id, 'delete');
      await deleteManagedApplication(deps, row.id);
      return render(context, { deleted: row.id }, (d) => `deleted ${d.deleted}`);
    },
  },
];
