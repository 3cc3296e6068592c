// /api/users (management-core-api.md §3) over HTTP with a real Management API token and a real
// database: shapes, statuses, conflicts decided by the unique indexes, passwords and imported digests.
import crypto from 'node:crypto';
import { hashSync } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2ID } from '../../src/crypto/passwords.ts';
import { useTestApp } from '../helpers/app.ts';
import { managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
let token: string | undefined;

async function api(method: string, path: string, body?: unknown, bearer?: string) {
  token ??= await managementToken(t);
  const response = await fetch(`${t.url}/api/users${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer ?? token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

const tag = () => crypto.randomBytes(4).toString('hex');
const uniq = () => {
  const x = tag();
  return { username: `u_${x}`, primaryEmail: `user.${x}@example.com`, primaryPhone: `1555${parseInt(x, 16) % 10_000_000}` };
};
const create = async (body: Record<string, unknown> = {}) => {
  const res = await api('POST', '', { ...uniq(), ...body });
  expect(res.status).toBe(200);
  return res.body;
};
const storedHash = async (id: string) =>
  (await t.db.query<{ password_hash: string | null }>('SELECT password_hash FROM users WHERE id = $1', [id]))[0]!.password_hash;

const USER_KEYS = [
  'applicationId', 'avatar', 'createdAt', 'customData', 'hasPassword', 'id', 'identities', 'isSuspended', 'lastSignInAt',
  'name', 'primaryEmail', 'primaryPhone', 'profile', 'updatedAt', 'username',
];

describe('POST /api/users (U1)', () => {
  it('creates a user: 200 with the documented shape, never the password hash', async () => {
    const input = uniq();
    const res = await api('POST', '', {
      ...input, password: 'pw', name: 'Ann', avatar: 'https://example.com/a.png',
      customData: { plan: 'pro', nested: { a: 1 } }, profile: { givenName: 'Ann', address: { country: 'NL' }, junk: 1 }, extra: true,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
    expect(res.body).toMatchObject({
      ...input, name: 'Ann', avatar: 'https://example.com/a.png', customData: { plan: 'pro', nested: { a: 1 } },
      profile: { givenName: 'Ann', address: { country: 'NL' } }, identities: {}, applicationId: null, lastSignInAt: null,
      isSuspended: false, hasPassword: true, createdAt: t.clock.now().getTime(), updatedAt: t.clock.now().getTime(),
    });
    expect(res.body.profile.junk).toBeUndefined();
    expect(res.body.id).toMatch(/^[a-z0-9]{12}$/);
    expect(await storedHash(res.body.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('an empty body is a user with nothing set', async () => {
    const res = await api('POST', '', {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: null, primaryEmail: null, primaryPhone: null, hasPassword: false, customData: {}, profile: {} });
  });

  it('400 guard.invalid_input for malformed fields', async () => {
    for (const body of [
      { username: '1abc' }, { username: 'a-b' }, { primaryEmail: 'nope' }, { primaryPhone: '+15551234' }, { password: '' },
      { avatar: 'not a url' }, { customData: [] }, { passwordDigest: 'x', passwordAlgorithm: 'ROT13' }, { name: 'x'.repeat(129) },
    ]) {
      const res = await api('POST', '', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('guard.invalid_input');
    }
  });

  it('password rules: both → password_and_digest; digest alone → password_algorithm_required; Bcrypt refused', async () => {
    expect((await api('POST', '', { password: 'a', passwordDigest: 'b', passwordAlgorithm: 'MD5' })).body.code).toBe('user.password_and_digest');
    const res = await api('POST', '', { passwordDigest: 'abc' });
    expect(res).toMatchObject({ status: 400, body: { code: 'user.password_algorithm_required' } });
    const bcrypt = await api('POST', '', { passwordDigest: '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', passwordAlgorithm: 'Bcrypt' });
    expect(bcrypt).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    expect((await api('POST', '', { passwordDigest: 'abc', passwordAlgorithm: 'SHA256' })).body.code).toBe('guard.invalid_input');
  });

  it('422 for a taken username (exact), email (any case) or phone', async () => {
    const taken = await create();
    expect((await api('POST', '', { username: taken.username })).body.code).toBe('user.username_already_in_use');
    const email = await api('POST', '', { primaryEmail: taken.primaryEmail.toUpperCase() });
    expect(email).toMatchObject({ status: 422, body: { code: 'user.email_already_in_use' } });
    expect((await api('POST', '', { primaryPhone: taken.primaryPhone })).body.code).toBe('user.phone_already_in_use');
    // usernames are case-sensitive
    expect((await api('POST', '', { username: taken.username.toUpperCase() })).status).toBe(200);
  });

  it('10 parallel creates with one email (varying case): exactly one 200, nine 422', async () => {
    const email = `race.${tag()}@example.com`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api('POST', '', { primaryEmail: i % 2 ? email.toUpperCase() : email })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422 && r.body.code === 'user.email_already_in_use')).toHaveLength(9);
    const rows = await t.db.query('SELECT id FROM users WHERE lower(primary_email) = $1', [email]);
    expect(rows).toHaveLength(1);
  });

  it('401 without a token', async () => {
    const res = await fetch(`${t.url}/api/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('auth.authorization_header_missing');
  });
});

