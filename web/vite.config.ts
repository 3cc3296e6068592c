// Builds the sign-in page (index.html) and the demo application (demo.html) into web/dist: hashed
// files under /assets, no inline script (the server's Content-Security-Policy allows none), Preact's
// JSX. `npm run build` runs it; the server serves the result (src/http/sign-in-page.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Small images stay files: a data: URL would be fine for the CSP, but files cache better.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    rollupOptions: { input: { index: here('index.html'), demo: here('demo.html') } },
  },
});
