// Owns the files of the built sign-in page (web/dist, made by `npm run build`): read once at start,
// kept in memory with a gzip copy, and answered with the right type and cache policy — hashed files
// under /assets are immutable for a year, HTML pages are revalidated every time (they name the current
// hashes). A missing build is not a crash: the pages answer 503 with how to build them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export interface WebFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  immutable: boolean;
}

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Below this a gzip copy is not worth its header. */
const GZIP_MIN_BYTES = 1024;

function* walk(dir: string, prefix = ''): Generator<[string, string]> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(full, rel);
    else if (entry.isFile()) yield [rel, full];
  }
}

/** Every built file by its URL path (`/index.html`, `/assets/index-abc123.js`); null when not built. */
export function loadWebFiles(dir = WEB_DIST): Map<string, WebFile> | null {
  if (!fs.existsSync(path.join(dir, 'index.html'))) return null;
  const files = new Map<string, WebFile>();
  for (const [rel, full] of walk(dir)) {
    const body = fs.readFileSync(full);
    const type = TYPES[path.extname(rel)] ?? 'application/octet-stream';
    const compressible = /^(text\/|image\/svg|application\/json)/.test(type) && body.length >= GZIP_MIN_BYTES;
    files.set(rel, { body, gzip: compressible ? zlib.gzipSync(body, { level: 9 }) : null, type, immutable: rel.startsWith('/assets/') });
  }
  return files;
}
