// The text check behind every route (src/http/text-guard.ts): which strings PostgreSQL cannot store,
// where in a value the first one is, and that a hostile nesting cannot exhaust the stack.
import { describe, expect, it } from 'vitest';
import { UnstorableInputError } from '../../src/domain/errors.ts';
import { assertStorable, textProblem } from '../../src/http/text-guard.ts';

const refusal = (value: unknown, maxDepth = 64) => {
  try {
    assertStorable(value, 'body', maxDepth);
    return null;
  } catch (error) {
    if (!(error instanceof UnstorableInputError)) throw error;
    return { where: error.where, reason: error.reason };
  }
};

describe('textProblem', () => {
  it('refuses NUL and unpaired surrogates, accepts everything UTF-8 can carry', () => {
    expect(textProblem('a\u0000b')).toBe('contains U+0000 (NUL)');
    for (const lone of ['\ud800', 'a\ud800', '\ud800b', '\udc00', 'x\udfff', '\udc00\ud800', '\ud83d\ud83d\ude00x\ud800']) {
      expect(textProblem(lone), JSON.stringify(lone)).toBe('contains an unpaired UTF-16 surrogate');
    }
    for (const fine of ['', 'plain', 'Zoë', '😀', '\ud83d\ude00\ud83d\ude00', '\\', '%_', '\u0001\u007f\ufffd\uffff']) {
      expect(textProblem(fine), JSON.stringify(fine)).toBeNull();
    }
  });
});

describe('assertStorable', () => {
  it('names the first place a bad key or value is, at any depth', () => {
    expect(refusal({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({ where: 'body.a.1.c', reason: 'contains U+0000 (NUL)' });
    expect(refusal({ a: { 'b\ud800': 1 } })).toEqual({ where: 'body.a', reason: 'a key contains an unpaired UTF-16 surrogate' });
    expect(refusal({ 'odd key': { 'x\u0000y': 1 } })).toEqual({ where: 'body."odd key"', reason: 'a key contains U+0000 (NUL)' });
    expect(refusal({ a: 1, b: true, c: null, d: ['ü', 2.5] })).toBeNull();
  });

  it('accepts `maxDepth` levels of objects and arrays, not one more, and walks a hostile depth without recursion', () => {
    const nested = (levels: number): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i += 1) value = [value];
      return value;
    };
    expect(refusal(nested(5), 5)).toBeNull();
    expect(refusal(nested(6), 5)).toEqual({ where: 'body.0.0.0.0.0', reason: 'nested deeper than 5 levels' });
    // Deeper than any call stack: an iterative walk answers rather than throwing RangeError.
    expect(refusal(nested(200_000), 1_000_000)).toBeNull();
    expect(refusal(nested(200_000), 64)?.reason).toBe('nested deeper than 64 levels');
  });
});
