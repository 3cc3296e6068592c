// A signing-key rotation reaches a running server without a restart (oidc/key-rotation.ts): the next
// request runs on the new keys — /oidc/jwks publishes the new key first and keeps the retired one for
// its grace, new tokens are signed with the new key, and tokens of the old key stay valid meanwhile.
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { rotateOidcKeys } from '../../src/oidc/keys.ts';
import { useTestApp } from '../helpers/app.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

const t = useTestApp();

const kids = async () => ((await (await fetch(`${t.url}/oidc/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

describe('signing-key rotation in a running server', () => {
  it('publishes and signs with the new key from the next request on; the old key verifies until its grace ends', async () => {
    const before = await kids();
    const oldToken = await managementToken(t);
    expect(decodeProtectedHeader(oldToken).kid).toBe(before[0]);

    await rotateOidcKeys(t.db, t.keyring, 3600);
    const after = await kids();
    expect(after[0]).not.toBe(before[0]);
    expect(after).toContain(before[0]);
    const newToken = await managementToken(t);
    expect(decodeProtectedHeader(newToken).kid).toBe(after[0]);
    for (const token of [oldToken, newToken]) expect((await managementCall(t, token, 'GET', '/api/sign-in-exp')).status).toBe(200);

    // A rotation without grace: the key it retires leaves the set, and its tokens are refused at once
    // (the first one is still in its grace).
    await rotateOidcKeys(t.db, t.keyring, 0);
    const last = await kids();
    expect(last).toHaveLength(2);
    expect(last).not.toContain(after[0]);
    expect(last[1]).toBe(before[0]);
    expect((await managementCall(t, newToken, 'GET', '/api/sign-in-exp')).status).toBe(401);
    expect((await managementCall(t, await managementToken(t), 'GET', '/api/sign-in-exp')).status).toBe(200);
  });
});
