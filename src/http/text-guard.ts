// Owns the one check that keeps text PostgreSQL cannot store away from every route: U+0000 (NUL)
// anywhere, unpaired UTF-16 surrogates (JSON `\ud800` escapes decode to them; UTF-8 cannot carry
// them), and JSON nested deeper than VERITY_JSON_MAX_DEPTH. It runs before validation on what routes
// read: path parameters, query keys and values, headers, and parsed bodies (keys and values at any
// depth). The OIDC mount (http/oidc.ts) applies the same check to what the provider itself parses.
// Throws UnstorableInputError; http/errors.ts answers it with the family's 400.
import type { FastifyInstance } from 'fastify';
import { UnstorableInputError } from '../domain/errors.ts';

const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function textProblem(text: string): string | null {
  const found = UNSTORABLE.exec(text);
  if (!found) return null;
  return found[0] === '\0' ? 'contains U+0000 (NUL)' : 'contains an unpaired UTF-16 surrogate';
}

interface Trail {
  key: string;
  parent: Trail | null;
}

function pathOf(trail: Trail | null, root: string): string[] {
  const keys: string[] = [];
  for (let t = trail; t; t = t.parent) keys.push(t.key);
  return [root, ...keys.reverse()];
}

/**
 * Throws UnstorableInputError for the first key or string value in `value` that cannot be stored,
 * or for nesting deeper than `maxDepth`. Iterative, and stops at `maxDepth`: a hostile body cannot
 * exhaust the stack or make the walk expensive.
 */
export function assertStorable(value: unknown, root: string, maxDepth: number): void {
  const pending: { node: unknown; trail: Trail | null; depth: number }[] = [{ node: value, trail: null, depth: 0 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { node, trail, depth } = item;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) throw new UnstorableInputError(pathOf(trail, root), problem);
      continue;
    }
    if (node === null || typeof node !== 'object' || Buffer.isBuffer(node)) continue;
    if (depth >= maxDepth) throw new UnstorableInputError(pathOf(trail, root), `nested deeper than ${maxDepth} levels`);
    for (const [key, child] of Object.entries(node)) {
      const problem = textProblem(key);
      if (problem) throw new UnstorableInputError(pathOf(trail, root), `a key ${problem}`);
      pending.push({ node: child, trail: { key, parent: trail }, depth: depth + 1 });
    }
  }
}

/** The check on every route, before its schema validation (and before any handler reads input). */
export function registerTextGuard(app: FastifyInstance, options: { maxDepth: number }) {
  app.addHook('preValidation', async (request) => {
    assertStorable(request.params, 'path', options.maxDepth);
    assertStorable(request.query, 'query', options.maxDepth);
    assertStorable(request.headers, 'header', options.maxDepth);
    if (request.body !== undefined) assertStorable(request.body, 'body', options.maxDepth);
  });
}
