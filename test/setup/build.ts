// Vitest global setup: runs `npm run build` (scripts/build.mjs: the server to dist/, the sign-in page to
// web/dist) once before the suites, so the process suites run the compiled server and the browser tests
// see the page as the sources are now, never a stale build. tsc's incremental build keeps a rerun short.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const script = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
}
