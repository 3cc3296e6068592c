// Owns where the load runs: in a worker thread (default) or inline on the servers' thread, and the
// CPU sampling around each run's measured window (cpu.ts).
//
// Why a worker by default: the servers (and PGlite) run on this process's main thread. An inline
// client parses every response on that same thread, taking event-loop time the server needs and
// mixing client work into the server's CPU figure. A worker gives the client its own thread; it
// still competes with PostgreSQL for the 2 cores, but through the OS scheduler, identically for
// baseline and Verity. BENCH_CLIENT=inline switches (README has the measured difference).
import { Worker } from 'node:worker_threads';
import type { Transport } from './client.ts';
import { createClient } from './client.ts';
import type { CodeBook } from './codebook.ts';
import { cpuSampler, type CpuMs, type CpuSampler } from './cpu.ts';
import type { ExperienceSpec } from './experience-flow.ts';
import { makeFlow, type CallSpec, type FlowKind } from './flows.ts';
import { runLoad, type LoadResult, type LoadSpec } from './load.ts';

export interface WorkerData {
  phones: string[];
  book: SharedArrayBuffer;
}

export interface RunRequest {
  kind: FlowKind;
  url: string;
  apiKeys?: string[];
  /** Diagnostic: spread flows over every API key and 64 client source addresses. */
  spread?: boolean;
  spec: LoadSpec;
  firstPhone: number;
  transport: Transport;
  /** What a 'call' flow sends. */
  call?: CallSpec;
  /** What an 'experience' flow does. */
  experience?: ExperienceSpec;
  /** A 'codes' flow's Management API access token. */
  bearer?: string;
}

export type WorkerMessage =
  | { type: 'mark'; which: 'start' | 'end' }
  | { type: 'done'; result: LoadResult }
  | { type: 'failed'; message: string };

export interface Measured extends LoadResult {
  cpu: CpuMs;
}

export interface Driver {
  readonly placement: 'worker' | 'inline';
  run(request: Omit<RunRequest, 'transport'>): Promise<Measured>;
  close(): Promise<void>;
}

export async function startDriver(options: {
  placement: 'worker' | 'inline';
  transport: Transport;
  phones: string[];
  book: CodeBook;
  /** The PostgreSQL backend pids whose CPU counts as the bench's (asked after each run). */
  backends: () => Promise<ReadonlySet<number>>;
}): Promise<Driver> {
  const { transport, phones, book } = options;
  const finish = async (result: LoadResult, cpu: CpuSampler): Promise<Measured> => ({
    ...result,
    cpu: cpu.result(await options.backends()),
  });
  if (options.placement === 'inline') {
    return {
      placement: 'inline',
      async run(request) {
        const client = createClient(request.url, request.spec.concurrency, transport);
        const cpu = cpuSampler();
        try {
          const flow = makeFlow(request.kind, { ...request, client, phones, book });
          return await finish(await runLoad(request.spec, flow, cpu), cpu);
        } finally {
          client.close();
        }
      },
      close: async () => undefined,
    };
  }

  // tsx's loader does not reach worker threads by itself; tsImport loads the .ts entry through it.
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./load-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  const data: WorkerData = { phones, book: book.buffer };
  const worker = new Worker(boot, { eval: true, workerData: data });
  let pending: { resolve(m: Measured): void; reject(e: unknown): void; cpu: CpuSampler } | null = null;
  worker.on('message', (message: WorkerMessage) => {
    if (!pending) return;
    if (message.type === 'mark') return message.which === 'start' ? pending.cpu.start() : pending.cpu.end();
    const done = pending;
    pending = null;
    if (message.type === 'failed') done.reject(new Error(`load worker: ${message.message}`));
    else finish(message.result, done.cpu).then(done.resolve, done.reject);
  });
  worker.on('error', (error) => pending?.reject(error));
  return {
    placement: 'worker',
    run(request) {
      if (pending) throw new Error('one run at a time');
      return new Promise<Measured>((resolve, reject) => {
        pending = { resolve, reject, cpu: cpuSampler() };
        worker.postMessage({ ...request, transport } satisfies RunRequest);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
