// The Management API: every route behind managementAuth (bearer JWT, scope `all`).
import type { FastifyInstance } from 'fastify';
import type { ManagementCodeDeps } from '../../domain/management/verification-codes.ts';
import type { Egress } from '../../net/egress.ts';
import { managementAuth, type ManagementAuthDeps } from '../management-auth.ts';
import { applicationRoutes } from './applications.ts';
import { applicationSecretRoutes } from './application-secrets.ts';
import { roleRoutes } from './roles.ts';
import { verificationCodeRoutes } from './verification-codes.ts';
import { userRoutes } from './users.ts';
import { userMfaRoutes } from './user-mfa.ts';
import { userIdentityRoutes } from './user-identities.ts';
import type { SocialConnectors } from '../../domain/social/types.ts';
import { connectorRoutes } from './connectors.ts';
import { ssoConnectorRoutes } from './sso-connectors.ts';
import { signInExperienceRoutes } from './sign-in-experience.ts';
import { logRoutes } from './logs.ts';
import { accountCenterRoutes } from './account-center.ts';

export function managementRoutes(
  deps: ManagementCodeDeps & ManagementAuthDeps & { mode: 'development' | 'production'; dataDir: string; egress: Egress; social: SocialConnectors },
) {
  return async (app: FastifyInstance) => {
    // onRequest: authentication is decided before the body is read or validated.
    app.addHook('onRequest', managementAuth(deps));
    await app.register(verificationCodeRoutes(deps));
    // --- applications ---
    await app.register(applicationRoutes(deps));
    await app.register(applicationSecretRoutes(deps));
    await app.register(roleRoutes(deps));
    // --- users ---
    await app.register(userRoutes(deps));
    await app.register(userMfaRoutes(deps));
    await app.register(userIdentityRoutes(deps));
    // --- sign-in experience and connectors ---
    await app.register(signInExperienceRoutes(deps));
    await app.register(connectorRoutes(deps));
    await app.register(ssoConnectorRoutes(deps));
    await app.register(logRoutes(deps));
    await app.register(accountCenterRoutes(deps));
  };
}
