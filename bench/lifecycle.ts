// Owns how a server under test comes up and goes down: its teardown steps kept as it is built (run
// newest first, every one even after a failure), and listening on 127.0.0.1 on a free port.
import type { FastifyInstance } from 'fastify';

export interface Teardown {
  /** Adds a step; steps run newest first, like unwinding what was built. */
  add(step: () => Promise<unknown>): void;
  /** Runs every step, even after one fails; rethrows the first failure. */
  run(): Promise<void>;
}

function teardown(): Teardown {
  const steps: (() => Promise<unknown>)[] = [];
  return {
    add: (step) => void steps.unshift(step),
    async run() {
      let first: unknown;
      for (const step of steps.splice(0)) await step().catch((error: unknown) => (first ??= error));
      if (first) throw first;
    },
  };
}

/** Builds something that needs tearing down; when building fails, what was built is torn down. */
export async function building<T>(build: (down: Teardown) => Promise<T>): Promise<T> {
  const down = teardown();
  try {
    return await build(down);
  } catch (error) {
    await down.run().catch(() => undefined);
    throw error;
  }
}

/** Listens on 127.0.0.1 on a free port; returns the base URL. */
export async function listenLocal(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://127.0.0.1:${port}`;
}
