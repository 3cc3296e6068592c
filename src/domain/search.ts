// Owns Logto's search query syntax for Management API lists (LG utils/search.ts): `search=<v>` (every
// searchable field) or `search.<field>=<v>`, repeatable; `mode[.<field>]` ∈ like (default), exact,
// similar_to, posix; `joint` ∈ or (default), and; `isCaseSensitive` (default false). `like` takes the
// value as an SQL LIKE pattern (the caller adds `%`; `%` and `_` are wildcards, `\` escapes the next
// character, so a pattern may not end in a lone `\`). Throws LogtoError request.invalid_input.
// The SQL for a parsed search is storage/search-sql.ts.
import { refusedInput } from '../storage/db.ts';
import { LogtoError } from './errors.ts';

export type SearchMode = 'like' | 'exact' | 'similar_to' | 'posix';

export interface SearchMatch<F extends string> {
  /** null: every searchable field */
  field: F | null;
  mode: SearchMode;
  values: string[];
}

export interface Search<F extends string> {
  matches: SearchMatch<F>[];
  joint: 'or' | 'and';
  caseSensitive: boolean;
}

const MODES: readonly SearchMode[] = ['like', 'exact', 'similar_to', 'posix'];

/** A query parameter given once, repeated, or not at all, as a list. */
export const queryValues = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

function one(query: Record<string, unknown>, key: string): string | undefined {
  const values = queryValues(query[key]);
  if (values.length > 1) throw new LogtoError('request.invalid_input', { [key]: 'given more than once' });
  return values[0];
}

function modeOf(raw: string | undefined, key: string): SearchMode | undefined {
  if (raw === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(raw)) throw new LogtoError('request.invalid_input', { [key]: `one of ${MODES.join(', ')}` });
  return raw as SearchMode;
}

// An odd run of backslashes at the end: the last one escapes nothing.
const DANGLING_ESCAPE = /(^|[^\\])(\\\\)*\\$/;

/** The search in a query string over the given fields; null when it has none. */
export function parseSearch<F extends string>(query: Record<string, unknown>, fields: readonly F[]): Search<F> | null {
  const isField = (name: string): name is F => (fields as readonly string[]).includes(name);
  const defaultMode = modeOf(one(query, 'mode'), 'mode') ?? 'like';
  const matches: SearchMatch<F>[] = [];
  for (const key of Object.keys(query)) {
    const field = key === 'search' ? null : key.startsWith('search.') ? key.slice('search.'.length) : undefined;
    const modeField = key.startsWith('mode.') ? key.slice('mode.'.length) : undefined;
    if (modeField !== undefined && !isField(modeField)) throw new LogtoError('request.invalid_input', { [key]: 'unknown field' });
    if (field === undefined) continue;
    if (field !== null && !isField(field)) throw new LogtoError('request.invalid_input', { [key]: 'unknown field' });
    const values = queryValues(query[key]).filter((v) => v !== '');
    if (values.length === 0) continue;
    const mode = (field ? modeOf(one(query, `mode.${field}`), `mode.${field}`) : undefined) ?? defaultMode;
    if (mode === 'like' && values.some((v) => DANGLING_ESCAPE.test(v))) throw new LogtoError('request.invalid_input', { [key]: 'ends with a lone escape character' });
    matches.push({ field, mode, values });
  }
  const joint = one(query, 'joint') ?? 'or';
  if (joint !== 'or' && joint !== 'and') throw new LogtoError('request.invalid_input', { joint: 'or or and' });
  const sensitive = one(query, 'isCaseSensitive') ?? 'false';
  if (sensitive !== 'true' && sensitive !== 'false') throw new LogtoError('request.invalid_input', { isCaseSensitive: 'true or false' });
  if (matches.length === 0) return null;
  return { matches, joint, caseSensitive: sensitive === 'true' };
}

/** Runs a search's query: a pattern PostgreSQL cannot compile (an invalid regular expression or
 *  SIMILAR TO pattern, storage/db.ts refusedInput) is 400 request.invalid_input, not a 500. */
export async function runningSearch<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (refusedInput(error)) throw new LogtoError('request.invalid_input');
    throw error;
  }
}
