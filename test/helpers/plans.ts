// Plans of the statements the repositories send: capture a repo function's statement (its SQL and
// params, never a copy), EXPLAIN it on a real database, and list the scan nodes of the plan.
import { expect } from 'vitest';
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

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** The plan's root node: EXPLAIN (FORMAT JSON) of the statement with its params. */
export async function planOf(q: Queryable, sql: string, params: readonly unknown[]): Promise<PlanNode> {
  const [row] = await q.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const raw = row!['QUERY PLAN'];
  return ((typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode }])[0].Plan;
}

/** Every scan node of the statement's plan, outermost first. */
export async function scansOf(q: Queryable, statement: Statement): Promise<ScanNode[]> {
  const root = await planOf(q, statement.sql, statement.params);
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
  walk(root);
  return scans;
}

/**
 * The indexes the plan of the first statement `fn` sends (statementOf) reads; fails the test when it
 * scans a table of `big` sequentially (naming the statement).
 */
export async function indexesRead(q: Queryable, fn: (q: Queryable) => Promise<unknown>, big: ReadonlySet<string>): Promise<string[]> {
  const statement = await statementOf(fn);
  const indexes: string[] = [];
  const seq: string[] = [];
  const walk = (node: PlanNode) => {
    if (node['Index Name']) indexes.push(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && big.has(node['Relation Name'] ?? '')) seq.push(node['Relation Name']!);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(await planOf(q, statement.sql, statement.params));
  expect(seq, statement.sql).toEqual([]);
  return indexes;
}
