// cli/context.ts: open() shares one store per context, but the secret check belongs to each call — a
// call that asks for it is refused with a secret the database has not seen, even after an earlier call
// skipped the check (secrets status does) and opened the store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCliContext, type CliContext } from '../../src/cli/context.ts';
import { SecretCheckError } from '../../src/domain/secrets/keys.ts';
import { createScratchDatabase, onPostgres } from '../helpers/db.ts';

const KNOWN = 'cli-context-known-0123456789-abcdefghijklmnop';
const STRANGER = 'cli-context-stranger-0123456789-abcdefghijklm';

let dataDir: string;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-cli-context-'));
  if (onPostgres) scratch = await createScratchDatabase('cli_context');
});
afterAll(async () => {
  await scratch?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function withContext<T>(secret: string, fn: (context: CliContext) => Promise<T>): Promise<T> {
  const context = createCliContext({ VERITY_DATA_DIR: dataDir, VERITY_SECRET: secret, ...(scratch ? { DATABASE_URL: scratch.url } : {}) });
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

it('a checked open() after an unchecked one still runs the secret check', { timeout: 120_000 }, async () => {
  // The database records KNOWN.
  await withContext(KNOWN, async (context) => {
    await context.open();
  });

  await withContext(STRANGER, async (context) => {
    const unchecked = await context.open({ secretCheck: false });
    await expect(context.open()).rejects.toThrow(SecretCheckError);
    await expect(context.open({ secretCheck: true })).rejects.toThrow(SecretCheckError);
    // Unchecked calls keep working, on the same store.
    expect(await context.open({ secretCheck: false })).toBe(unchecked);
  });

  await withContext(KNOWN, async (context) => {
    const checked = await context.open();
    expect(await context.open({ secretCheck: false })).toBe(checked);
    expect(await context.open()).toBe(checked);
  });
});
