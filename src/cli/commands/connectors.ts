// Owns `connectors *`: email, SMS and social connectors through the use cases of the Management
// connectors API (domain/connectors), so validation, the egress check on addresses and sealing are
// the same. Lists show no config; `connectors show` masks every field that holds a credential.
import { createConnector, deleteConnector, getConnector, listConnectors, type ConnectorDeps } from '../../domain/connectors/index.ts';
import { jsonObject, parseArgs } from '../args.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import type { CliDeps } from '../context.ts';
import { details, render, table } from '../table.ts';

/** Config keys whose values are credentials (SMTP pass, Twilio authToken, webhook secret, OAuth
 *  clientSecret, private keys, tokens, Authorization headers). */
const SECRET_KEY = /pass|secret|token|private|^key$|api[-_]?key|authorization|credential|signature/i;
export const MASK = '********';

/** The config with every credential replaced by MASK, at any depth. */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== null && value !== undefined && value !== '') {
    return typeof value === 'object' && !Array.isArray(value) ? maskSecrets(value) : MASK;
  }
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  return value;
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
    summary: 'show a connector with its config, credentials masked',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      if (!positional[0]) throw new CliUsageError('connectors show needs a connector id');
      const c = await getConnector(connectorDeps(await context.open()), positional[0]);
      const data = { id: c.id, factory: c.connectorId, type: c.type, target: c.target, config: maskSecrets(c.config), metadata: c.metadata };
      return render(context, data, (d) => `${details({ id: d.id, factory: d.factory, type: d.type, target: d.target })}\nconfig:\n${JSON.stringify(d.config, null, 2)}`);
    },
  },
  {
    name: 'connectors create',
    args: '<factoryId> <configJson>',
    summary: 'create a connector (an email or SMS one replaces the one of its type), checked as the Management API checks it',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 2 });
      if (!positional[0] || !positional[1]) throw new CliUsageError('connectors create needs a factory id and a JSON config');
      const config = jsonObject(positional[1], 'configJson');
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
