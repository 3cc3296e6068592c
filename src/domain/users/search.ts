// Owns Logto's search query syntax for the user list (LG utils/search.ts): `search=<v>` (every
// searchable field) or `search.<field>=<v>`, repeatable; `mode[.<field>]` ∈ like (default), exact,
// similar_to, posix; `joint` ∈ or (default), and; `isCaseSensitive` (default false). `like` takes the
// value as an SQL LIKE pattern (the caller adds `%`). Throws LogtoError request.invalid_input.
import { SEARCH_FIELDS, type SearchField, type SearchMode, type UserSearch } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';

type QueryValue = string | string[] | undefined;
const MODES: readonly SearchMode[] = ['like', 'exact', 'similar_to', 'posix'];

const list = (value: QueryValue) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isField = (name: string): name is SearchField => Object.hasOwn(SEARCH_FIELDS, name);

function one(query: Record<string, unknown>, key: string): string | undefined {
  const values = list(query[key] as QueryValue);
  if (values.length > 1) throw new LogtoError('request.invalid_input', { [key]: 'given more than once' });
  return values[0];
}

function modeOf(raw: string | undefined, key: string): SearchMode | undefined {
  if (raw === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(raw)) throw new LogtoError('request.invalid_input', { [key]: `one of ${MODES.join(', ')}` });
  return raw as SearchMode;
}

/** The search in a query string; null when it has none. */
export function parseUserSearch(query: Record<string, unknown>): UserSearch | null {
  const defaultMode = modeOf(one(query, 'mode'), 'mode') ?? 'like';
  const matches: UserSearch['matches'] = [];
  for (const key of Object.keys(query)) {
    const field = key === 'search' ? null : key.startsWith('search.') ? key.slice('search.'.length) : undefined;
    const modeField = key.startsWith('mode.') ? key.slice('mode.'.length) : undefined;
    if (modeField !== undefined && !isField(modeField)) throw new LogtoError('request.invalid_input', { [key]: 'unknown field' });
    if (field === undefined) continue;
    if (field !== null && !isField(field)) throw new LogtoError('request.invalid_input', { [key]: 'unknown field' });
    const values = list(query[key] as QueryValue);
    if (values.length === 0) continue;
    const mode = (field ? modeOf(one(query, `mode.${field}`), `mode.${field}`) : undefined) ?? defaultMode;
    matches.push({ field, mode, values });
  }
  const joint = one(query, 'joint') ?? 'or';
  if (joint !== 'or' && joint !== 'and') throw new LogtoError('request.invalid_input', { joint: 'or or and' });
  const sensitive = one(query, 'isCaseSensitive') ?? 'false';
  if (sensitive !== 'true' && sensitive !== 'false') throw new LogtoError('request.invalid_input', { isCaseSensitive: 'true or false' });
  if (matches.length === 0) return null;
  return { matches, joint, caseSensitive: sensitive === 'true' };
}
