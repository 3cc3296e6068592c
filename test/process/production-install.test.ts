// The container's production steps, without Docker: the Dockerfile's runtime stage is read (its ENV,
// COPY lines, `npm ci` line, HEALTHCHECK and CMD) and replayed in a clean directory outside the
// repository, over the build the global setup made. So the image and this test cannot drift: a path
// the runtime stage forgets to copy, a build tool that leaks into the production dependencies or a
// prepare script that fails without them fails here. Then the server starts as the image starts it,
// answers its health check and the sign-in page, and exits 0 on SIGTERM with the data lock released.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unusedPort } from '../helpers/http-server.ts';
import { REPO_ROOT, stopAllServers, tempDir } from '../helpers/server-process.ts';

interface RuntimeStage {
  workdir: string;
  env: Record<string, string>;
  /** [source relative to the repository, destination relative to WORKDIR] */
  copies: [string, string][];
  install: string[];
  healthcheck: string[];
  cmd: string[];
}

/** The last stage of the Dockerfile, in the subset of the syntax the Dockerfile uses. */
function runtimeStage(dockerfile: string): RuntimeStage {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: string[][] = [];
  for (const line of lines) {
    if (/^FROM\s/i.test(line)) stages.push([]);
    stages.at(-1)?.push(line);
  }
  const workdirOf = (stage: string[]) => stage.find((l) => /^WORKDIR\s/i.test(l))?.split(/\s+/)[1] ?? '/';
  const buildWorkdir = new Map(stages.map((s) => [/\sAS\s+(\S+)/i.exec(s[0]!)?.[1] ?? '', workdirOf(s)]));
  const stage = stages.at(-1)!;
  const workdir = workdirOf(stage);
  const stageEnv: Record<string, string> = {};
  const copies: [string, string][] = [];
  let install: string[] = [];
  let healthcheck: string[] = [];
  let cmd: string[] = [];
  for (const line of stage) {
    const [instruction, ...rest] = line.split(/\s+/);
    switch (instruction!.toUpperCase()) {
      case 'ENV':
        for (const pair of rest) {
          const [key, value] = pair.split('=');
          stageEnv[key!] = value!;
        }
        break;
      case 'COPY': {
        const from = rest.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const [source, destination, ...more] = rest.filter((w) => !w.startsWith('--'));
        expect(more, `one source per COPY: ${line}`).toEqual([]);
        // A path from the build stage is relative to its WORKDIR, which is the repository's root there.
        const base = from ? buildWorkdir.get(from) : undefined;
        const repoPath = base ? path.posix.relative(base, source!) : source!;
        copies.push([repoPath, path.posix.relative(workdir, path.posix.resolve(workdir, destination!))]);
        break;
      }
      case 'RUN': {
        const step = rest.join(' ').split('&&')[0]!.trim();
        if (step.startsWith('npm ci')) install = step.split(/\s+/).slice(1);
        break;
      }
      case 'HEALTHCHECK':
        healthcheck = JSON.parse(line.slice(line.indexOf('CMD') + 3)) as string[];
        break;
      case 'CMD':
        cmd = JSON.parse(rest.join(' ')) as string[];
        break;
    }
  }
  return { workdir, env: stageEnv, copies, install, healthcheck, cmd };
}

// npm's own variables (set when this runs under `npm test`) would steer the nested npm; its config files stay.
const KEEP_NPM = /^npm_config_(userconfig|globalconfig|cache|registry)$/i;
const cleanEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([key, value]) => value !== undefined && (!/^npm_/i.test(key) || KEEP_NPM.test(key)) && !/^(VERITY_|DATABASE_|PORT$|HOST$|NODE_ENV$|NODE_OPTIONS$)/.test(key),
    ),
  ) as Record<string, string>;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

