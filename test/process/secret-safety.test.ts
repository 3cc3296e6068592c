// The compiled server on an existing data directory: started with a secret the database has not seen
// it exits non-zero with the reason; VERITY_ACCEPT_NEW_SECRET=true does not make it start either while
// sealed data (the default application's callback secret, the OIDC keys) needs the old secret — adopting
// would leave that data unreadable. With the right secret it starts and is ready.
import { afterAll, expect, it } from 'vitest';
import { spawnServer, startServer, stopAllServers } from '../helpers/server-process.ts';

const SECRET = 'process-secret-0123456789-abcdefghijklmnopqrstu';
const OTHER = 'process-other-0123456789-abcdefghijklmnopqrstuv';

afterAll(() => stopAllServers());

it('a different VERITY_SECRET on an existing data directory is refused, with or without VERITY_ACCEPT_NEW_SECRET', { timeout: 180_000 }, async () => {
  const first = await startServer({ env: { VERITY_SECRET: SECRET } });
  const readiness = await fetch(`${first.url}/api/health/ready`);
  expect(readiness.status).toBe(200);
  expect((await first.kill()).code).toBe(0);

  const wrong = await spawnServer({ dataDir: first.dataDir, env: { VERITY_SECRET: OTHER } });
  expect((await wrong.exited).code).not.toBe(0);
  expect(wrong.stderr).toMatch(/is not a secret this database has seen/);
  expect(wrong.stderr).toMatch(/applications\.callback_secret/);
  expect(wrong.stderr).toMatch(/VERITY_PREVIOUS_SECRETS/);

  const adopting = await spawnServer({ dataDir: first.dataDir, env: { VERITY_SECRET: OTHER, VERITY_ACCEPT_NEW_SECRET: 'true' } });
  expect((await adopting.exited).code).not.toBe(0);
  expect(adopting.stderr).toMatch(/oidc_keys\.material \(OIDC signing and cookie keys\): 2 row\(s\)/);
  expect(adopting.stderr).toMatch(/VERITY_ACCEPT_NEW_SECRET does not override this/);

  const again = await startServer({ dataDir: first.dataDir, env: { VERITY_SECRET: SECRET } });
  expect((await fetch(`${again.url}/api/health/ready`)).status).toBe(200);
  await again.kill();
});
