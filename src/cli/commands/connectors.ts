// Owns `connectors *`: email, SMS and social connectors through the use cases of the Management
// connectors API (domain/connectors), so validation, the egress check on addresses and sealing are
// the same. A config carries credentials, so `connectors create` reads it from stdin, never from the
// command line (where every local user could read it in /proc/<pid>/cmdline); lists show no config and
// `connectors show` shows only the fields connector-view.ts knows are not credentials.
import { createConnector, deleteConnector, getConnector, listConnectors, type ConnectorDeps } from '../../domain/connectors/index.ts';
import { parseArgs } from '../args.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import { viewConfig } from '../connector-view.ts';
import type { CliContext, CliDeps } from '../context.ts';
import { readStdinJson } from '../prompt.ts';
import { details, render, table } from '../table.ts';

/** The config JSON from stdin (`-` or no argument); JSON in the command line is refused, unread. */
async function readConfig(context: CliContext, given: string | undefined): Promise<Record<string, unknown>> {
  if (given !== undefined && given !== '-')
    throw new CliUsageError('the config is read from stdin (`- < config.json`): in the command line it would be visible to other local users');
  return readStdinJson(context.stdin, 'the config');
}

const connectorDeps = (deps: CliDeps): ConnectorDeps => ({
  db: deps.db,
  clock: deps.clock,
  keyring: deps.keyring,
  mode: deps.config.mode,
  dataDir: deps.config.dataDir,
  egress: deps.egress,
});

export const commands: CliCommand[] = [
  {
    name: 'connectors list',
    args: '',
    summary: 'list connectors: id, factory, type, target (no config)',
    async run(args, context) {
      parseArgs(args, { max: 0 });
      const list = await listConnectors(connectorDeps(await context.open()));
      const data = list.map((c) => ({ id: c.id, factory: c.connectorId, type: c.type, target: c.target, syncProfile: c.syncProfile }));
      return render(context, data, (rows) =>
        table(rows, [
          { header: 'ID', value: (c) => c.id },
          { header: 'FACTORY', value: (c) => c.factory },
          { header: 'TYPE', value: (c) => c.type },
          { header: 'TARGET', value: (c) => c.target },
        ]),
      );
    },
  },
  {
    name: 'connectors show',
    args: '<id>',
    summary: 'show a connector with its config: credentials masked, URLs without userinfo or query',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      if (!positional[0]) throw new CliUsageError('connectors show needs a connector id');
      const c = await getConnector(connectorDeps(await context.open()), positional[0]);
      const data = { id: c.id, factory: c.connectorId, type: c.type, target: c.target, config: viewConfig(c.connectorId, c.config), metadata: c.metadata };
      return render(context, data, (d) => `${details({ id: d.id, factory: d.factory, type: d.type, target: d.target })}\nconfig:\n${JSON.stringify(d.config, null, 2)}`);
    },
  },
  {
    name: 'connectors create',
    args: '<factoryId> [-] < config.json',
    summary: 'create a connector from the config JSON on stdin (an email or SMS one replaces the one of its type), checked as the Management API checks it',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 2 });
      if (!positional[0]) throw new CliUsageError('connectors create needs a factory id, and the config JSON on stdin');
      const config = await readConfig(context, positional[1]);
      const c = await createConnector(connectorDeps(await context.open()), { connectorId: positional[0], config });
      return render(context, { id: c.id, factory: c.connectorId, type: c.type }, details);
    },
  },
  {
    name: 'connectors delete',
    args: '<id>',
    summary: 'delete a connector',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      if (!positional[0]) throw new CliUsageError('connectors delete needs a connector id');
      await deleteConnector(connectorDeps(await context.open()), positional[0]);
      return render(context, { deleted: positional[0] }, (d) => `deleted ${d.deleted}`);
    },
  },
];
