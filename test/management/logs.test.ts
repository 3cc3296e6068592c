// The audit log: rows written with recordAudit (as the Experience API writes them) are read back over
// HTTP through GET /api/logs and /api/logs/{id} with a real Management API token: Logto's Log shape,
// newest first, exact filters, always paginated, 404 for an unknown id, 401 without a token.
import { beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, type AuditEntry, type AuditEvent } from '../../src/domain/audit/index.ts';
import { LogtoError } from '../../src/domain/errors.ts';
import { useTestApp } from '../helpers/app.ts';
import { managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
let token: string;
const written: AuditEvent[] = [];
const emitted: AuditEvent[] = [];

const api = async (p: string, bearer: string | null = token) => {
  const res = await fetch(`${t.url}${p}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
};

const base = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)', applicationId: 'app-one', interactionId: 'int-1' } as const;
const entries: AuditEntry[] = [
  { ...base, key: 'Interaction.Create', result: 'Success' },
  {
    ...base,
    key: 'Interaction.SignIn.Verification.Password.Submit',
    result: 'Error',
    method: 'Password',
    identifier: { type: 'email', value: 'alice@example.com' },
    error: new LogtoError('session.invalid_credentials'),
  },
  {
    ...base,
    key: 'Interaction.SignIn.Verification.Password.Submit',
    result: 'Success',
    method: 'Password',
    identifier: { type: 'email', value: 'alice@example.com' },
    userId: 'user-alice',
  },
  { ...base, key: 'Interaction.SignIn.Identifier.Submit', result: 'Success', userId: 'user-alice' },
  { ...base, key: 'Interaction.SignIn.Submit', result: 'Success', userId: 'user-alice' },
  { ...base, applicationId: 'app-two', interactionId: 'int-2', key: 'Interaction.Register.Submit', result: 'Success', userId: 'user-bob' },
  { key: 'Interaction.ForgotPassword.Submit', result: 'Error', error: { code: 'session.identifier_not_found', message: 'custom' }, ip: '198.51.100.1' },
];

beforeAll(async () => {
  token = await managementToken(t);
  const events = { emit: (event: AuditEvent) => void emitted.push(event) };
  for (const [i, entry] of entries.entries()) {
    // two rows share each instant: the order they were written in still decides
    if (i % 2 === 0) t.clock.advance(1000);
    written.push(await recordAudit({ db: t.db, clock: t.clock, events }, entry));
  }
});

const idsOf = (body: { id: string }[]) => body.map((l) => l.id);
const newestFirst = () => [...written].reverse();

describe('recordAudit', () => {
  it('writes a row, then tells the listener; a throwing listener fails nothing', async () => {
    expect(emitted.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(emitted[1]).toMatchObject({
      key: 'Interaction.SignIn.Verification.Password.Submit',
      result: 'Error',
      error: { code: 'session.invalid_credentials', message: 'Account or password is incorrect.' },
    });
    expect(emitted[1]!.createdAt).toEqual(written[1]!.createdAt);
    const broken = { emit: () => { throw new Error('listener down'); } };
    const event = await recordAudit({ db: t.db, clock: t.clock, events: broken }, { key: 'Interaction.End', result: 'Success' });
    expect((await api(`/api/logs/${event.id}`)).status).toBe(200);
    await t.db.query('DELETE FROM audit_logs WHERE id = $1', [event.id]);
  });
});

describe('GET /api/logs', () => {
  it('lists newest first in Logto Log shape, paginated with Total-Number and Link', async () => {
    const res = await api('/api/logs');
    expect(res.status).toBe(200);
    expect(idsOf(res.body)).toEqual(newestFirst().map((e) => e.id));
    expect(res.headers.get('total-number')).toBe(String(entries.length));
    expect(res.headers.get('link')).toContain('rel="first"');
    const failure = res.body.find((l: { id: string }) => l.id === written[1]!.id);
    expect(failure).toEqual({
      tenantId: 'default',
      id: written[1]!.id,
      key: 'Interaction.SignIn.Verification.Password.Submit',
      payload: {
        key: 'Interaction.SignIn.Verification.Password.Submit',
        result: 'Error',
        error: { code: 'session.invalid_credentials', message: 'Account or password is incorrect.' },
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (test)',
        applicationId: 'app-one',
        interactionId: 'int-1',
        method: 'Password',
        identifier: { type: 'email', value: 'alice@example.com' },
      },
      createdAt: written[1]!.createdAt.getTime(),
    });
    expect(failure.id).toMatch(/^[a-z0-9]{21}$/);
    // absent fields are left out, not null
    const bare = res.body.find((l: { id: string }) => l.id === written[6]!.id);
    expect(bare.payload).toEqual({
      key: 'Interaction.ForgotPassword.Submit',
      result: 'Error',
      error: { code: 'session.identifier_not_found', message: 'custom' },
      ip: '198.51.100.1',
    });
  });

  it('filters by userId, applicationId and logKey, together or apart', async () => {
    const ids = async (query: string) => {
      const res = await api(`/api/logs?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('total-number')).toBe(String(res.body.length));
      return idsOf(res.body);
    };
    const pick = (...indexes: number[]) => indexes.map((i) => written[i]!.id);
    expect(await ids('userId=user-alice')).toEqual(pick(4, 3, 2));
    expect(await ids('applicationId=app-two')).toEqual(pick(5));
    expect(await ids('logKey=Interaction.SignIn.Verification.Password.Submit')).toEqual(pick(2, 1));
    expect(await ids('userId=user-alice&logKey=Interaction.SignIn.Verification.Password.Submit')).toEqual(pick(2));
    expect(await ids('userId=user-alice&applicationId=app-two')).toEqual([]);
    expect(await ids('logKey=Interaction.SignIn')).toEqual([]); // exact, not a prefix
  });

  it('pages', async () => {
    const all = newestFirst().map((e) => e.id);
    const first = await api('/api/logs?page_size=3');
    expect(idsOf(first.body)).toEqual(all.slice(0, 3));
    expect(first.headers.get('total-number')).toBe('7');
    expect(first.headers.get('link')).toMatch(/<\/api\/logs\?[^>]*page=2[^>]*>; rel="next"/);
    const third = await api('/api/logs?page=3&page_size=3');
    expect(idsOf(third.body)).toEqual(all.slice(6));
    const beyond = await api('/api/logs?page=4&page_size=3');
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('total-number')).toBe('7');
    const filtered = await api('/api/logs?userId=user-alice&page=2&page_size=2');
    expect(idsOf(filtered.body)).toEqual([written[2]!.id]);
    expect(filtered.headers.get('total-number')).toBe('3');
  });

  it('bad pagination → 400 guard.invalid_pagination', async () => {
    for (const query of ['page=0', 'page_size=0', 'page_size=101', 'page=x', 'page=-1']) {
      const res = await api(`/api/logs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('guard.invalid_pagination');
    }
  });

  it('needs a Management API token', async () => {
    const res = await api('/api/logs', null);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.authorization_header_missing');
    expect((await api(`/api/logs/${written[0]!.id}`, null)).status).toBe(401);
    expect((await api('/api/logs', 'not-a-token')).status).toBe(401);
  });
});

describe('GET /api/logs/{id}', () => {
  it('gets one log', async () => {
    const res = await api(`/api/logs/${written[5]!.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenantId: 'default',
      id: written[5]!.id,
      key: 'Interaction.Register.Submit',
      payload: {
        key: 'Interaction.Register.Submit',
        result: 'Success',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (test)',
        userId: 'user-bob',
        applicationId: 'app-two',
        interactionId: 'int-2',
      },
      createdAt: written[5]!.createdAt.getTime(),
    });
  });

  it('unknown id → 404 entity.not_exists_with_id', async () => {
    const res = await api('/api/logs/doesnotexist');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('entity.not_exists_with_id');
  });
});
