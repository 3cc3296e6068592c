// apps, keys and admin commands in process: tables and JSON never carry a secret, a digest or a
// ciphertext; `apps settings` merges (null returns a key to its default); `keys create` without an
// application id makes the default application in production mode; admin secrets rotate.
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/keyring.ts';
import { resolveOtpSettings } from '../../src/domain/apps/otp-settings.ts';
import { findApiKeyByHash, findApp } from '../../src/storage/repos/apps.ts';
import { findApplication } from '../../src/storage/repos/applications.ts';
import { listApplicationSecrets } from '../../src/domain/management/application-secrets.ts';
import { testCli } from '../helpers/cli.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();
const cli = testCli(t, { names: { 'hooks.example.com': '93.184.216.34' } });

/** Every stored secret form of the applications and keys: none may appear in any output. */
async function storedSecrets(): Promise<string[]> {
  const apps = await t.db.query<{ callback_secret: string; secret_hash: string | null }>('SELECT callback_secret, secret_hash FROM applications');
  const keys = await t.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys');
  return [...apps.flatMap((a) => [a.callback_secret, a.secret_hash ?? '']), ...keys.map((k) => k.key_hash)].filter(Boolean);
}

describe('keys create in production mode', () => {
  it('creates the default application when it is missing, and the key works', async () => {
    expect(await findApp(t.db, 'default')).toBeNull();
    const created = await cli.run('keys', 'create', '--json');
    expect(created.code, created.err).toBe(0);
    const key = JSON.parse(created.out) as { apiKey: string; applicationId: string };
    expect(key.applicationId).toBe('default');
    expect(await findApiKeyByHash(t.db, sha256Hex(key.apiKey))).toMatchObject({ application_id: 'default', revoked_at: null });
    const second = await cli.run('keys', 'create', '', 'second');
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/applicationId:\s+default/);
  });
});

describe('apps and keys lists', () => {
  it('show readable tables and JSON without secrets, digests or ciphertexts', async () => {
    const created = await cli.run('apps', 'create', 'Shop', '{"pinLength":4}');
    expect(created.code, created.err).toBe(0);
    const callbackSecret = /callbackSecret:\s+(\S+)/.exec(created.out)![1]!;
    const key = await cli.run('keys', 'create', '--json');
    const apiKey = (JSON.parse(key.out) as { apiKey: string }).apiKey;

    const outputs = [
      await cli.run('apps', 'list'),
      await cli.run('apps', 'list', '--json'),
      await cli.run('keys', 'list'),
      await cli.run('keys', 'list', '--json'),
      await cli.run('admin', 'list'),
      await cli.run('admin', 'list', '--json'),
    ];
    const secrets = [callbackSecret, apiKey, ...(await storedSecrets())];
    for (const output of outputs) {
      expect(output.code, output.err).toBe(0);
      for (const secret of secrets) expect(output.out).not.toContain(secret);
    }
    const [appsTable, appsJson] = outputs;
    expect(appsTable!.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+TYPE\s+CREATED\s+KEYS\s+OTP SETTINGS$/);
    expect(appsTable!.out).toMatch(/Shop\s+\S+\s+\S+ \S+\s+0\s+pinLength=4/);
    expect(Object.keys((JSON.parse(appsJson!.out) as object[])[0]!).sort()).toEqual(['createdAt', 'id', 'liveKeys', 'name', 'otpSettings', 'type']);
    expect(outputs[2]!.out.split('\n')[0]).toMatch(/^ID\s+APPLICATION\s+NAME\s+ENDS WITH\s+CREATED\s+REVOKED$/);
  });

  it('revokes a key', async () => {
    const { id, apiKey } = JSON.parse((await cli.run('keys', 'create', '--json')).out) as { id: string; apiKey: string };
    expect((await cli.run('keys', 'revoke', id)).out).toContain(`revoked ${id}`);
    expect((await findApiKeyByHash(t.db, sha256Hex(apiKey)))!.revoked_at).not.toBeNull();
    expect(await cli.run('keys', 'revoke', id)).toMatchObject({ code: 1, err: `no live key ${id}\n` });
  });
});

