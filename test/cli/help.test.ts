// The CLI's help and dispatch: help never builds a context (so it reads no configuration and opens no
// data directory); unknown commands and usage mistakes exit 2 with the help or the usage; failures
// exit 1; docs/cli.md documents every command in the registry, with an example.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliUsageError, type CliCommand } from '../../src/cli/command.ts';
import { helpText, registry, runCli } from '../../src/cli/index.ts';
import { REPO_ROOT } from '../helpers/server-process.ts';

async function run(argv: string[], commands?: readonly CliCommand[]) {
  let out = '';
  let err = '';
  let opened = 0;
  const code = await runCli(
    argv,
    { out: (t) => (out += t), err: (t) => (err += t) },
    () => {
      opened += 1;
      return { config: {} as never, open: () => Promise.reject(new Error('opened the store')), close: async () => {} };
    },
    commands,
  );
  return { code, out, err, opened };
}

describe('help', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']]])('%j prints every command grouped by noun, without a context', async (argv) => {
    const result = await run(argv);
    expect(result).toMatchObject({ code: 0, opened: 0 });
    for (const command of registry) expect(result.out).toContain(`  ${command.name}${command.args ? ` ${command.args}` : ''} — ${command.summary}`);
    for (const words of ['DATABASE_URL', 'VERITY_DATA_DIR', 'VERITY_SECRET', 'stop the server']) expect(result.out).toContain(words);
  });

  it('<noun> --help prints only that noun', async () => {
    const result = await run(['keys', '--help']);
    expect(result).toMatchObject({ code: 0, opened: 0 });
    expect(result.out).toContain('keys create');
    expect(result.out).not.toContain('apps list');
    expect((await run(['keys', 'create', '--help'])).out).toContain('usage: npm run verity -- keys create [appId] [name]');
  });

  it('an unknown command prints the help and exits 2; a bare noun exits 2 with its commands', async () => {
    const unknown = await run(['frobnicate', 'now']);
    expect(unknown).toMatchObject({ code: 2, opened: 0 });
    expect(unknown.err).toContain('unknown command: frobnicate now');
    expect(unknown.err).toContain('apps list');
    expect(await run(['apps', 'frobnicate'])).toMatchObject({ code: 2, opened: 0 });
    const bare = await run(['apps']);
    expect(bare.code).toBe(2);
    expect(bare.err).toContain('apps settings');
  });

  it('a usage error prints the usage and exits 2; any other error its message and exits 1', async () => {
    const commands: CliCommand[] = [
      { name: 'demo usage', args: '<thing>', summary: 's', run: () => Promise.reject(new CliUsageError('demo usage needs a thing')) },
      { name: 'demo fail', args: '', summary: 's', run: () => Promise.reject(new Error('it broke')) },
      { name: 'demo store', args: '', summary: 's', run: async (_args, context) => String(await context.open()) },
    ];
    const usage = await run(['demo', 'usage'], commands);
    expect(usage).toMatchObject({ code: 2, err: 'demo usage needs a thing\nusage: npm run verity -- demo usage <thing>' });
    expect(await run(['demo', 'fail'], commands)).toMatchObject({ code: 1, err: 'it broke' });
    expect(await run(['demo', 'store'], commands)).toMatchObject({ code: 1, err: 'opened the store', opened: 1 });
    expect(helpText(commands)).toContain('  demo usage <thing> — s');
  });
});

describe('docs/cli.md', () => {
  it('documents every command of the registry with an example', () => {
    const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs/cli.md'), 'utf8');
    const missing = registry.filter((c) => !doc.includes(`\`${c.name}`) || !doc.includes(`npm run verity -- ${c.name}`)).map((c) => c.name);
    expect(missing).toEqual([]);
  });
});
