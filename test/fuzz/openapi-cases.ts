// Owns the fuzz requests derived from the OpenAPI document: for every path × method, a valid-looking
// base request (real ids in the path, a body built from the route's schema), then one hostile value
// at a time in each path id, each documented query parameter (and as a repeated one, and in parameter
// names), each body property to three levels and the whole body, with credentials and without.
import { hostileFor, instanceOf, slotsOf, withRawValue, type Hostile, type JsonSchema, type seeded } from './inputs.ts';
import type { FuzzRequest } from './oidc-cases.ts';

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

export interface Credentials {
  /** Headers proving each security scheme of the document, by scheme name. */
  headersFor(scheme: string): Record<string, string>;
  /** The real id a path parameter takes in the base request. */
  pathValue(path: string, parameter: string): string;
  /** Body property values by name, for base bodies that reach past validation. */
  bodyHints: Record<string, unknown>;
}

const familyOf = (path: string): FuzzRequest['family'] => (path === '/otp' || path.startsWith('/otp/') ? 'otp' : 'logto');

/** Every (path, method) of the document, DELETEs last so the ids other routes use live until then. */
export function operationsOf(doc: OpenApiDocument): { path: string; method: string; op: Operation }[] {
  const all = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
  return [...all.filter((o) => o.method !== 'DELETE'), ...all.filter((o) => o.method === 'DELETE')];
}

/** The requests for one operation; `authenticated` picks credentials or none. */
export function operationCases(
  { path, method, op }: { path: string; method: string; op: Operation },
  creds: Credentials,
  random: ReturnType<typeof seeded>,
  options: { authenticated: boolean; extraPerSlot: number },
): FuzzRequest[] {
  const family = familyOf(path);
  const auth = options.authenticated ? Object.assign({}, ...(op.security ?? []).map((s) => creds.headersFor(Object.keys(s)[0]!))) : {};
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
  const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  const baseBody = bodySchema ? instanceOf(bodySchema, '', creds.bodyHints) : undefined;
  const values = (inUrl: boolean): Hostile[] =>
    options.authenticated ? hostileFor(random, options.extraPerSlot, inUrl) : hostileFor(random, 0, inUrl).filter((h) => /NUL|surrogate/.test(h.name));

  const urlWith = (override: Record<string, string>, query = '') => {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? encodeURIComponent(creds.pathValue(path, name)));
    return query ? `${filled}?${query}` : filled;
  };
  const cases: FuzzRequest[] = [];
  const add = (label: string, url: string, body?: string | Buffer, malformedJson = false) =>
    cases.push({
      label: `${method} ${path}${options.authenticated ? '' : ' (no credentials)'}: ${label}`,
      method,
      path: url,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body }),
      family,
      malformedJson,
    });
  const baseJson = baseBody === undefined ? undefined : JSON.stringify(baseBody);

  // The base request gives each required query parameter its hint (E5's email).
  const required = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required && typeof creds.bodyHints[p.name] === 'string');
  const baseQuery = required.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(creds.bodyHints[p.name] as string)}`).join('&');
  add('base', urlWith({}, baseQuery), baseJson);
  for (const name of pathParams) for (const h of values(true)) add(`path ${name}=${h.name}`, urlWith({ [name]: h.url || 'x' }), baseJson);
  for (const name of queryParams) {
    for (const h of values(true)) add(`query ${name}=${h.name}`, urlWith({}, `${encodeURIComponent(name)}=${h.url}`), baseJson);
    if (options.authenticated) add(`query ${name} repeated`, urlWith({}, `${encodeURIComponent(name)}=1&${encodeURIComponent(name)}=%00`), baseJson);
  }
  for (const key of options.authenticated ? ['a%00b', '%ED%A0%80', 'search.%00', 'search.x%5C'] : ['a%00b']) add(`query name ${key}`, urlWith({}, `${key}=1`), baseJson);
  if (baseBody !== undefined) {
    for (const slot of slotsOf(bodySchema)) for (const h of values(false)) add(`body ${slot.join('.')}=${h.name}`, urlWith({}), withRawValue(baseBody, slot, h.json));
    for (const h of values(false)) add(`whole body ${h.name}`, urlWith({}), h.json);
    if (options.authenticated) {
      add('body with raw invalid UTF-8', urlWith({}), Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from('"}')]));
      add('truncated JSON', urlWith({}), '{"a":', true);
    }
  }
  return cases;
}
