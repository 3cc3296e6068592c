// Owns the SQL of a parsed Management API search (domain/search.ts): one condition per mode, every
// value a bound parameter, field names mapped to columns (or column expressions) by the caller.
// The caller may say which indexes its columns have (SearchIndexes), so that each condition is
// written in the form an index can serve; the rows matched never depend on it.
import type { Search, SearchMode } from '../domain/search.ts';

/** What the caller's indexes allow, by column (the values of `columns`). */
export interface SearchIndexes {
  /** Columns whose values are always lowercase (a CHECK says so): case-insensitive `exact` compares
   *  the column itself with lower(value), so the column's btree serves it. */
  lowercase?: readonly string[];
  /** Columns with a pg_trgm GIN index but no btree on lower(column): case-insensitive `exact` also
   *  states the comparison as an ILIKE of the escaped value (the same rows), which that index serves. */
  trigram?: readonly string[];
}

/** The value as a LIKE pattern matching exactly itself (`\` is the escape character). */
const literalPattern = (value: unknown) => String(value).replace(/[\\%_]/g, '\\$&');

function condition(
  column: string,
  mode: SearchMode,
  caseSensitive: boolean,
  value: unknown,
  param: (value: unknown) => string,
  indexes: SearchIndexes,
): string {
  const p = param(value);
  const c = caseSensitive ? column : `lower(${column})`;
  const v = caseSensitive ? p : `lower(${p})`;
  switch (mode) {
    case 'like':
      // The escape character named, not left to the default: domain/search.ts refuses a dangling one.
      return `${column} ${caseSensitive ? 'LIKE' : 'ILIKE'} ${p} ESCAPE '\\'`;
    case 'exact':
      if (!caseSensitive && indexes.lowercase?.includes(column)) return `${column} = ${v}`;
      if (!caseSensitive && indexes.trigram?.includes(column)) {
        return `(${column} ILIKE ${param(literalPattern(value))} ESCAPE '\\' AND ${c} = ${v})`;
      }
      return `${c} = ${v}`;
    case 'similar_to':
      return `${c} SIMILAR TO ${v}`;
    case 'posix':
      return `${column} ${caseSensitive ? '~' : '~*'} ${p}`;
  }
}

/** The search as one parenthesised condition; `param` binds a value and returns its placeholder. */
export function searchCondition<F extends string>(
  search: Search<F>,
  columns: Record<F, string>,
  param: (value: unknown) => string,
  indexes: SearchIndexes = {},
): string {
  // One placeholder per value, shared by every column it is compared with.
  const bound = new Map<unknown, string>();
  const once = (value: unknown) => {
    let p = bound.get(value);
    if (p === undefined) bound.set(value, (p = param(value)));
    return p;
  };
  const groups = search.matches.map((m) => {
    const targets = m.field ? [columns[m.field]] : Object.values<string>(columns);
    const alternatives = m.values.flatMap((value) =>
      targets.map((column) => condition(column, m.mode, search.caseSensitive, value, once, indexes)),
    );
    return `(${alternatives.join(' OR ')})`;
  });
  return `(${groups.join(search.joint === 'and' ? ' AND ' : ' OR ')})`;
}
