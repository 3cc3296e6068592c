// Owns how hard one connector may be pushed and when to stop pushing it. At most `maxConcurrent`
// sends are in flight; later ones wait in a bounded queue for at most `queueMs` and then fail at
// once, so a gateway that hangs holds a few sockets, not every request. A circuit breaker opens
// after `failureThreshold` consecutive failures that say the gateway is unavailable (no answer,
// timeout, 5xx, 429 — DeliveryError.kind 'unavailable'); while open, every send fails at once
// without a request. After `openMs` one trial send goes through (half-open): its success closes the
// breaker, its failure opens it again. A refusal of one message (kind 'rejected', e.g. a 400 about
// the number) means the gateway is up and does not count. State is per process and per built
// connector (a changed configuration starts closed).
import type { Config } from '../config/index.ts';
import { DeliveryError } from '../domain/errors.ts';
import type { OutboundMessage, Sender, SendResult } from './types.ts';

export interface GuardSettings {
  maxConcurrent: number;
  /** Sends that may wait for a slot; more fail at once. */
  queueLimit: number;
  /** How long a send waits for a slot. */
  queueMs: number;
  failureThreshold: number;
  openMs: number;
}

/** The settings from configuration. */
export function guardSettingsOf(
  config: Pick<
    Config,
    'VERITY_CONNECTOR_MAX_CONCURRENCY' | 'VERITY_CONNECTOR_QUEUE_MS' | 'VERITY_CONNECTOR_BREAKER_FAILURES' | 'VERITY_CONNECTOR_BREAKER_SECONDS'
  >,
): GuardSettings {
  return {
    maxConcurrent: config.VERITY_CONNECTOR_MAX_CONCURRENCY,
    queueLimit: 10 * config.VERITY_CONNECTOR_MAX_CONCURRENCY,
    queueMs: config.VERITY_CONNECTOR_QUEUE_MS,
    failureThreshold: config.VERITY_CONNECTOR_BREAKER_FAILURES,
    openMs: config.VERITY_CONNECTOR_BREAKER_SECONDS * 1000,
  };
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface GuardedSender extends Sender {
  /** Whether a send now would be attempted (closed breaker or a free half-open trial, queue not full). */
  ready(): boolean;
  state(): BreakerState;
}

/** `now` is a milliseconds clock (tests pass their own). */
export function guardSender(sender: Sender, settings: GuardSettings, now: () => number = Date.now): GuardedSender {
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  let consecutiveFailures = 0;
  let openedAt: number | null = null;
  let trialRunning = false;

  const state = (): BreakerState => {
    if (openedAt === null) return 'closed';
    return now() - openedAt >= settings.openMs ? 'half-open' : 'open';
  };
  const refuse = (why: string) => new DeliveryError(sender.name, `${sender.name} ${why}`, { kind: 'unavailable' });

  function acquire(): Promise<void> {
    if (inFlight < settings.maxConcurrent) {
      inFlight += 1;
      return Promise.resolve();
    }
    if (waiting.length >= settings.queueLimit) return Promise.reject(refuse('is busy: too many messages waiting'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(granted), 1);
        reject(refuse(`is busy: no free slot within ${settings.queueMs} ms`));
      }, settings.queueMs);
      const granted = () => {
        clearTimeout(timer);
        resolve();
      };
      waiting.push(granted);
    });
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else inFlight -= 1;
  }

  function settle(error: unknown): void {
    const unavailable = !(error instanceof DeliveryError) || error.kind === 'unavailable';
    if (error === undefined || !unavailable) {
      consecutiveFailures = 0;
      openedAt = null;
      return;
    }
    consecutiveFailures += 1;
    if (consecutiveFailures >= settings.failureThreshold || openedAt !== null) openedAt = now();
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    const current = state();
    if (current === 'open') throw refuse('is failing: circuit open, not sending');
    const trial = current === 'half-open';
    if (trial) {
      if (trialRunning) throw refuse('is failing: circuit open, a trial send is running');
      trialRunning = true;
    }
    try {
      await acquire();
      try {
        const result = await sender.send(message);
        settle(undefined);
        return result;
      } catch (error) {
        settle(error);
        throw error;
      } finally {
        release();
      }
    } finally {
      if (trial) trialRunning = false;
    }
  }

  return {
    name: sender.name,
    channel: sender.channel,
    send,
    state,
    ready: () => {
      const current = state();
      if (current === 'open' || (current === 'half-open' && trialRunning)) return false;
      return inFlight < settings.maxConcurrent || waiting.length < settings.queueLimit;
    },
  };
}
