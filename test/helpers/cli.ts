// The operator CLI in process: a CliContext whose open() hands out a test database (test/helpers/db.ts)
// with a fixed secret, the production config by default, and egress with made-up names; run() calls
// runCli as the binary does and returns its exit code and output; runWithInput() also pipes text to
// the command's stdin (run()'s stdin is empty, as with `< /dev/null`).
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll } from 'vitest';
import { runCli } from '../../src/cli/index.ts';
import type { CliContext, CliDeps } from '../../src/cli/context.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { systemClock } from '../../src/domain/clock.ts';
import type { Db } from '../../src/storage/db.ts';
import { testEgress, type NameAnswer } from './egress.ts';

export const CLI_SECRET = 'cli-test-secret-0123456789-abcdefghijklmn';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface TestCli {
  deps(): Promise<CliDeps>;
  run(...argv: string[]): Promise<CliRun>;
  runWithInput(input: string, ...argv: string[]): Promise<CliRun>;
}

/** `db` is read when a command runs (a useTestDb handle is filled in beforeAll). */
export function testCli(
  handle: { db: Db },
  options: { mode?: 'development' | 'production'; env?: Record<string, string>; names?: Record<string, NameAnswer> } = {},
): TestCli {
  const config = loadConfig({
    VERITY_MODE: options.mode ?? 'production',
    VERITY_SECRET: CLI_SECRET,
    // Never written: the database is the test's, and the production secret is given.
    VERITY_DATA_DIR: path.join(os.tmpdir(), 'verity-cli-test-unused'),
    ...options.env,
  });
  const egress = testEgress({ mode: config.mode, ...(options.names ? { names: options.names } : {}) });
  afterAll(() => egress.close());
  const keyring = createKeyring([CLI_SECRET]);
  const deps = async (): Promise<CliDeps> => ({ config, db: handle.db, keyring, clock: systemClock, egress });
  // The database belongs to the test file: close() leaves it open.
  const context = (input: string) => (): CliContext => ({ config, open: deps, close: async () => {}, stdin: Readable.from([input]) });
  const runWithInput = async (input: string, ...argv: string[]): Promise<CliRun> => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) }, context(input));
    return { code, out, err };
  };
  return { deps, run: (...argv) => runWithInput('', ...argv), runWithInput };
}
