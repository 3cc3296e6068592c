// Owns what the fuzz test sends: a seeded generator, the hostile values (as raw JSON text and as
// URL-encoded text, so lone surrogates and NUL reach the server exactly as an attacker writes them),
// a valid-looking instance of a JSON schema, and every place in such an instance a value can go.

/** mulberry32: a small deterministic generator; one seed gives one sequence on every machine. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** `k` distinct items of `list`, in a seeded order. */
  const sample = <T>(list: readonly T[], k: number): T[] => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k);
  };
  return { next, sample };
}

/** A hostile value: `json` is raw JSON text (never re-encoded), `url` its percent-encoded form when
 *  it can appear in a URL at all. `core` values are sent everywhere; the rest are sampled. */
export interface Hostile {
  name: string;
  json: string;
  url?: string;
  core?: boolean;
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

export const HOSTILE: readonly Hostile[] = [
  { name: 'NUL inside', json: '"a\\u0000b"', url: 'a%00b', core: true },
  { name: 'NUL alone', json: '"\\u0000"', url: '%00' },
  { name: 'lone high surrogate', json: '"a\\ud800b"', url: 'a%ED%A0%80b', core: true },
  { name: 'lone low surrogate', json: '"\\udc00"', url: '%ED%B0%80', core: true },
  { name: 'reversed surrogate pair', json: '"\\udc00\\ud800"', url: '%ED%B0%80%ED%A0%80' },
  { name: 'overlong NUL', json: '"\\u00c0\\u0080"', url: '%C0%80' },
  { name: 'NUL after an invalid byte', json: '"\\u00e0\\u0000"', url: '%E0%00' },
  { name: 'invalid UTF-8 byte', json: '"\\u00ff"', url: '%FF' },
  { name: 'backslash', json: '"\\\\"', url: '%5C', core: true },
  { name: 'trailing backslash', json: '"ab\\\\"', url: 'ab%5C' },
  { name: 'LIKE wildcards', json: '"%_\\\\%"', url: '%25_%5C%25', core: true },
  { name: 'regex metacharacters', json: '"(["', url: '(%5B' },
  { name: '1e308', json: '1e308', url: '1e308', core: true },
  { name: '1e400 (Infinity)', json: '1e400', url: '1e400' },
  { name: '-1', json: '-1', url: '-1', core: true },
  { name: '2^63', json: '9223372036854775808', url: '9223372036854775808', core: true },
  { name: '2^31', json: '2147483648', url: '2147483648' },
  { name: '2^53-1', json: '9007199254740991', url: '9007199254740991', core: true },
  { name: '-(2^53-1)', json: '-9007199254740991', url: '-9007199254740991' },
  { name: 'fraction', json: '0.5', url: '0.5' },
  { name: '"NaN"', json: '"NaN"', url: 'NaN' },
  { name: '"-Infinity"', json: '"-Infinity"', url: '-Infinity' },
  { name: '"1e308"', json: '"1e308"', url: '1e308' },
  { name: 'empty string', json: '""', url: '' },
  { name: 'null', json: 'null', url: 'null' },
  { name: 'true', json: 'true', url: 'true', core: true },
  { name: 'array', json: '["x",1]' },
  { name: 'object', json: '{"a":{"b":"c"}}', core: true },
  { name: 'object with NUL key', json: '{"a\\u0000":1}' },
  { name: 'object with surrogate value deep inside', json: '{"a":[{"b":"\\ud800"}]}' },
  { name: 'long string', json: JSON.stringify('x'.repeat(20_000)), url: 'x'.repeat(4000) },
  { name: 'long string with NUL at the end', json: `"${'y'.repeat(5000)}\\u0000"`, url: `${'y'.repeat(2000)}%00` },
  { name: '5000-level array', json: deep(5000), core: true },
  { name: '3000-level object', json: `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}` },
  { name: 'valid non-ASCII', json: '"ü😀"', url: '%C3%BC%F0%9F%98%80' },
];

/** The hostile values a slot gets: every core value, and `extra` more drawn with the generator. */
export function hostileFor(random: ReturnType<typeof seeded>, extra: number, inUrl: boolean): Hostile[] {
  const usable = HOSTILE.filter((h) => !inUrl || h.url !== undefined);
  const core = usable.filter((h) => h.core);
  return [...core, ...random.sample(usable.filter((h) => !h.core), extra)];
}

// --- valid-looking instances of the documented schemas -------------------------------------------

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  minLength?: number;
  additionalProperties?: JsonSchema | boolean;
}

