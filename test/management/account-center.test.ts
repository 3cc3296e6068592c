// GET/PATCH /api/account-center (my-account-api.md M11–M12) over HTTP with a real Management API
// token, on a test app of its own (a fresh database: the settings start off and empty).
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
let token: string;
beforeAll(async () => {
  token = await managementToken(t);
});

const api = (method: string, path: string, body?: unknown) => managementCall(t, token, method, path, body);

describe('M11/M12 the Account Center settings', () => {
  it('starts off with no field on a fresh database', async () => {
    expect(await api('GET', '/api/account-center')).toMatchObject({
      status: 200,
      body: { tenantId: 'default', id: 'default', enabled: false, fields: {} },
    });
  });

  it('sets enabled when sent, replaces fields whole, drops unknown keys, and GET answers the same', async () => {
    const first = await api('PATCH', '/api/account-center', { enabled: true, fields: { name: 'Edit', email: 'ReadOnly', shoeSize: 'Edit' } });
    expect(first).toMatchObject({ status: 200, body: { tenantId: 'default', id: 'default', enabled: true, fields: { name: 'Edit', email: 'ReadOnly' } } });
    expect(Object.keys(first.body.fields).sort()).toEqual(['email', 'name']);

    // fields replace: name is gone (= Off); enabled unchanged when not sent
    const second = await api('PATCH', '/api/account-center', { fields: { phone: 'Off', social: 'Edit' } });
    expect(second.body).toEqual({ tenantId: 'default', id: 'default', enabled: true, fields: { phone: 'Off', social: 'Edit' } });
    // fields unchanged when not sent
    const third = await api('PATCH', '/api/account-center', { enabled: false });
    expect(third.body).toEqual({ tenantId: 'default', id: 'default', enabled: false, fields: { phone: 'Off', social: 'Edit' } });
    expect((await api('GET', '/api/account-center')).body).toEqual(third.body);
    // an empty body changes nothing (Logto would answer 500)
    expect(await api('PATCH', '/api/account-center', {})).toMatchObject({ status: 200, body: third.body });
  });

  it('400 guard.invalid_input for a bad type or control value', async () => {
    for (const body of [{ enabled: 'yes' }, { fields: { name: 'Write' } }, { fields: { name: true } }, { fields: [] }, { enabled: null }]) {
      expect(await api('PATCH', '/api/account-center', body)).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    }
  });

  it('401 without a Management token', async () => {
    for (const method of ['GET', 'PATCH']) {
      const answer = await fetch(`${t.url}/api/account-center`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'PATCH' ? { body: JSON.stringify({ enabled: true }) } : {}),
      });
      expect(answer.status).toBe(401);
      expect((await answer.json()).code).toMatch(/^auth\./);
    }
  });
});
