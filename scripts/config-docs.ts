// Owns docs/configuration.md: renders every variable of the config schema (src/config/index.ts) with its
// type, default and meaning, by topic, then the rules between variables (src/config/cross-checks.ts).
// `npm run docs:config` rewrites the file; test/config/reference.test.ts fails when it is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { BOOLEAN, configSections } from '../src/config/index.ts';
import { crossChecks } from '../src/config/cross-checks.ts';

export const REFERENCE_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/configuration.md');

/** A variable's JSON Schema (input side), its documentation (config/index.ts `doc()`) merged in. */
interface Described {
  description?: string;
  defaults?: string;
  accepts?: string;
  type?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  format?: string;
}

const code = (value: unknown) => `\`${String(value)}\``;
/** A table cell: pipes escaped, and angle brackets outside `code`, on one line. */
const cell = (text: string) =>
  text
    .split('`')
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '\\<')))
    .join('`')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
const isBoolean = (values: unknown[]) => values.length === BOOLEAN.length && BOOLEAN.every((v) => values.includes(v));

/** What the environment value must look like. */
function typeOf(schema: Described): string {
  if (schema.accepts) return schema.accepts;
  if (schema.enum) return isBoolean(schema.enum) ? 'boolean (`true`/`false`, `1`/`0`, `yes`/`no`)' : `one of ${schema.enum.map(code).join(', ')}`;
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `integer ${schema.minimum}–${schema.maximum}`;
  if (schema.format === 'uri') return 'URL';
  if (schema.minLength !== undefined && schema.minLength > 1) return `string (at least ${schema.minLength} characters)`;
  return schema.type ?? 'string';
}

function defaultOf(schema: Described): string {
  if (schema.defaults) return schema.defaults;
  if (schema.default === undefined) return 'unset';
  return schema.default === '' ? 'empty' : code(schema.default);
}

/** The reference as Markdown. Throws when a variable has no description (document it in the schema). */
export function renderConfigReference(): string {
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated from the config schema (src/config/index.ts) by `npm run docs:config`; do not edit by hand. -->',
    '',
    'Verity reads its settings from environment variables only. A start with a bad value stops with exit code 1 and',
    'one message naming every bad variable. An empty value counts as unset.',
    '',
  ];
  for (const section of configSections) {
    lines.push(`## ${section.title}`, '', '| Variable | Type | Default | Meaning |', '| --- | --- | --- | --- |');
    for (const [name, schema] of Object.entries(section.variables)) {
      const described = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as Described;
      if (!described.description) throw new Error(`${name}: no description in the config schema (add .meta(doc('…')))`);
      lines.push(`| \`${name}\` | ${cell(typeOf(described))} | ${cell(defaultOf(described))} | ${cell(described.description)} |`);
    }
    lines.push('');
  }
  lines.push('## Rules between variables', '', 'Checked at start together with the values above; each broken rule is named in the same message.', '');
  for (const rule of crossChecks) lines.push(`- ${rule.doc}`);
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  fs.mkdirSync(path.dirname(REFERENCE_FILE), { recursive: true });
  fs.writeFileSync(REFERENCE_FILE, renderConfigReference());
  console.log(`wrote ${path.relative(process.cwd(), REFERENCE_FILE)}`);
}
