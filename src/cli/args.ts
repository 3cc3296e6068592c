// Owns argument parsing for commands: positionals and --flags through node:util parseArgs, strict,
// so a misspelt flag is a usage error (exit 2) rather than a value silently ignored.
import { parseArgs as parse } from 'node:util';
import { CliUsageError } from './command.ts';

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | undefined>;
}

/** `strings` take a value (--name x or --name=x); `booleans` do not. `max` positionals at most. */
export function parseArgs(
  args: readonly string[],
  spec: { strings?: readonly string[]; booleans?: readonly string[]; max?: number } = {},
): ParsedArgs {
  const options = Object.fromEntries([
    ...(spec.strings ?? []).map((name) => [name, { type: 'string' as const }]),
    ...(spec.booleans ?? []).map((name) => [name, { type: 'boolean' as const }]),
  ]);
  let parsed;
  try {
    parsed = parse({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (spec.max !== undefined && parsed.positionals.length > spec.max)
    throw new CliUsageError(`unexpected argument ${JSON.stringify(parsed.positionals[spec.max])}`);
  return { positional: parsed.positionals, flags: parsed.values as ParsedArgs['flags'] };
}

/** The JSON object an argument holds; a usage error names the argument when it is not one. */
export function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliUsageError(`${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliUsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}
