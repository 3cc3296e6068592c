// Issue 14's memory rows: the resident set size of the server as an operator runs it, a process of its
// own started with the production command (`node dist/main.js`, VERITY_MODE=production), after start
// and under load, and the same server run from the sources through tsx (`node --import tsx
// src/main.ts`, what `npm start` ran before issue 14) as the same-run baseline. Each row is a fresh
// process on a fresh store: PGlite in a temp data directory, and PostgreSQL (a throwaway schema) when
// BENCH_MEMORY_PG=1. The load is OTP flows (POST /otp, the code from a webhook SMS gateway on loopback,
// POST /otp/{id}) from `concurrency` closed-loop users for `seconds`; RSS and its peak are read from
// /proc/<pid>/status (Linux), so the figure is the server's alone, not the load client's.
//   npx tsx bench/process-memory.ts     (npm run build first: it measures dist/)
// Settings: BENCH_SECONDS [20], BENCH_CONCURRENCY [16], BENCH_MEMORY_PG [0] or 1 (PostgreSQL from
// BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL), BENCH_MEMORY_RUNS [compiled,tsx],
// BENCH_PGLITE_SHARED_BUFFERS (e.g. 16MB): written to the PGlite store's postgresql.conf before the
// measured restart (PGlite's initdb sets 128MB, which the wasm heap holds resident).
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { phoneNumbers } from './codebook.ts';
import { runLoad } from './load.ts';
import { createSchema, databaseUrl, dropSchema } from './schema.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RUNS = (process.env.BENCH_MEMORY_RUNS ?? 'compiled,tsx').split(',');
const STORES = process.env.BENCH_MEMORY_PG === '1' ? ['pglite', 'pg'] : ['pglite'];
const SHARED_BUFFERS = process.env.BENCH_PGLITE_SHARED_BUFFERS;
const COMMANDS: Record<string, string[]> = { compiled: ['dist/main.js'], tsx: ['--import', 'tsx', 'src/main.ts'] };
const API_KEY = `bench-${crypto.randomBytes(16).toString('hex')}`;
const MB = 1024 * 1024;
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** VmRSS and VmHWM (the peak) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** A webhook SMS gateway on loopback that keeps the last code sent to each number. */
async function startGateway(): Promise<{ url: string; codes: Map<string, string>; close(): Promise<void> }> {
  const codes = new Map<string, string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const { to, text } = JSON.parse(body) as { to: string; text: string };
      const code = [...text.matchAll(/\b([0-9A-Z]{4,10})\b/g)].pop()?.[1];
      if (code) codes.set(to, code);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"bench"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/sms`, codes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function post(url: string, body: unknown, want: number): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== want) throw new Error(`${url}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

interface Row {
  run: string;
  store: string;
  /** RSS and peak of the first process, which created and migrated the store. */
  fresh: number;
  freshPeak: number;
  start: number;
  loaded: number;
  peak: number;
  flows: number;
  errors: number;
  seconds: number;
}

async function measure(run: string, store: string, gateway: Awaited<ReturnType<typeof startGateway>>, phones: string[]): Promise<Row> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-bench-memory-'));
  const pgUrl = databaseUrl();
  const schema = store === 'pg' ? await createSchema(pgUrl, 'memory') : undefined;
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    VERITY_MODE: 'production',
    VERITY_SECRET: crypto.randomBytes(32).toString('base64url'),
    VERITY_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    VERITY_OTP_API_KEY: API_KEY,
    VERITY_SMS_CONNECTOR: 'webhook',
    VERITY_SMS_WEBHOOK_URL: gateway.url,
    VERITY_EMAIL_CONNECTOR: 'none',
    VERITY_EGRESS_ALLOW: '127.0.0.1/32',
    VERITY_RATE_KEY_LIMIT: '10000000',
    VERITY_RATE_RECIPIENT_LIMIT: '10000000',
    VERITY_RATE_IP_LIMIT: '10000000',
    VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: '0',
    ...(schema ? { DATABASE_URL: `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` } : {}),
  };
  const base = `http://127.0.0.1:${port}`;
  // The first process creates the store (PGlite: initdb, in process) and migrates it; its memory is
  // recorded, then it stops. The measured process is a restart on that store, as a server runs for
  // most of its life.
  const first = await startProcess(run, store, env, base);
  const fresh = memoryOf(first.pid);
  await first.stop();
  if (store === 'pglite' && SHARED_BUFFERS) {
    const conf = path.join(dataDir, 'pgdata/postgresql.conf');
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace(/^shared_buffers = .*$/m, `shared_buffers = ${SHARED_BUFFERS}`));
  }
  const server = await startProcess(run, store, env, base);
  try {
    await sleep(2000); // let start-up garbage settle
    const start = memoryOf(server.pid).rss;
    const flow = async (n: number) => {
      const phone = phones[n % phones.length]!; // users hold consecutive n: never two flows on one number
      const { otpId } = (await post(`${base}/otp`, { phoneNumber: phone }, 201)) as { otpId: string };
      const pin = gateway.codes.get(phone);
      await post(`${base}/otp/${otpId}`, { pin }, 200);
    };
    const result = await runLoad({ mode: 'timed', concurrency: CONCURRENCY, warmupMs: 1000, durationMs: SECONDS * 1000 }, flow);
    const { rss: loaded, peak } = memoryOf(server.pid);
    if (result.errors) log(`${run}/${store}: ${result.errors} failed flows, first: ${result.firstError}`);
    return { run, store, fresh: fresh.rss, freshPeak: fresh.peak, start, loaded, peak, flows: result.flows, errors: result.errors, seconds: result.seconds };
  } finally {
    await server.stop();
    if (schema) await dropSchema(pgUrl, schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Starts the server and waits for 204 from /api/status; stop() sends SIGTERM and waits for the exit. */
async function startProcess(run: string, store: string, env: Record<string, string>, base: string): Promise<{ pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, COMMANDS[run]!, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 120_000;
  while ((await fetch(`${base}/api/status`).then((r) => r.status, () => 0)) !== 204) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`${run}/${store} did not start:\n${stderr}`);
    }
    await sleep(100);
  }
  return { pid: child.pid!, stop };
}

