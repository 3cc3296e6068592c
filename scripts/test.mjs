// npm test: the whole suite on embedded PGlite, then again on PostgreSQL when TEST_DATABASE_URL is set.
// The browser suites (test/web) run on the PGlite pass only: they exercise the sign-in page, whose server
// routes every other suite already runs on both stores. Ends with the plain line `N passed, N failed`
// summed over every run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const extra = process.argv.slice(2);
const runs = [{ name: 'PGlite', env: { VERITY_TEST_DRIVER: 'pglite' }, args: [] }];
if (process.env.TEST_DATABASE_URL) runs.push({ name: 'PostgreSQL', env: { VERITY_TEST_DRIVER: 'pg' }, args: ['--exclude', 'test/web/**'] });

let passed = 0;
let failed = 0;
let exitCode = 0;
for (const run of runs) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verity-test-')), 'results.json');
  console.log(`\n=== test suite on ${run.name} ===`);
  const result = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...run.args, ...extra],
    { stdio: 'inherit', env: { ...process.env, ...run.env } },
  );
  if (result.status !== 0) exitCode = 1;
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    if (report.numTotalTests === 0) exitCode = 1;
  } catch {
    exitCode = 1;
    failed += 1;
    console.error(`no test report from the ${run.name} run`);
  }
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(exitCode);
