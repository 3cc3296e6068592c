// The load generator's thread: runs one load spec at a time as driver.ts asks, with its own HTTP
// client, and reports the window marks and the result back. Started by driver.ts through tsx.
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from './client.ts';
import { codeBook } from './codebook.ts';
import { makeFlow } from './flows.ts';
import { runLoad } from './load.ts';
import type { RunRequest, WorkerData, WorkerMessage } from './driver.ts';

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread');
const data = workerData as WorkerData;
const book = codeBook(data.book);
const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', (request: RunRequest) => {
  const client = createClient(request.url, request.spec.concurrency, request.transport);
  const flow = makeFlow(request.kind, { ...request, client, phones: data.phones, book });
  const marks = { start: () => send({ type: 'mark', which: 'start' }), end: () => send({ type: 'mark', which: 'end' }) };
  runLoad(request.spec, flow, marks)
    .then((result) => send({ type: 'done', result }, [result.latencies.buffer as ArrayBuffer]))
    .catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => client.close());
});