const gateway = await startGateway();
const phones = phoneNumbers(Math.max(256, CONCURRENCY * 4));
const rows: Row[] = [];
try {
  log(`${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.version}; c${CONCURRENCY}, ${SECONDS} s of OTP flows per row${SHARED_BUFFERS ? `; PGlite shared_buffers ${SHARED_BUFFERS}` : ""}`);
  for (const store of STORES) for (const run of RUNS) rows.push(await measure(run, store, gateway, phones));
} finally {
  await gateway.close();
}
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`.padStart(7);
console.log('                   first start (new store)   restart: RSS after start  under load  peak (VmHWM)  flows/s  errors');
console.log('run       store       RSS     peak');
for (const r of rows)
  console.log(
    `${r.run.padEnd(9)} ${r.store.padEnd(8)} ${mb(r.fresh)} ${mb(r.freshPeak)} ${mb(r.start).padStart(28)} ${mb(r.loaded).padStart(11)} ${mb(r.peak).padStart(13)} ${(r.flows / r.seconds).toFixed(0).padStart(8)} ${String(r.errors).padStart(7)}`,
  );
for (const store of STORES) {
  const compiled = rows.find((r) => r.run === 'compiled' && r.store === store);
  const tsx = rows.find((r) => r.run === 'tsx' && r.store === store);
  if (compiled && tsx)
    console.log(`${store}: compiled ÷ tsx: after start ${(compiled.start / tsx.start).toFixed(2)}, under load ${(compiled.loaded / tsx.loaded).toFixed(2)}, peak ${(compiled.peak / tsx.peak).toFixed(2)}`);
}
log(`load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
