// Owns the Verity target of the OIDC suite: the bench's Verity app (verity.ts) on PostgreSQL with
// one MachineToMachine application holding the Management API (is_admin), created the way
// test/helpers/app.ts does it. Its grant goes to the real provider at /oidc/token; its read is
// GET /api/applications/{id} behind the real managementAuth.
import { sha256Hex } from '../src/crypto/keyring.ts';
import { upsertAdminClient } from '../src/storage/repos/apps.ts';
import { building } from './lifecycle.ts';
import { m2mCalls, newM2mClient } from './m2m.ts';
import type { Target } from './target.ts';
import { noSenders, startVerityApp } from './verity.ts';

export function startVerityOidc(options: { databaseUrl: string }): Promise<Target> {
  return building(async (down) => {
    const verity = await startVerityApp({ driver: 'pg', databaseUrl: options.databaseUrl, purpose: 'oidc', senders: noSenders }, down);
    const client = newM2mClient();
    await upsertAdminClient(verity.db, {
      id: client.id,
      name: 'bench client',
      secretHash: sha256Hex(client.secret),
      callbackSecret: verity.keyring.encrypt('unused'),
    });
    const calls = await m2mCalls(verity.url, '/oidc/token', client);
    return { name: 'verity-pg', url: verity.url, calls, statements: verity.statements, close: () => down.run() };
  });
}
