// The shape of one operator command: `npm run verity -- <noun> <verb> [args]`. Each commands/*.ts file
// exports a list of these; cli/index.ts collects them into the help text and dispatches.
import type { CliContext } from './context.ts';

export interface CliCommand {
  /** "<noun> <verb>", e.g. "apps list". */
  name: string;
  /** The argument synopsis shown in the help, e.g. "<appId> <json>"; empty when there are none. */
  args: string;
  /** One line for the help. */
  summary: string;
  /** Runs the command; what it returns is printed. Throws CliUsageError (or any Error) to fail with its message. */
  run(args: readonly string[], context: CliContext): Promise<string>;
}

/** A mistake in how the command was called: printed with the command's usage line. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}
