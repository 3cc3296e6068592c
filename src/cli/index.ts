// Operator command line: `npm run verity -- <noun> <verb> [args] [--json]`. Owns the registry of
// commands (one commands/<noun>.ts file each: add a file with one import and one spread below), the
// help, and dispatch. The help is printed without reading the configuration or touching the data
// directory; the store is opened only by a command that needs it (context.open()) and closed after.
// Exit codes: 0 done, 1 the command failed, 2 a usage mistake (unknown command, bad arguments).
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CliUsageError, type CliCommand } from './command.ts';
import { createCliContext, type CliContext } from './context.ts';
import { useJsonOutput } from './table.ts';
import { commands as admin } from './commands/admin.ts';
import { commands as apps } from './commands/apps.ts';
import { commands as backup } from './commands/backup.ts';
import { commands as connectors } from './commands/connectors.ts';
import { commands as keys } from './commands/keys.ts';
import { commands as secrets } from './commands/secrets.ts';
import { commands as signingKeys } from './commands/signing-keys.ts';
import { commands as users } from './commands/users.ts';

export const registry: readonly CliCommand[] = [...apps, ...keys, ...admin, ...users, ...connectors, ...signingKeys, ...secrets, ...backup];

const PROGRAM = 'npm run verity --';

const ENVIRONMENT = `Where it works: the same store and secret as the server, from the same environment variables.
  DATABASE_URL      PostgreSQL: commands run beside live servers.
  VERITY_DATA_DIR   the embedded store (default ./data) when DATABASE_URL is not set. One process owns
                    it: stop the server before running a command that opens it.
  VERITY_SECRET     the secret that seals stored data (required in production; in development
                    <data dir>/secret.key); VERITY_PREVIOUS_SECRETS still opens older data.
  VERITY_MODE       production or development, as the server runs.
Global flags: --json prints machine-readable JSON; --help (or <noun> --help) prints this help.
Exit status: 0 done, 1 the command failed, 2 a usage mistake.`;

const usageLine = (c: CliCommand) => `${c.name}${c.args ? ` ${c.args}` : ''}`;

/** Every command as `name args — summary`, grouped by noun; only `noun`'s when given. */
export function helpText(commands: readonly CliCommand[] = registry, noun?: string): string {
  const nouns = [...new Set(commands.map((c) => c.name.split(' ')[0]!))].filter((n) => !noun || n === noun);
  const groups = nouns.map((n) => commands.filter((c) => c.name.split(' ')[0] === n).map((c) => `  ${usageLine(c)} — ${c.summary}`).join('\n'));
  return `usage: ${PROGRAM} <command> [args] [--json]\n\n${groups.join('\n\n')}\n\n${ENVIRONMENT}`;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const HELP = new Set(['--help', '-h', 'help']);

/**
 * Runs one command line and returns its exit code. `makeContext` is called only when a command is
 * about to run (so help never reads the configuration); tests pass a context over their database.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  makeContext: () => CliContext = () => createCliContext(process.env),
  commands: readonly CliCommand[] = registry,
): Promise<number> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const [noun, verb] = args;
  if (noun === undefined || HELP.has(noun)) {
    io.out(helpText(commands));
    return 0;
  }
  // A one-word command (backup, restore) takes every later word as an argument.
  const single = commands.find((c) => c.name === noun);
  const command = single ?? commands.find((c) => c.name === `${noun} ${verb}`);
  const rest = args.slice(single ? 1 : 2);
  const nounKnown = commands.some((c) => c.name.startsWith(`${noun} `));
  if (!single && nounKnown && (verb === undefined || HELP.has(verb))) {
    if (verb !== undefined) {
      io.out(helpText(commands, noun));
      return 0;
    }
    io.err(helpText(commands, noun));
    return 2;
  }
  if (!command) {
    io.err(`unknown command: ${[noun, verb].filter(Boolean).join(' ')}\n\n${helpText(commands)}`);
    return 2;
  }
  if (rest.some((a) => HELP.has(a))) {
    io.out(`usage: ${PROGRAM} ${usageLine(command)}\n  ${command.summary}`);
    return 0;
  }
  let context: CliContext | undefined;
  try {
    context = makeContext();
    if (json) useJsonOutput(context);
    io.out(await command.run(rest, context));
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`${error.message}\nusage: ${PROGRAM} ${usageLine(command)}`);
      return 2;
    }
    io.err(messageOf(error));
    return 1;
  } finally {
    await context?.close();
  }
}

/** An error as one readable message: domain errors with their code (and their details). */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, data } = error as { code?: unknown; data?: unknown };
  const detail = data === undefined ? '' : ` ${JSON.stringify(data)}`;
  return typeof code === 'string' && error.name === 'LogtoError' ? `${code}: ${error.message}${detail}` : error.message;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
if (invokedDirectly) {
  const io: CliIo = { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
