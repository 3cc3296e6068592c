// Owns the demo application's client (VERITY_DEMO_APP; on in development): an SPA client with the fixed
// id `demo` whose only redirect URI is <public URL>/demo/callback, so the page at /demo can start an
// authorization request (PKCE, no secret) and show who signed in. Provisioned at start, and its URIs
// follow the public URL when that changes between starts. With the demo off it is removed at start, so
// a database first used in development does not keep a public client into production.
import * as repo from '../../storage/repos/applications.ts';
import { createApplication, type AppDeps } from './index.ts';

export const DEMO_CLIENT_ID = 'demo';
const DESCRIPTION = 'The demo application at /demo (VERITY_DEMO_APP)';

const metadataOf = (publicUrl: string) => ({
  redirectUris: [`${publicUrl}/demo/callback`],
  postLogoutRedirectUris: [`${publicUrl}/demo`],
});

/** Creates the demo client, or points its redirect URIs at `publicUrl`. */
export async function ensureDemoApp(deps: AppDeps, publicUrl: string): Promise<void> {
  const metadata = metadataOf(publicUrl);
  const existing = await repo.findApplication(deps.db, DEMO_CLIENT_ID);
  if (!existing) {
    // Two processes may start together: the loser's insert fails on the primary key, which is fine.
    await createApplication(deps, { id: DEMO_CLIENT_ID, name: 'Demo application' }).catch(async (error) => {
      if (!(await repo.findApplication(deps.db, DEMO_CLIENT_ID))) throw error;
    });
  } else if (existing.type === 'SPA' && JSON.stringify(existing.oidc_client_metadata.redirectUris) === JSON.stringify(metadata.redirectUris)) {
    return;
  }
  await repo.updateApplication(deps.db, DEMO_CLIENT_ID, {
    type: 'SPA',
    description: DESCRIPTION,
    oidc_client_metadata: { ...(existing?.oidc_client_metadata ?? {}), ...metadata },
  });
}

/** Deletes the demo client provisioned by ensureDemoApp, if there is one; true when it did. */
export async function removeDemoApp(deps: Pick<AppDeps, 'db'>): Promise<boolean> {
  const existing = await repo.findApplication(deps.db, DEMO_CLIENT_ID);
  if (!existing || existing.description !== DESCRIPTION) return false;
  return repo.deleteApplication(deps.db, DEMO_CLIENT_ID);
}
