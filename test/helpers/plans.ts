// Plans of the statements the repositories send: capture a repo function's statement (its SQL and
// params, never a copy), EXPLAIN it on a real database, and list the scan nodes of the plan.
import type { Queryable } from '../../src/storage/db.ts';

export interface Statement {
  sql: string;
  params: readonly unknown[];
}

export interface ScanNode {
  nodeType: string;
  relation?: string;
  index?: string;
}

const CAPTURED = Symbol('captured');

/** The first statement `fn` sends; `fn` is stopped there, so nothing runs against a database. */
export async function statementOf(fn: (q: Queryable) => Promise<unknown>): Promise<Statement> {
  let captured: Statement | undefined;
  const q: Queryable = {
    query(sql, params = []) {
      captured = { sql, params };
      return Promise.reject(CAPTURED);
    },
    exec: () => Promise.reject(new Error('statementOf: exec is not a statement')),
  };
  await fn(q).catch((error: unknown) => {
    if (error !== CAPTURED) throw error;
  });
  if (!captured) throw new Error('statementOf: the function sent no statement');
  return captured;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** Every scan node of the statement's plan (EXPLAIN (FORMAT JSON) with its params), outermost first. */
export async function scansOf(q: Queryable, statement: Statement): Promise<ScanNode[]> {
  const rows = await q.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${statement.sql}`, statement.params);
  const raw = rows[0]!['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  const scans: ScanNode[] = [];
  const walk = (node: PlanNode) => {
    if (node['Node Type'].endsWith('Scan')) {
      scans.push({
        nodeType: node['Node Type'],
        ...(node['Relation Name'] ? { relation: node['Relation Name'] } : {}),
        ...(node['Index Name'] ? { index: node['Index Name'] } : {}),
      });
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan[0]!.Plan);
  return scans;
}