describe('GET /api/users/{id} (U3), PATCH (U4), DELETE (U5)', () => {
  it('gets a user; 404 entity.not_found for an unknown id; includeSsoIdentities adds the list', async () => {
    const user = await create();
    expect(await api('GET', `/${user.id}`)).toMatchObject({ status: 200, body: user });
    expect((await api('GET', `/${user.id}?includeSsoIdentities=true`)).body.ssoIdentities).toEqual([]);
    expect(await api('GET', '/zzzzzzzzzzzz')).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
  });

  it('PATCH replaces the fields it carries, clears with "" or null, keeps the rest', async () => {
    const user = await create({ name: 'Old', customData: { a: 1, b: 2 }, profile: { nickname: 'n' } });
    t.clock.advance(1000);
    const fresh = uniq();
    const res = await api('PATCH', `/${user.id}`, { username: fresh.username, primaryEmail: '', primaryPhone: null, customData: { c: 3 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      username: fresh.username, primaryEmail: null, primaryPhone: null, name: 'Old', customData: { c: 3 }, profile: { nickname: 'n' },
      createdAt: user.createdAt, updatedAt: user.updatedAt + 1000,
    });
  });

  it('PATCH conflicts only with other users; 404; 400 guard.invalid_input', async () => {
    const [a, b] = [await create(), await create()];
    expect((await api('PATCH', `/${a.id}`, { username: a.username, primaryEmail: a.primaryEmail.toUpperCase() })).status).toBe(200);
    expect((await api('PATCH', `/${a.id}`, { primaryEmail: b.primaryEmail.toUpperCase() })).body.code).toBe('user.email_already_in_use');
    expect((await api('PATCH', `/${a.id}`, { username: b.username })).body.code).toBe('user.username_already_in_use');
    expect((await api('PATCH', `/${a.id}`, { primaryPhone: b.primaryPhone })).status).toBe(422);
    expect((await api('PATCH', '/zzzzzzzzzzzz', { name: 'x' })).status).toBe(404);
    expect((await api('PATCH', `/${a.id}`, { primaryPhone: 'abc' })).body.code).toBe('guard.invalid_input');
  });

  it('DELETE: 204, then 404; the caller cannot delete itself', async () => {
    const user = await create();
    expect(await api('DELETE', `/${user.id}`)).toMatchObject({ status: 204, body: null });
    expect((await api('GET', `/${user.id}`)).status).toBe(404);
    expect((await api('DELETE', `/${user.id}`)).body.code).toBe('entity.not_found');
    token ??= await managementToken(t);
    const sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
    expect(await api('DELETE', `/${sub}`)).toMatchObject({ status: 400, body: { code: 'user.cannot_delete_self' } });
  });
});

describe('passwords (U6, U7, U8)', () => {
  it('set, check, wrong password, has-password', async () => {
    const user = await create();
    expect(await api('GET', `/${user.id}/has-password`)).toMatchObject({ status: 200, body: { hasPassword: false } });
    expect(await api('POST', `/${user.id}/password/verify`, { password: 'x' })).toMatchObject({
      status: 422, body: { code: 'session.invalid_credentials' },
    });
    const set = await api('PATCH', `/${user.id}/password`, { password: 'n3w pässword' });
    expect(set).toMatchObject({ status: 200, body: { id: user.id, hasPassword: true } });
    expect(set.body.passwordEncrypted).toBeUndefined();
    expect((await api('GET', `/${user.id}/has-password`)).body).toEqual({ hasPassword: true });
    expect(await api('POST', `/${user.id}/password/verify`, { password: 'n3w pässword' })).toMatchObject({ status: 204, body: null });
    expect((await api('POST', `/${user.id}/password/verify`, { password: 'n3w password' })).status).toBe(422);
  });

  it('404 and 400 on the password routes', async () => {
    expect((await api('PATCH', '/zzzzzzzzzzzz/password', { password: 'x' })).body.code).toBe('entity.not_found');
    expect((await api('POST', '/zzzzzzzzzzzz/password/verify', { password: 'x' })).status).toBe(404);
    expect((await api('GET', '/zzzzzzzzzzzz/has-password')).status).toBe(404);
    const user = await create();
    expect((await api('PATCH', `/${user.id}/password`, { password: '' })).body.code).toBe('guard.invalid_input');
    expect((await api('POST', `/${user.id}/password/verify`, {})).body.code).toBe('guard.invalid_input');
  });

  it('an imported SHA256 digest verifies and is re-hashed to argon2id; a wrong password changes nothing', async () => {
    const digest = crypto.createHash('sha256').update('legacy-pw').digest('hex');
    const user = await create({ passwordDigest: digest, passwordAlgorithm: 'SHA256' });
    expect(user.hasPassword).toBe(true);
    expect(await storedHash(user.id)).toBe(`$sha256$${digest}`);
    expect((await api('POST', `/${user.id}/password/verify`, { password: 'wrong' })).status).toBe(422);
    expect(await storedHash(user.id)).toBe(`$sha256$${digest}`);
    expect((await api('POST', `/${user.id}/password/verify`, { password: 'legacy-pw' })).status).toBe(204);
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await api('POST', `/${user.id}/password/verify`, { password: 'legacy-pw' })).status).toBe(204);
  });

  it('an imported MD5 digest verifies too', async () => {
    const user = await create({ passwordDigest: crypto.createHash('md5').update('m').digest('hex'), passwordAlgorithm: 'MD5' });
    expect((await api('POST', `/${user.id}/password/verify`, { password: 'm' })).status).toBe(204);
    expect(await storedHash(user.id)).toMatch(/^\$argon2id\$/);
  });

  it('compares passwords in Unicode NFC; a hash made before normalisation keeps verifying and is upgraded', async () => {
    const composed = 'caf\u00e9 ma\u00f1ana 9';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const user = await create({ password: decomposed });
    for (const typed of [composed, decomposed])
      expect((await api('POST', `/${user.id}/password/verify`, { password: typed })).status, JSON.stringify(typed)).toBe(204);

    // A user whose hash was made from the decomposed form as typed, before passwords were normalised.
    const legacy = await create();
    const before = hashSync(decomposed, ARGON2ID);
    await t.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [legacy.id, before]);
    expect((await api('POST', `/${legacy.id}/password/verify`, { password: 'caf\u00e9 other' })).status).toBe(422);
    expect(await storedHash(legacy.id)).toBe(before);
    expect((await api('POST', `/${legacy.id}/password/verify`, { password: decomposed })).status).toBe(204);
    const upgraded = await storedHash(legacy.id);
    expect(upgraded).not.toBe(before);
    // From now on either spelling signs in, and the upgraded hash is not replaced again.
    for (const typed of [composed, decomposed])
      expect((await api('POST', `/${legacy.id}/password/verify`, { password: typed })).status).toBe(204);
    expect(await storedHash(legacy.id)).toBe(upgraded);
  });
});

