// The configuration reference is the schema's: docs/configuration.md is what `npm run docs:config` makes
// now, it names every schema key, and every variable src/ reads by name is a schema key.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE, renderConfigReference } from '../../scripts/config-docs.ts';
import { configSchema, configSections } from '../../src/config/index.ts';
import { REPO_ROOT } from '../helpers/server-process.ts';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}

describe('docs/configuration.md', () => {
  it('is what the generator makes now (run `npm run docs:config`)', () => {
    expect(fs.readFileSync(REFERENCE_FILE, 'utf8')).toBe(renderConfigReference());
  });

  it('lists every key of the config schema in a table row', () => {
    const text = fs.readFileSync(REFERENCE_FILE, 'utf8');
    const missing = Object.keys(configSchema.shape).filter((key) => !text.includes(`| \`${key}\` |`));
    expect(missing).toEqual([]);
  });

  it('puts every schema key in exactly one section', () => {
    const listed = configSections.flatMap((section) => Object.keys(section.variables));
    expect(listed.sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('names the variables the issue found missing or only in prose', () => {
    const text = fs.readFileSync(REFERENCE_FILE, 'utf8');
    for (const key of ['VERITY_WORKER_INTERVAL_MS', 'VERITY_CALLBACK_TIMEOUT_MS', 'VERITY_CALLBACK_MAX_BACKOFF_SECONDS', 'VERITY_TRUST_PROXY', 'VERITY_OTP_API_KEY', 'DATABASE_POOL_SIZE', 'VERITY_ACCEPT_NEW_SECRET'])
      expect(text).toContain(`| \`${key}\` |`);
    expect(text).toMatch(/\| `VERITY_WORKER_INTERVAL_MS` \| integer 50–60000 \| `1000` \| Milliseconds/);
  });
});

describe('variables read in src/', () => {
  it('every process.env.X and env.X read is a schema key', () => {
    // Set by the tools Verity runs under, not settings: npm's INIT_CWD (where `npm run` was called from).
    const keys = new Set([...Object.keys(configSchema.shape), 'INIT_CWD']);
    const read = new Map<string, string>();
    for (const file of sourceFiles(path.join(REPO_ROOT, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\b(?:process\.)?env(?:\.([A-Z_][A-Z0-9_]*)|\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\])/g))
        read.set(match[1] ?? match[2]!, path.relative(REPO_ROOT, file));
    }
    expect(read.size).toBeGreaterThan(5); // the scan finds the reads that exist
    expect([...read].filter(([name]) => !keys.has(name)).map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });
});
