// Owns how commands print: readable aligned tables and `key: value` blocks for people, or, with the
// global `--json` flag (cli/index.ts marks the context), the same data as indented JSON for scripts.
// Commands pass plain data; nothing here ever sees a secret a command did not mean to print.
import type { CliContext } from './context.ts';

const jsonContexts = new WeakSet<CliContext>();

/** Marks a context so every command it runs answers in JSON (the `--json` flag). */
export function useJsonOutput(context: CliContext): void {
  jsonContexts.add(context);
}

const wantsJson = (context: CliContext): boolean => jsonContexts.has(context);

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

/** One cell as text: dates as ISO minutes (UTC), null/undefined as "-", objects as compact JSON. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (value instanceof Date) return `${value.toISOString().slice(0, 16).replace('T', ' ')}Z`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Aligned columns under their headers; "(none)" for no rows. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  if (rows.length === 0) return '(none)';
  const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => cell(c.value(row)).replace(/\s+/g, ' ')))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells.map((line) => line.map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** `key: value` lines, keys aligned. */
export function details(entries: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(entries).map((k) => k.length));
  return Object.entries(entries)
    .map(([key, value]) => `${`${key}:`.padEnd(width + 1)} ${cell(value)}`)
    .join('\n');
}

/** The command's answer: `data` as JSON under --json, else what `text` makes of it. */
export function render<T>(context: CliContext, data: T, text: (data: T) => string): string {
  return wantsJson(context) ? JSON.stringify(data, null, 2) : text(data);
}