describe('apps settings', () => {
  it('merges into the OTP defaults, and null returns a key to its default', async () => {
    const { id } = JSON.parse((await cli.run('apps', 'create', 'Merge', '{"pinLength":4,"from":"Shop"}', '--json')).out) as { id: string };
    expect((await cli.run('apps', 'settings', id, '{"ttl":600}')).code).toBe(0);
    expect((await findApp(t.db, id))!.otp_settings).toEqual({ pinLength: 4, from: 'Shop', ttl: 600 });
    const cleared = await cli.run('apps', 'settings', id, '{"pinLength":null}', '--json');
    expect(JSON.parse(cleared.out)).toEqual({ from: 'Shop', ttl: 600 });
    expect(resolveOtpSettings((await findApp(t.db, id))!.otp_settings)).toMatchObject({ pinLength: 6, from: 'Shop', ttl: 600 });
  });

  it('refuses an unknown key or a bad value with the usage (exit 2), and leaves the settings alone', async () => {
    const { id } = JSON.parse((await cli.run('apps', 'create', 'Strict', '{"ttl":120}', '--json')).out) as { id: string };
    const unknown = await cli.run('apps', 'settings', id, '{"bogus":1}');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('usage: npm run verity -- apps settings <appId> <json | ->');
    expect((await cli.run('apps', 'settings', id, '{"pinLength":99}')).code).toBe(2);
    expect((await cli.run('apps', 'settings', id, 'not json')).code).toBe(2);
    expect((await cli.run('apps', 'settings', 'app_missing', '{"ttl":120}')).code).toBe(1);
    expect((await findApp(t.db, id))!.otp_settings).toEqual({ ttl: 120 });
  });

  it('reads the JSON from stdin with -, and prints a callback URL without its userinfo or query', async () => {
    const { id } = JSON.parse((await cli.run('apps', 'create', 'Piped', '--json')).out) as { id: string };
    const url = 'https://hook-user:hook-pass@hooks.example.com/otp?token=hook-token#f';
    const set = await cli.runWithInput(JSON.stringify({ otpCallbackUrl: url }), 'apps', 'settings', id, '-');
    expect(set.code, set.err).toBe(0);
    expect((await findApp(t.db, id))!.otp_settings).toEqual({ otpCallbackUrl: url });
    const outputs = [set, await cli.run('apps', 'show', id), await cli.run('apps', 'show', id, '--json'), await cli.run('apps', 'list'), await cli.run('apps', 'list', '--json')];
    for (const output of outputs) {
      expect(output.out).toContain('https://…@hooks.example.com/otp?…#…');
      for (const secret of ['hook-user', 'hook-pass', 'hook-token']) expect(output.out).not.toContain(secret);
    }
    const created = await cli.runWithInput('{"ttl":300}', 'apps', 'create', 'Piped too', '-', '--json');
    expect((JSON.parse(created.out) as { otpSettings: unknown }).otpSettings).toEqual({ ttl: 300 });
    expect((await cli.runWithInput('not json', 'apps', 'settings', id, '-')).code).toBe(2);
  });

  it('apps callback-secret prints the secret apps create printed', async () => {
    const created = JSON.parse((await cli.run('apps', 'create', 'Hooks', '--json')).out) as { id: string; callbackSecret: string };
    expect((await cli.run('apps', 'callback-secret', created.id)).out.trim()).toBe(created.callbackSecret);
    const shown = await cli.run('apps', 'show', created.id);
    expect(shown.out).toMatch(/name:\s+Hooks/);
    expect(shown.out).not.toContain(created.callbackSecret);
  });
});

describe('admin applications', () => {
  it('create prints the secret once; rotate-secret replaces it; delete removes the client', async () => {
    const created = JSON.parse((await cli.run('admin', 'create', 'Ops', '--json')).out) as { clientId: string; clientSecret: string };
    let row = await findApplication(t.db, created.clientId);
    expect(row).toMatchObject({ type: 'MachineToMachine', is_admin: true, secret_hash: sha256Hex(created.clientSecret) });
    const listed = await cli.run('admin', 'list');
    expect(listed.out).toContain(created.clientId);
    expect(listed.out).not.toContain(created.clientSecret);

    const rotated = JSON.parse((await cli.run('admin', 'rotate-secret', created.clientId, '--json')).out) as { clientSecret: string };
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    row = await findApplication(t.db, created.clientId);
    expect(row!.secret_hash).toBe(sha256Hex(rotated.clientSecret));
    const named = await listApplicationSecrets(await cli.deps(), created.clientId);
    expect(named.map((s) => s.value)).toEqual([rotated.clientSecret]);

    expect((await cli.run('admin', 'delete', created.clientId)).code).toBe(0);
    expect(await findApplication(t.db, created.clientId)).toBeNull();
    expect((await cli.run('admin', 'delete', created.clientId)).code).toBe(1);
  });

  it('refuses to treat an OTP application as an admin one', async () => {
    const { id } = JSON.parse((await cli.run('apps', 'create', 'NotAdmin', '--json')).out) as { id: string };
    expect(await cli.run('admin', 'rotate-secret', id)).toMatchObject({ code: 1, err: `no admin application ${id}\n` });
  });
});
