// Owns the SQL of a parsed Management API search (domain/search.ts): one condition per mode, every
// value a bound parameter, field names mapped to columns (or column expressions) by the caller.
import type { Search, SearchMode } from '../domain/search.ts';

function condition(column: string, mode: SearchMode, caseSensitive: boolean, param: string): string {
  const c = caseSensitive ? column : `lower(${column})`;
  const v = caseSensitive ? param : `lower(${param})`;
  switch (mode) {
    case 'like':
      // The escape character named, not left to the default: domain/search.ts refuses a dangling one.
      return `${column} ${caseSensitive ? 'LIKE' : 'ILIKE'} ${param} ESCAPE '\\'`;
    case 'exact':
      return `${c} = ${v}`;
    case 'similar_to':
      return `${c} SIMILAR TO ${v}`;
    case 'posix':
      return `${column} ${caseSensitive ? '~' : '~*'} ${param}`;
  }
}

/** The search as one parenthesised condition; `param` binds a value and returns its placeholder. */
export function searchCondition<F extends string>(
  search: Search<F>,
  columns: Record<F, string>,
  param: (value: unknown) => string,
): string {
  const groups = search.matches.map((m) => {
    const targets = m.field ? [columns[m.field]] : Object.values<string>(columns);
    const alternatives = m.values.flatMap((value) => {
      const p = param(value);
      return targets.map((column) => condition(column, m.mode, search.caseSensitive, p));
    });
    return `(${alternatives.join(' OR ')})`;
  });
  return `(${groups.join(search.joint === 'and' ? ' AND ' : ' OR ')})`;
}
