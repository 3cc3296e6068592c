// Owns the OIDC suite's baseline: the least a Fastify 5 server on the same pg driver and jose can do
// for the same two requests, without oidc-provider. Its own schema holds one table shaped like
// Verity's applications (the columns the Management API read returns, the client-secret digest and
// the Management API access flag) with one MachineToMachine row, so both servers read a like row.
//   POST /token: parses the form body and the Basic header, reads the client's row by id (one
//     SELECT), compares SHA-256(secret) with the stored digest in constant time, checks grant_type,
//     resource, scope and is_admin, and signs an ES384 at+jwt with jose (the claims Verity's
//     provider puts in: jti, sub, iat, exp, scope, client_id, iss, aud).
//   GET /api/applications/:id: verifies the bearer token with jose (ES384, issuer, audience, expiry),
//     checks scope `all`, and reads the row by id (one SELECT), answered as JSON.
// No schema validation, hooks, logging or metrics.
import crypto from 'node:crypto';
import Fastify from 'fastify';
import { SignJWT, generateKeyPair, jwtVerify } from 'jose';
import { MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE } from '../src/oidc/resources.ts';
import { building, listenLocal } from './lifecycle.ts';
import { m2mCalls, newM2mClient } from './m2m.ts';
import { bareDb } from './schema.ts';
import type { Target } from './target.ts';

const ISSUER = 'http://127.0.0.1/bench-baseline';
const TTL_SECONDS = 3600;
const COLUMNS = 'id, name, description, type, oidc_client_metadata, custom_client_metadata, custom_data, is_third_party, is_admin, created_at';
const TABLE = `CREATE TABLE applications (
  id text PRIMARY KEY, name text NOT NULL, description text, type text NOT NULL, secret_hash text,
  oidc_client_metadata jsonb NOT NULL DEFAULT '{"redirectUris": [], "postLogoutRedirectUris": []}'::jsonb,
  custom_client_metadata jsonb NOT NULL DEFAULT '{}'::jsonb, custom_data jsonb NOT NULL DEFAULT '{}'::jsonb,
  is_third_party boolean NOT NULL DEFAULT false, is_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now())`;

/** [id, secret] from an HTTP Basic header (form-decoded, RFC 6749 §2.3.1), or null. */
function basicCredentials(header: string | undefined): [string, string] | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return [decodeURIComponent(decoded.slice(0, colon)), decodeURIComponent(decoded.slice(colon + 1))];
}

function secretMatches(storedHex: string | null, secret: string): boolean {
  const stored = Buffer.from(storedHex ?? '', 'hex');
  const given = crypto.createHash('sha256').update(secret).digest();
  return stored.length === given.length && crypto.timingSafeEqual(stored, given);
}

export function startOidcBaseline(options: { databaseUrl: string; poolSize: number }): Promise<Target> {
  return building(async (down) => {
    const db = await bareDb(options.databaseUrl, 'm2m', options.poolSize, down);
    const client = newM2mClient();
    await db.query(TABLE);
    await db.query(`INSERT INTO applications (id, name, type, secret_hash, is_admin) VALUES ($1, 'bench client', 'MachineToMachine', $2, true)`, [
      client.id,
      crypto.createHash('sha256').update(client.secret).digest('hex'),
    ]);
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    const kid = crypto.randomBytes(12).toString('base64url');

    const app = Fastify();
    down.add(() => app.close());
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    app.post<{ Body: Record<string, string | undefined> }>('/token', async (request, reply) => {
      const [id, secret] = basicCredentials(request.headers.authorization) ?? ['', ''];
      const { rows } = await db.query<{ secret_hash: string | null; is_admin: boolean }>(
        'SELECT secret_hash, is_admin FROM applications WHERE id = $1',
        [id],
      );
      const row = rows[0];
      if (!row || !secretMatches(row.secret_hash, secret)) return reply.code(401).send({ error: 'invalid_client' });
      const form = request.body;
      if (form.grant_type !== 'client_credentials' || form.resource !== MANAGEMENT_API_RESOURCE) {
        return reply.code(400).send({ error: 'invalid_request' });
      }
      const scope = row.is_admin && form.scope === MANAGEMENT_API_SCOPE ? MANAGEMENT_API_SCOPE : undefined;
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ jti: crypto.randomBytes(32).toString('base64url'), scope, client_id: id })
        .setProtectedHeader({ alg: 'ES384', typ: 'at+jwt', kid })
        .setSubject(id)
        .setIssuedAt(now)
        .setExpirationTime(now + TTL_SECONDS)
        .setIssuer(ISSUER)
        .setAudience(MANAGEMENT_API_RESOURCE)
        .sign(privateKey);
      reply.header('cache-control', 'no-store');
      return { access_token: token, expires_in: TTL_SECONDS, token_type: 'Bearer', scope };
    });
    app.get<{ Params: { id: string } }>('/api/applications/:id', async (request, reply) => {
      const header = request.headers.authorization ?? '';
      const verified = await jwtVerify(header.slice('Bearer '.length), publicKey, {
        issuer: ISSUER,
        audience: MANAGEMENT_API_RESOURCE,
        algorithms: ['ES384'],
      }).catch(() => null);
      if (!verified) return reply.code(401).send({ code: 'auth.unauthorized' });
      if (verified.payload.scope !== MANAGEMENT_API_SCOPE) return reply.code(403).send({ code: 'auth.forbidden' });
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM applications WHERE id = $1`, [request.params.id]);
      return rows[0] ?? reply.code(404).send({ code: 'entity.not_exists_with_id' });
    });

    const url = await listenLocal(app);
    return { name: 'baseline', url, calls: await m2mCalls(url, '/token', client), statements: db.statements, close: () => down.run() };
  });
}
