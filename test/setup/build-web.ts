// Vitest global setup: builds the sign-in page (web/ → web/dist) once before the suites, so the
// browser tests and the page routes always serve the sources as they are, never a stale build.
import { build } from 'vite';

export default async function setup(): Promise<void> {
  await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, logLevel: 'error' });
}
