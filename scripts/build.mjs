// npm run build (and `prepare`, so `npm install` builds): the server from src/ to dist/ with tsc (imports
// rewritten from .ts to .js; the SQL migrations and the password worker copied beside the code), then the
// sign-in page from web/ to web/dist with Vite. Where the build tools are absent (a production install,
// `npm ci --omit=dev`, over an output built earlier) it keeps that output and says so.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const resolvable = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

const built = fs.existsSync(path.join(root, 'dist/main.js')) && fs.existsSync(path.join(root, 'web/dist/index.html'));
if (!resolvable('typescript') || !resolvable('vite')) {
  if (built) {
    console.log('verity: build tools not installed (production install); using the existing dist/ and web/dist/');
    process.exit(0);
  }
  console.error('verity: cannot build: typescript and vite are devDependencies. Run `npm install` (with dev dependencies), then `npm run build`.');
  process.exit(1);
}

const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const copy = (from, to, pattern) => {
  fs.mkdirSync(path.join(root, to), { recursive: true });
  for (const name of fs.readdirSync(path.join(root, from))) if (pattern.test(name)) fs.copyFileSync(path.join(root, from, name), path.join(root, to, name));
};
copy('src/storage/migrations', 'dist/storage/migrations', /\.sql$/);
copy('src/crypto', 'dist/crypto', /\.mjs$/);

const { build } = await import('vite');
await build({ configFile: path.join(root, 'web/vite.config.ts'), logLevel: 'warn' });
