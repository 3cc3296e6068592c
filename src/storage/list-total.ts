// Owns how a paginated list's total (the Total-Number header) is found without scanning the table:
//   - the page itself proves it when it is the last one (fewer rows than asked, at least one);
//   - otherwise the matching rows are counted up to COUNT_BOUND, an exact count that stops early
//     (`SELECT count(*) FROM (SELECT 1 … ORDER BY <the list's order> LIMIT bound + 1)`: ordered like
//     the list, so the planner reads the index the list reads instead of filtering a table scan);
//   - above the bound the total is the planner's row estimate for the same FROM … WHERE (for an
//     unfiltered table: pg_class.reltuples scaled to the table's current size; for a filter: its
//     selectivity estimate), at least COUNT_BOUND + 1 and kept consistent with what the page proves:
//     after a full page at least one row more (so a `next` link is never missing while rows
//     follow), past the end (an empty page) at most the offset.
// So a total up to COUNT_BOUND is exact, and a larger one is an estimate that costs the same on a
// table of any size. The request's cost is bounded by COUNT_BOUND index entries, not by the table.
import type { Queryable } from './db.ts';

export const COUNT_BOUND = 1000;

export interface PageWindow {
  limit: number;
  offset: number;
}

/** The planner's estimate of the rows `SELECT 1 <fromWhere>` returns. */
async function estimatedRows(q: Queryable, fromWhere: string, params: readonly unknown[]): Promise<number> {
  const [row] = await q.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) SELECT 1 ${fromWhere}`, params);
  const raw = row?.['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: { 'Plan Rows': number } }];
  return Math.round(plan[0].Plan['Plan Rows']);
}

/**
 * The total for a page of `rowsOnPage` rows of `SELECT … <fromWhere> ORDER BY <orderBy> LIMIT/OFFSET
 * page`, where `fromWhere` is `FROM <table> [WHERE …]` with the same parameters the page's statement used.
 */
export async function listTotal(
  q: Queryable,
  fromWhere: string,
  orderBy: string,
  params: readonly unknown[],
  page: PageWindow,
  rowsOnPage: number,
): Promise<number> {
  if (rowsOnPage > 0 && rowsOnPage < page.limit) return page.offset + rowsOnPage;
  // A full page beyond the bound already proves more than COUNT_BOUND rows; an empty one proves nothing.
  if (rowsOnPage === 0 || page.offset + rowsOnPage <= COUNT_BOUND) {
    const [row] = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 ${fromWhere} ORDER BY ${orderBy} LIMIT ${COUNT_BOUND + 1}) AS bounded`,
      params,
    );
    if (row!.n <= COUNT_BOUND) return row!.n;
  }
  return estimatedTotal(q, fromWhere, params, page, rowsOnPage);
}

/** The total once more than COUNT_BOUND rows are known to match: the planner's estimate, made
 *  consistent with what the page proves. */
export async function estimatedTotal(
  q: Queryable,
  fromWhere: string,
  params: readonly unknown[],
  page: PageWindow,
  rowsOnPage: number,
): Promise<number> {
  const estimate = Math.max(COUNT_BOUND + 1, await estimatedRows(q, fromWhere, params));
  // Past the end (an empty page), there are at most `offset` rows; after a full page, at least one more.
  if (rowsOnPage === 0) return Math.min(page.offset, estimate);
  return Math.max(page.offset + rowsOnPage + (rowsOnPage === page.limit ? 1 : 0), estimate);
}