// Strings that satisfy the patterns the API documents (username, email, phone, colour, language…);
// the first one a pattern accepts is used.
const CANDIDATES = ['fuzz_user', 'fuzz@example.com', '15551230000', '#abcdef', 'en', '2b5c7a6e-4f1d-4c3b-9a2e-1f0d3c5b7a9e', 'abcd1234'];

function stringFor(schema: JsonSchema, name: string): string {
  if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/fuzz';
  if (schema.format === 'email') return 'fuzz@example.com';
  if (schema.format === 'uuid') return CANDIDATES[5]!;
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u');
    const fit = CANDIDATES.find((c) => pattern.test(c));
    if (fit) return fit;
  }
  if (/template/i.test(name)) return 'Your code is {{pin}}';
  if (/phone/i.test(name)) return '+14155550123';
  if (/email/i.test(name)) return 'fuzz@example.com';
  return 'x'.repeat(Math.max(3, schema.minLength ?? 0));
}

/** A valid-looking instance: required properties only, the first enum value, the first union branch;
 *  `hints` gives the value of a property by name (ids the test made, names the server knows). */
export function instanceOf(schema: JsonSchema | undefined, name = '', hints: Record<string, unknown> = {}): unknown {
  if (name in hints) return hints[name];
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const branch = schema.anyOf ?? schema.oneOf;
  if (branch) return instanceOf(branch.find((b) => b.type !== 'null') ?? branch[0], name, hints);
  if (schema.allOf) return instanceOf(schema.allOf[0], name, hints);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = instanceOf(schema.properties?.[key], key, hints);
      return out;
    }
    case 'array':
      return [instanceOf(schema.items, '', hints)];
    case 'string':
      return stringFor(schema, name);
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    default:
      return {};
  }
}

/** Every place a value can go in bodies of this schema, as property paths (arrays as index 0),
 *  to `maxDepth` levels: documented properties, and one undocumented key in free-form objects. */
export function slotsOf(schema: JsonSchema | undefined, maxDepth = 3, prefix: (string | number)[] = []): (string | number)[][] {
  if (!schema || prefix.length >= maxDepth) return [];
  const branch = schema.anyOf ?? schema.oneOf;
  if (branch) return slotsOf(branch.find((b) => b.type !== 'null') ?? branch[0], maxDepth, prefix);
  const out: (string | number)[][] = [];
  if (schema.properties) {
    for (const [key, child] of Object.entries(schema.properties)) {
      out.push([...prefix, key]);
      out.push(...slotsOf(child, maxDepth, [...prefix, key]));
    }
  }
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) out.push([...prefix, 'fuzzKey']);
  if (schema.items) {
    out.push([...prefix, 0]);
    out.push(...slotsOf(schema.items, maxDepth, [...prefix, 0]));
  }
  return out;
}

const MARK = '@@fuzz-slot@@';

/** JSON text of `base` with the value at `path` replaced by raw JSON text (creating the path). */
export function withRawValue(base: unknown, path: readonly (string | number)[], rawJson: string): string {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      node[key] = MARK;
      break;
    }
    const child = node[key];
    if (child === null || typeof child !== 'object') node[key] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  return JSON.stringify(path.length === 0 ? MARK : copy).replace(`"${MARK}"`, () => rawJson);
}