describe('custom data, profile, suspension', () => {
  it('PATCH custom-data and profile replace that part and return it', async () => {
    const user = await create({ customData: { a: 1 }, profile: { nickname: 'x', givenName: 'G' } });
    expect(await api('PATCH', `/${user.id}/custom-data`, { customData: { b: [1, 2] } })).toEqual(
      expect.objectContaining({ status: 200, body: { b: [1, 2] } }),
    );
    expect((await api('PATCH', `/${user.id}/profile`, { profile: { familyName: 'F' } })).body).toEqual({ familyName: 'F' });
    expect((await api('GET', `/${user.id}`)).body).toMatchObject({ customData: { b: [1, 2] }, profile: { familyName: 'F' } });
    expect((await api('PATCH', `/${user.id}/custom-data`, {})).body.code).toBe('guard.invalid_input');
    expect((await api('PATCH', '/zzzzzzzzzzzz/profile', { profile: {} })).status).toBe(404);
  });

  it('PATCH is-suspended sets the flag', async () => {
    const user = await create();
    expect((await api('PATCH', `/${user.id}/is-suspended`, { isSuspended: true })).body.isSuspended).toBe(true);
    expect((await api('PATCH', `/${user.id}/is-suspended`, { isSuspended: false })).body.isSuspended).toBe(false);
    expect((await api('PATCH', `/${user.id}/is-suspended`, { isSuspended: 'yes' })).body.code).toBe('guard.invalid_input');
    expect((await api('PATCH', '/zzzzzzzzzzzz/is-suspended', { isSuspended: true })).status).toBe(404);
  });
});

