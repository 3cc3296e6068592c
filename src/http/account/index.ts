// The Account API (account-verifications-api.md, my-account-api.md): the signed-in user's step-up
// verification records (/api/verifications/*) and own account (/api/my-account*), behind one
// pipeline (context.ts: CORS, the user's access token, the Account Center switch).
import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from '../../domain/account/deps.ts';
import { accountContext, preflightRoutes } from './context.ts';
import { myAccountRoutes } from './my-account.ts';
import { verificationRoutes } from './verifications.ts';

export const ACCOUNT_PREFIXES = ['/api/verifications', '/api/my-account'] as const;

export function accountRoutes(deps: AccountDeps) {
  return async (app: FastifyInstance) => {
    // onRequest: who calls is decided before the body is read or validated (pipeline step 5 after 4).
    app.addHook('onRequest', accountContext(deps));
    preflightRoutes(app, ACCOUNT_PREFIXES);
    await app.register(verificationRoutes(deps));
    await app.register(myAccountRoutes(deps));
  };
}
