// Owns the real server as a child process for the process-level suites (test/process): `node dist/main.js`
// (the production command, built by the global setup) on a free port with its own data directory, ready once
// GET /api/status answers 204, its output kept as text, and every child and temp directory removed by stopAllServers().
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unusedPort } from './http-server.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  /** Everything the process wrote to stderr so far (config errors go here). */
  readonly stderr: string;
  /** Everything it wrote to stdout so far (the development logger writes here, fatal errors included). */
  readonly stdout: string;
  /** Resolves when the process has exited and its output is complete. */
  exited: Promise<Exit>;
  /** Sends `signal` (SIGTERM by default) unless the process is gone; resolves with its exit. */
  kill(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface ServerOptions {
  /** Data directory; a fresh temp directory (removed by stopAllServers) when omitted. */
  dataDir?: string;
  /** Extra environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** How long startServer() waits for 204 from /api/status (60 s by default). */
  readyTimeoutMs?: number;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

// Settings the parent may carry that would change what the child does; the suites set their own.
const INHERITED_OUT = /^(VERITY_|DATABASE_|PORT$|HOST$|LOG_LEVEL$|NODE_ENV$|NODE_OPTIONS$)/;

/** A fresh directory under the OS temp dir, removed by stopAllServers(). */
export function tempDir(prefix = 'verity-proc-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Starts the server without waiting for it (see startServer() for a ready one). */
export async function spawnServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const port = await unusedPort();
  const dataDir = options.dataDir ?? tempDir();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !INHERITED_OUT.test(key)) env[key] = value;
  const wanted: Record<string, string | undefined> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    VERITY_DATA_DIR: dataDir,
    // The suites' gateways and receivers listen on loopback, which production refuses by default.
    VERITY_EGRESS_ALLOW: '127.0.0.1/32',
    ...options.env,
  };
  for (const [key, value] of Object.entries(wanted)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  const child = spawn(process.execPath, ['dist/main.js'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close' rather than 'exit': it fires once stdout and stderr are drained, so the text is complete.
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.on('error', () => {
      children.delete(child);
      resolve({ code: null, signal: null });
    });
  });

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    dataDir,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls GET /api/status until 204; throws with the process output when it exits or times out. */
export async function waitReady(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void server.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`server exited before it was ready:\n${outputOf(server)}`);
    try {
      const response = await fetch(`${server.url}/api/status`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.kill('SIGKILL');
  throw new Error(`server not ready after ${timeoutMs} ms:\n${outputOf(server)}`);
}

/** Spawns the server and waits until it serves. */
export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const server = await spawnServer(options);
  await waitReady(server, options.readyTimeoutMs);
  return server;
}

/** Kills every child still running (SIGKILL) and removes the temp directories; for afterAll. */
export async function stopAllServers(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  children.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

// A crashed or interrupted test worker must not leave servers behind.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** The development credentials file of a data directory: the generated OTP API key. */
export function readApiKey(dataDir: string): string {
  const { otpApiKey } = JSON.parse(fs.readFileSync(path.join(dataDir, 'credentials.json'), 'utf8')) as { otpApiKey?: string };
  if (!otpApiKey) throw new Error(`no otpApiKey in ${dataDir}/credentials.json`);
  return otpApiKey;
}

/** The development outbox of a data directory (one JSON line per message). */
export function readOutbox(dataDir: string): { to: string; code: string; text: string }[] {
  let content = '';
  try {
    content = fs.readFileSync(path.join(dataDir, 'outbox.jsonl'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return content
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as { to: string; code: string; text: string });
}

/** A valid New York number (+1 212 NXX XXXX), distinct per call within a test file. */
let phoneCounter = 0;
export function phoneNumber(): string {
  phoneCounter += 1;
  const local = 2_000_000 + ((process.pid * 7919 + phoneCounter * 104_729) % 8_000_000);
  return `+1212${local}`;
}

export interface OtpCall {
  status: number;
  body: any;
}

/** POST /otp with the key; throws only when the request cannot be made (no connection, reset). */
export async function postOtp(url: string, apiKey: string, phone: string): Promise<OtpCall> {
  const response = await fetch(`${url}/otp`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ phoneNumber: phone }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function getOtp(url: string, apiKey: string, otpId: string): Promise<OtpCall> {
  const response = await fetch(`${url}/otp/${otpId}`, { headers: { 'x-api-key': apiKey } });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function verifyOtp(url: string, apiKey: string, otpId: string, pin: string): Promise<OtpCall> {
  const response = await fetch(`${url}/otp/${otpId}`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify({ pin }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Rate limits out of the way, for suites that are not about them. */
export const NO_RATE_LIMITS = {
  VERITY_RATE_RECIPIENT_LIMIT: '10000000',
  VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: '0',
  VERITY_RATE_IP_LIMIT: '10000000',
  VERITY_RATE_KEY_LIMIT: '10000000',
};

function outputOf(server: ServerProcess): string {
  return `--- stdout\n${server.stdout}\n--- stderr\n${server.stderr}`;
}
