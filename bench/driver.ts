// Owns where the load runs and what it costs: in a worker thread (default) or inline on the servers'
// thread, with CPU sampled over the measured window: the main thread's busy time (the servers, plus
// the client when inline) from event-loop utilisation, and the whole machine's from os.cpus().
//
// Why a worker by default: the servers (and PGlite) run on this process's main thread. An inline
// client parses every response on that same thread, so at concurrency 16+ it takes a large share of
// the event loop the server needs. A worker gives the client its own thread; it still competes with
// PostgreSQL for the 2 cores, but through the OS scheduler, identically for baseline and Verity.
// BENCH_CLIENT=inline switches (see README for the measured difference).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Transport } from './client.ts';
import { createClient } from './client.ts';
import type { CodeBook } from './codebook.ts';
import { makeFlow, type FlowKind } from './flows.ts';
import { runLoad, type LoadResult, type LoadSpec, type Marks } from './load.ts';

export interface WorkerData {
  phones: string[];
  book: SharedArrayBuffer;
}

export interface RunRequest {
  kind: FlowKind;
  url: string;
  apiKey?: string;
  spec: LoadSpec;
  firstPhone: number;
  transport: Transport;
}

export type WorkerMessage =
  | { type: 'mark'; which: 'start' | 'end' }
  | { type: 'done'; result: LoadResult }
  | { type: 'failed'; message: string };

export interface Measured extends LoadResult {
  /** Main-thread busy ms inside the window (event-loop utilisation × window). */
  mainBusyMs: number;
  /** CPU ms of every core inside the window (all processes: client, servers, PostgreSQL, others). */
  machineBusyMs: number;
}

export interface Driver {
  readonly placement: 'worker' | 'inline';
  run(request: Omit<RunRequest, 'transport'>): Promise<Measured>;
  close(): Promise<void>;
}

const machineBusy = () => os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);

/** Share of all cores busy over `ms` while the bench itself is idle: other processes' load. */
export async function backgroundLoad(ms = 300): Promise<number> {
  const before = machineBusy();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (machineBusy() - before) / ((performance.now() - started) * os.cpus().length);
}

/** Samples CPU between the two marks. */
function cpuSampler(): Marks & { result(): { mainBusyMs: number; machineBusyMs: number } } {
  let elu = performance.eventLoopUtilization();
  let machine = machineBusy();
  let totals = { mainBusyMs: 0, machineBusyMs: 0 };
  return {
    start() {
      elu = performance.eventLoopUtilization();
      machine = machineBusy();
    },
    end() {
      const delta = performance.eventLoopUtilization(elu);
      totals = { mainBusyMs: delta.active, machineBusyMs: machineBusy() - machine };
    },
    result: () => totals,
  };
}

export async function startDriver(options: {
  placement: 'worker' | 'inline';
  transport: Transport;
  phones: string[];
  book: CodeBook;
}): Promise<Driver> {
  const { transport, phones, book } = options;
  if (options.placement === 'inline') {
    return {
      placement: 'inline',
      async run(request) {
        const client = createClient(request.url, request.spec.concurrency, transport);
        const cpu = cpuSampler();
        try {
          const flow = makeFlow(request.kind, { client, phones, firstPhone: request.firstPhone, book, apiKey: request.apiKey });
          const result = await runLoad(request.spec, flow, cpu);
          return { ...result, ...cpu.result() };
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
  let pending: { resolve(m: Measured): void; reject(e: Error): void; cpu: ReturnType<typeof cpuSampler> } | null = null;
  worker.on('message', (message: WorkerMessage) => {
    if (!pending) return;
    if (message.type === 'mark') return message.which === 'start' ? pending.cpu.start() : pending.cpu.end();
    const done = pending;
    pending = null;
    if (message.type === 'failed') done.reject(new Error(`load worker: ${message.message}`));
    else done.resolve({ ...message.result, ...done.cpu.result() });
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
