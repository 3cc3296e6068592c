// The per-key request counter: cheap in-memory counting far from the limit, exact totals near it,
// and a limit that holds when two processes (two counters on one database) share a key.
import { describe, expect, it } from 'vitest';
import { windowOf } from '../../src/domain/policy.ts';
import { createRequestCounter } from '../../src/domain/request-counter.ts';
import { testClock } from '../helpers/clock.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();

const total = async (bucket: string) =>
  (await t.db.query<{ hits: number }>('SELECT coalesce(sum(hits), 0)::int AS hits FROM rate_counters WHERE bucket = $1', [bucket]))[0]!
    .hits;

describe('request counter', () => {
  it('counts far from the limit in memory and writes the total on flush', async () => {
    const clock = testClock();
    const counter = createRequestCounter({ db: t.db, clock });
    const window = windowOf('key:fast', 1000, 60, clock.now());
    const seen = [];
    for (let i = 0; i < 50; i += 1) seen.push(await counter.hit(window));
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await total('key:fast')).toBe(1); // only the first request was written through
    await counter.close();
    expect(await total('key:fast')).toBe(50);
  });

  it('two processes sharing a key allow exactly the limit', async () => {
    const clock = testClock();
    const a = createRequestCounter({ db: t.db, clock });
    const b = createRequestCounter({ db: t.db, clock });
    const window = windowOf('key:shared', 40, 60, clock.now());
    let allowed = 0;
    for (let i = 0; i < 100; i += 1) if ((await (i % 2 ? a : b).hit(window)) <= 40) allowed += 1;
    expect(allowed).toBe(40);
    await Promise.all([a.close(), b.close()]);
    expect(await total('key:shared')).toBe(100);
  });

  it('parallel hits near the limit are exact', async () => {
    const clock = testClock();
    const counter = createRequestCounter({ db: t.db, clock });
    const window = windowOf('key:parallel', 10, 60, clock.now());
    const results = await Promise.all(Array.from({ length: 30 }, () => counter.hit(window)));
    expect(results.filter((n) => n <= 10)).toHaveLength(10);
    await counter.close();
    expect(await total('key:parallel')).toBe(30);
  });
});
