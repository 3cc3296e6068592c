// Tokens are issued only while their grant lives: the adapter writes an access or refresh token
// under a grant in one statement that checks the grant is still there, so a grant revoked after the
// token endpoint read it (a replayed authorization code revokes it) yields invalid_grant, never a
// stored token that outlives the revocation. Both stores.
import { describe, expect, it } from 'vitest';
import type { AdapterPayload } from 'oidc-provider';
import { createAdapterFactory } from '../../src/oidc/adapter.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();

describe('tokens under a grant', () => {
  it('are written while the grant lives and refused once it is gone', async () => {
    const Adapter = createAdapterFactory(t.db, async () => undefined);
    const grants = new Adapter('Grant');
    const tokens = new Adapter('AccessToken');
    const refresh = new Adapter('RefreshToken');
    await grants.upsert('grant-1', { jti: 'grant-1', kind: 'Grant' } as AdapterPayload, 60);

    await tokens.upsert('token-1', { jti: 'token-1', grantId: 'grant-1' } as AdapterPayload, 60);
    expect(await tokens.find('token-1')).toMatchObject({ jti: 'token-1' });

    await grants.destroy('grant-1');
    await expect(tokens.upsert('token-2', { jti: 'token-2', grantId: 'grant-1' } as AdapterPayload, 60)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    await expect(refresh.upsert('refresh-2', { jti: 'refresh-2', grantId: 'grant-1' } as AdapterPayload, 60)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect(await tokens.find('token-2')).toBeUndefined();
    expect(await refresh.find('refresh-2')).toBeUndefined();

    // a token without a grant (client credentials) is written as before
    await tokens.upsert('token-3', { jti: 'token-3' } as AdapterPayload, 60);
    expect(await tokens.find('token-3')).toMatchObject({ jti: 'token-3' });
  });
});
