// Owns a rough reading of a V8 .cpuprofile (node --cpu-prof): self time summed by bucket, chosen
// from each frame's script URL; a native or Node-internal frame (a syscall such as writev, a
// builtin, node:net; but node:crypto counts as crypto) counts for the nearest caller from a package or from Verity, so a socket write
// lands on the driver or server that made it (with no such caller it stays Node's own). Shares of the profile: the machine is shared, so shares are steadier than absolute times.
//   npx tsx bench/profile-buckets.ts <file.cpuprofile> [more files …]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** First match wins. */
const BUCKETS: [string, (url: string, fn: string) => boolean][] = [
  ['idle', (_u, f) => f === '(idle)'],
  ['GC', (_u, f) => f === '(garbage collector)'],
  ['argon2', (u) => /argon2|password-worker/.test(u)],
  ['pg driver', (u) => /node_modules\/(pg|pg-protocol|pg-types|pgpass|postgres-[a-z]+|pg-pool)\//.test(u)],
  ['PGlite', (u) => /@electric-sql\/pglite/.test(u)],
  ['oidc-provider + Koa', (u) => /node_modules\/(oidc-provider|koa[^/]*|@koa|jsesc|eta|quick-lru|nanoid|paseto)\//.test(u)],
  ['crypto (jose, node:crypto)', (u, f) => /node_modules\/jose\//.test(u) || /node:crypto|internal\/crypto/.test(u) || /^(sign|verify|digest|update|final|Hmac|Hash|createHmac|createHash|timingSafeEqual|randomBytes)$/.test(f)],
  ['cookies', (u) => /node_modules\/(cookies|keygrip|cookie|@fastify\/cookie|cookie-signature|tsscmp)\//.test(u)],
  ['JSON/zod', (u, f) => /node_modules\/(zod|fastify-type-provider-zod|fast-json-stringify|secure-json-parse|ajv[^/]*)\//.test(u) || /^(parse|stringify)$/.test(f) && u === ''],
  ['Fastify', (u) => /node_modules\/(fastify|@fastify|find-my-way|avvio|light-my-request|pino[^/]*|fast-[^/]+|process-warning|abstract-logging|toad-cache|rfdc)\//.test(u)],
  ['node http/net', (u) => /^node:(_http|http|net|stream|internal\/(http|streams|stream_base|net|url|timers))|^node:internal\/(http|streams|stream_base_commons|url)/.test(u)],
  ['tsx loader', (u) => /node_modules\/(tsx|esbuild|get-tsconfig)\//.test(u)],
  ['bench harness', (u) => /\/bench\//.test(u)],
  ['verity src', (u) => /\/src\//.test(u)],
  ['other node_modules', (u) => /node_modules\//.test(u)],
  ['node internals', (u) => u.startsWith('node:')],
  ['native/program', () => true],
];

function bucketsOf(file: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  /** The frame that names the bucket: the node itself, or its nearest ancestor outside Node. */
  const owner = (id: number): Node['callFrame'] => {
    const own = byId.get(id)!.callFrame;
    const outside = (url: string) => url !== '' && !url.startsWith('node:');
    if (outside(own.url) || own.url.includes('internal/crypto') || own.functionName.startsWith('(')) return own;
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const frame = byId.get(up)!.callFrame;
      if (outside(frame.url)) return { functionName: own.functionName, url: frame.url };
    }
    return own;
  };
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const out = new Map<string, number>();
  for (const [id, us] of self) {
    const { url, functionName } = owner(id);
    const [name] = BUCKETS.find(([, match]) => match(url, functionName))!;
    out.set(name, (out.get(name) ?? 0) + us);
  }
  return out;
}

for (const file of process.argv.slice(2)) {
  const buckets = bucketsOf(file);
  const busy = [...buckets].filter(([name]) => name !== 'idle').reduce((sum, [, us]) => sum + us, 0);
  console.log(`${file.split('/').pop()}: ${(busy / 1000).toFixed(0)} ms busy (idle ${((buckets.get('idle') ?? 0) / 1000).toFixed(0)} ms)`);
  for (const [name, us] of [...buckets].filter(([n]) => n !== 'idle').sort((a, b) => b[1] - a[1])) {
    console.log(`  ${name.padEnd(28)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${((100 * us) / busy).toFixed(1).padStart(5)}%`);
  }
}
