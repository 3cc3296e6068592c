// `secrets status` and `secrets rotate` (cli/commands/secrets.ts) through a CLI context, and the CLI's
// own start-up check: a command run with a secret the database has not seen is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands/secrets.ts';
import { createCliContext, type CliContext } from '../../src/cli/context.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { createScratchDatabase, onPostgres } from '../helpers/db.ts';
import { openEverything, seedSealed } from './seed.ts';

const OLD = 'cli-old-secret-0123456789-abcdefghijklmnopqrstu';
const NEW = 'cli-new-secret-0123456789-abcdefghijklmnopqrstu';
const OTHER = 'cli-other-secret-0123456789-abcdefghijklmnopq';
const oldId = createKeyring([OLD]).currentId;
const newId = createKeyring([NEW]).currentId;

let dataDir: string;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-secrets-cli-'));
  if (onPostgres) scratch = await createScratchDatabase('secrets_cli');
});
afterAll(async () => {
  await scratch?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const command = (name: string) => commands.find((c) => c.name === name)!;

async function withContext<T>(secrets: string[], fn: (context: CliContext) => Promise<T>): Promise<T> {
  const context = createCliContext({
    VERITY_DATA_DIR: dataDir,
    VERITY_SECRET: secrets[0],
    VERITY_PREVIOUS_SECRETS: secrets.slice(1).join(',') || undefined,
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
  });
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

it('status and rotate report per table; the old secret can then be dropped', { timeout: 120_000 }, async () => {
  await withContext([OLD], async (context) => {
    const deps = await context.open();
    await seedSealed(deps.db, deps.keyring);
  });

  await withContext([OTHER], async (context) => {
    await expect(command('secrets rotate').run([], context)).rejects.toThrow(/Refusing to run this command[\s\S]*VERITY_SECRET/);
  });
  // status still runs with a wrong secret, to show why
  const wrong = await withContext([OTHER], (context) => command('secrets status').run([], context));
  expect(wrong).toContain(`applications.callback_secret`);
  expect(wrong).toContain(`${oldId}: 1 (MISSING: no secret holds this key)`);

  const before = await withContext([NEW, OLD], (context) => command('secrets status').run([], context));
  expect(before).toContain(`Current key: ${newId}`);
  expect(before).toMatch(new RegExp(`user_mfa_factors\\.totp_secret\\s+${oldId}: 1 \\(earlier secret\\)`));
  expect(before).toContain(`Data still needs key ${oldId}`);

  const rotated = await withContext([NEW, OLD], (context) => command('secrets rotate').run([], context));
  expect(rotated).toMatch(/oidc_keys\.material\s+2 re-sealed/);
  expect(rotated).toMatch(/connectors\.config\s+1 re-sealed/);
  expect(rotated).toContain('Nothing durable needs an earlier secret any more.');
  expect(rotated).toContain(`user_backup_codes.digest (unused backup codes): 1 made with key ${oldId} cannot be re-sealed`);

  const after = await withContext([NEW], (context) => command('secrets status').run([], context));
  expect(after).toMatch(/Every sealed value uses the current key/);
  expect(after).not.toContain(OLD);
  expect(after).toContain(`user_backup_codes.digest (unused backup codes): 1 made with key ${oldId} (missing key: they no longer work)`);
  await withContext([NEW], async (context) => {
    const deps = await context.open();
    expect(await openEverything(deps.db, createKeyring([NEW]))).toBe(7);
  });
  await expect(withContext([NEW], (context) => command('secrets status').run(['extra'], context))).rejects.toThrow(/no arguments/);
});