const children = new Set<ChildProcess>();
function run(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const done = new Promise<Run>((resolve) => {
    child.once('error', (error) => (children.delete(child), resolve({ code: null, signal: null, output: `${output}\n${String(error)}` })));
    child.once('close', (code, signal) => (children.delete(child), resolve({ code, signal, output })));
  });
  return { child, done };
}

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stopAllServers(); // removes the temp directories
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('production install (the Dockerfile runtime stage, replayed)', () => {
  const stage = runtimeStage(fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
  const app = tempDir('verity-image-');
  const dataDir = tempDir('verity-image-data-');

  it('the runtime stage copies the built output, installs with --omit=dev and runs node dist/main.js as a non-root user', () => {
    const sources = stage.copies.map(([source]) => source);
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'dist', 'web/dist']));
    expect(stage.install).toContain('--omit=dev');
    expect(stage.cmd).toEqual(['node', 'dist/main.js']);
    expect(stage.env).toMatchObject({ VERITY_MODE: 'production', VERITY_DATA_DIR: '/data', HOST: '0.0.0.0' });
    const dockerfile = fs.readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.split(/^FROM /m).at(-1)).toMatch(/^USER (?!root\b|0\b)\S+/m);
    expect(app.startsWith(REPO_ROOT)).toBe(false);
  });

  it('npm ci --omit=dev over the copied build keeps it and installs no build or test tool', { timeout: 300_000 }, async () => {
    for (const [source, destination] of stage.copies) {
      const from = path.join(REPO_ROOT, source);
      expect(fs.existsSync(from), `${source} exists (the global setup builds dist/ and web/dist/)`).toBe(true);
      fs.cpSync(from, path.join(app, destination), { recursive: true });
    }
    const mainBefore = fs.readFileSync(path.join(app, 'dist/main.js'), 'utf8');
    const { done } = run('npm', ['ci', ...stage.install, '--prefer-offline'], { cwd: app, env: cleanEnv() });
    const installed = await done;
    expect(installed.code, installed.output).toBe(0);
    // prepare ran scripts/build.mjs, which found no build tools and kept the copied output.
    expect(installed.output).toMatch(/using the existing dist\/ and web\/dist\//);
    expect(fs.readFileSync(path.join(app, 'dist/main.js'), 'utf8')).toBe(mainBefore);
    for (const tool of ['tsx', 'vitest', 'typescript', 'vite', 'eslint', 'playwright-core'])
      expect(fs.existsSync(path.join(app, 'node_modules', tool)), `${tool} is not installed`).toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules/fastify/package.json'))).toBe(true);
  });

  it('starts as the image does, passes its health check, serves the sign-in page, and exits 0 on SIGTERM', { timeout: 120_000 }, async () => {
    const port = await unusedPort();
    const env = {
      ...cleanEnv(),
      ...stage.env,
      VERITY_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      VERITY_SECRET: 'production-install-test-secret-0123456789abcdef',
      LOG_LEVEL: 'warn',
    };
    const [command, ...args] = stage.cmd;
    const server = run(command === 'node' ? process.execPath : command!, args, { cwd: app, env });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    let exited = false;
    void server.done.then(() => (exited = true));
    for (;;) {
      expect(exited, 'the server exited before it served').toBe(false);
      expect(Date.now() < deadline, 'the server answered /api/status within 60 s').toBe(true);
      const status = await fetch(`${base}/api/status`).then((r) => r.status, () => 0);
      if (status === 204) break;
      await sleep(100);
    }

    const health = run(process.execPath, stage.healthcheck.slice(1), { cwd: app, env });
    expect(stage.healthcheck[0]).toBe('node');
    expect((await health.done).code, 'the HEALTHCHECK command exits 0').toBe(0);

    const page = await fetch(`${base}/sign-in`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);
    expect(fs.readFileSync(path.join(dataDir, 'verity.lock'), 'utf8').split('\n')[0]).toBe(String(server.child.pid));

    const signalled = Date.now();
    server.child.kill('SIGTERM'); // exactly the server's pid: what `docker stop` sends to PID 1
    const stopped = await server.done;
    expect({ code: stopped.code, signal: stopped.signal }, stopped.output).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(fs.existsSync(path.join(dataDir, 'verity.lock')), 'the data lock is released').toBe(false);

    // The health check fails once the server is gone (so Docker would mark the container unhealthy).
    const after = run(process.execPath, stage.healthcheck.slice(1), { cwd: app, env });
    expect((await after.done).code).toBe(1);
  });
});
