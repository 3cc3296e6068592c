// connectors/guard.ts as a state machine with a scripted connector and a moved clock: the breaker
// opens on consecutive unavailability only, half-opens for exactly one trial, and closes or reopens
// on its outcome; the queue is bounded in length and in time.
import { describe, expect, it } from 'vitest';
import { guardSender, type GuardSettings } from '../../src/connectors/guard.ts';
import type { OutboundMessage, Sender } from '../../src/connectors/types.ts';
import { DeliveryError } from '../../src/domain/errors.ts';

const settings: GuardSettings = { maxConcurrent: 1, queueLimit: 1, queueMs: 50, failureThreshold: 2, openMs: 1000 };
const message: OutboundMessage = { channel: 'sms', to: '+15005550006', text: 'code 123456', code: '123456', purpose: 'otp' };

/** A connector whose next answers are scripted: 'ok', 'down' (unavailable), 'no' (rejected) or 'hang'. */
function scripted() {
  const plan: Array<'ok' | 'down' | 'no' | 'hang'> = [];
  const hanging: Array<() => void> = [];
  let calls = 0;
  const sender: Sender = {
    name: 'fake',
    channel: 'sms',
    async send() {
      calls += 1;
      const next = plan.shift() ?? 'ok';
      if (next === 'down') throw new DeliveryError('fake', 'fake answered HTTP 503');
      if (next === 'no') throw new DeliveryError('fake', 'fake refused the number', { kind: 'rejected' });
      if (next === 'hang') await new Promise<void>((resolve) => hanging.push(resolve));
      return {};
    },
  };
  return { sender, plan, calls: () => calls, finishHanging: () => hanging.splice(0).forEach((f) => f()) };
}

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('circuit breaker', () => {
  it('opens after consecutive unavailability, half-opens for one trial, closes on its success', async () => {
    const c = clock();
    const gw = scripted();
    const guarded = guardSender(gw.sender, settings, c.now);
    gw.plan.push('down', 'down');
    await expect(guarded.send(message)).rejects.toThrow(/503/);
    expect(guarded.state()).toBe('closed');
    await expect(guarded.send(message)).rejects.toThrow(/503/);
    expect(guarded.state()).toBe('open');
    expect(guarded.ready()).toBe(false);
    await expect(guarded.send(message)).rejects.toThrow(/circuit open/);
    expect(gw.calls()).toBe(2);

    c.advance(1000);
    expect(guarded.state()).toBe('half-open');
    expect(guarded.ready()).toBe(true);
    gw.plan.push('hang');
    const trial = guarded.send(message);
    // While the one trial runs, nothing else is let through.
    expect(guarded.ready()).toBe(false);
    await expect(guarded.send(message)).rejects.toThrow(/trial send is running/);
    gw.finishHanging();
    await trial;
    expect(guarded.state()).toBe('closed');
    expect(gw.calls()).toBe(3);
  });

  it('a failed trial opens it again for the full period', async () => {
    const c = clock();
    const gw = scripted();
    const guarded = guardSender(gw.sender, settings, c.now);
    gw.plan.push('down', 'down', 'down');
    await expect(guarded.send(message)).rejects.toThrow();
    await expect(guarded.send(message)).rejects.toThrow();
    c.advance(1000);
    await expect(guarded.send(message)).rejects.toThrow(/503/);
    expect(guarded.state()).toBe('open');
    c.advance(999);
    expect(guarded.state()).toBe('open');
    c.advance(1);
    expect(guarded.state()).toBe('half-open');
  });

  it('a refused message does not count: the gateway is up', async () => {
    const gw = scripted();
    const guarded = guardSender(gw.sender, settings, clock().now);
    gw.plan.push('down', 'no', 'down', 'no');
    for (let i = 0; i < 4; i += 1) await expect(guarded.send(message)).rejects.toThrow();
    expect(guarded.state()).toBe('closed');
  });
});

describe('bounded concurrency', () => {
  it('one in flight, one waiting; a third fails at once and the waiter fails after queueMs', async () => {
    const gw = scripted();
    const guarded = guardSender(gw.sender, settings, clock().now);
    gw.plan.push('hang');
    const first = guarded.send(message);
    const waiting = guarded.send(message);
    await expect(guarded.send(message)).rejects.toThrow(/too many messages waiting/);
    await expect(waiting).rejects.toThrow(/no free slot within 50 ms/);
    expect(gw.calls()).toBe(1);
    gw.finishHanging();
    await first;
    // The slot is free again; busy refusals did not open the breaker.
    await guarded.send(message);
    expect(gw.calls()).toBe(2);
    expect(guarded.state()).toBe('closed');
  });

  it('a waiter gets the slot the moment it is released', async () => {
    const gw = scripted();
    const guarded = guardSender(gw.sender, { ...settings, queueMs: 5000 }, clock().now);
    gw.plan.push('hang');
    const first = guarded.send(message);
    const second = guarded.send(message);
    await Promise.resolve();
    gw.finishHanging();
    await first;
    await second;
    expect(gw.calls()).toBe(2);
  });
});