describe('GET /api/users (U2)', () => {
  it('pages newest first with Total-Number and Link', async () => {
    const prefix = `list-${tag()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      t.clock.advance(1000);
      ids.push((await create({ name: `${prefix}-${i}` })).id);
    }
    const res = await api('GET', `?search.name=${prefix}-%25&page=2&page_size=2`);
    expect(res.status).toBe(200);
    expect(res.headers.get('total-number')).toBe('5');
    expect(res.body.map((u: { id: string }) => u.id)).toEqual([ids[2], ids[1]]);
    const link = res.headers.get('link')!;
    for (const rel of ['first', 'prev', 'next', 'last']) expect(link).toContain(`rel="${rel}"`);
    expect(link).toContain('page=3&page_size=2>; rel="last"');
    const first = await api('GET', `?search=${prefix.toUpperCase()}-%25`);
    expect(first.body).toHaveLength(5);
    expect(first.body[0].id).toBe(ids[4]);
    expect(first.headers.get('total-number')).toBe('5');
  });

  it('search modes, case sensitivity and joint', async () => {
    const prefix = `srch${tag()}`;
    const a = await create({ name: `${prefix}Alpha` });
    const b = await create({ name: `${prefix}beta` });
    const ids = async (qs: string) => (await api('GET', `?${qs}`)).body.map((u: { id: string }) => u.id).sort();
    expect(await ids(`search.name=${prefix}alpha&mode.name=exact`)).toEqual([a.id]);
    expect(await ids(`search.name=${prefix}alpha&mode.name=exact&isCaseSensitive=true`)).toEqual([]);
    expect(await ids(`search.name=^${prefix}(Alpha|beta)$&mode=posix`)).toEqual([a.id, b.id].sort());
    expect(await ids(`search.username=${a.username}&search.name=${prefix}%25&joint=and`)).toEqual([a.id]);
    expect(await ids(`search.username=${a.username}&search.name=${prefix}beta`)).toEqual([a.id, b.id].sort());
    expect(await ids(`search=${a.primaryEmail}`)).toEqual([a.id]);
  });

  it('400 for bad search syntax or pagination', async () => {
    expect((await api('GET', '?search.password=x')).body.code).toBe('request.invalid_input');
    expect((await api('GET', '?search=x&mode=fuzzy')).body.code).toBe('request.invalid_input');
    expect((await api('GET', '?search=x&joint=xor')).body.code).toBe('request.invalid_input');
    expect((await api('GET', '?search=(&mode=posix')).body.code).toBe('request.invalid_input');
    expect((await api('GET', '?page_size=0')).body.code).toBe('guard.invalid_pagination');
    expect((await api('GET', '?page=x')).status).toBe(400);
  });
});

describe('OpenAPI', () => {
  it('documents every user route under the users tag', async () => {
    const doc = await (await fetch(`${t.url}/api/swagger.json`)).json();
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, m]) =>
      Object.entries(m).filter(([, op]) => op.tags?.includes('users')).map(([method]) => `${method.toUpperCase()} ${p}`),
    );
    expect(ops.sort()).toEqual([
      'DELETE /api/users/{userId}', 'DELETE /api/users/{userId}/identities/{target}',
      'DELETE /api/users/{userId}/mfa-verifications/{verificationId}', 'GET /api/users', 'GET /api/users/{userId}',
      'GET /api/users/{userId}/has-password', 'GET /api/users/{userId}/mfa-verifications', 'PATCH /api/users/{userId}',
      'PATCH /api/users/{userId}/custom-data', 'PATCH /api/users/{userId}/is-suspended', 'PATCH /api/users/{userId}/password',
      'PATCH /api/users/{userId}/profile', 'POST /api/users', 'POST /api/users/{userId}/identities',
      'POST /api/users/{userId}/mfa-verifications', 'POST /api/users/{userId}/password/verify',
      'PUT /api/users/{userId}/identities/{target}',
    ]);
    expect(doc.paths['/api/users'].post.security).toEqual([{ ManagementApi: ['all'] }]);
  });
});
