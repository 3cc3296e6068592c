// Owns the Prometheus metrics: HTTP requests by route and status, codes by outcome, deliveries by
// outcome. One registry per app instance, so several apps in one test process do not collide.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
  codes: Counter<'event' | 'channel'>;
  deliveries: Counter<'channel' | 'connector' | 'outcome'>;
  callbacks: Counter<'outcome'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'verity_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'verity_http_request_duration_seconds',
      help: 'HTTP request latency by route and status (the _count series counts requests).',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    codes: new Counter({
      name: 'verity_codes_total',
      help: 'Verification codes by event: sent, verified, failed (wrong code), expired, cancelled.',
      labelNames: ['event', 'channel'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'verity_deliveries_total',
      help: 'Messages handed to connectors, by outcome (delivered, failed).',
      labelNames: ['channel', 'connector', 'outcome'],
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'verity_callbacks_total',
      help: 'Status callback deliveries by outcome (delivered, retry, refused: the address is not allowed, failed for good; unsignable: the callback secret cannot be opened, retried).',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
