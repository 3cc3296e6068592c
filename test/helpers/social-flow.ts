// Social sign-in as a sign-in page drives it, against a loopback OIDC IdP (oidc-idp.ts): a generic
// OIDC social connector of the test app pointing at the IdP, then E9 (authorization URI) → the user's
// login at the IdP → E10 with the callback parameters. The Account API's A4 → login → A5 likewise.
import { afterAll, beforeAll } from 'vitest';
import type { AccountSuite } from './account.ts';
import type { ExperienceSession } from './experience.ts';
import type { ExperienceSuite } from './experience-suite.ts';
import { startOidcIdp, type IdpAccount, type OidcIdp } from './oidc-idp.ts';
import { createSocialConnector, found, newState, REDIRECT_URI, socialConnectorsOf } from './social.ts';

export { REDIRECT_URI } from './social.ts';

export interface SocialWorld {
  idp: OidcIdp;
  /** The stored OIDC social connector and its identity key. */
  connectorId: string;
  target: string;
  /** Another connector of the same IdP and its key (a second provider for the same user). */
  account(claims?: Omit<IdpAccount, 'sub'>): IdpAccount;
  /** A new OIDC social connector of the IdP (syncProfile as given). */
  addConnector(options?: { syncProfile?: boolean }): Promise<{ id: string; target: string }>;
}

/** The suite's IdP and its connector, for the whole test file. */
export function useSocialWorld(suite: ExperienceSuite): SocialWorld {
  const world = {} as SocialWorld;
  beforeAll(async () => {
    const idp = await startOidcIdp();
    const client = idp.addClient({ redirectUris: [REDIRECT_URI] });
    const config = { clientId: client.clientId, clientSecret: client.clientSecret, scope: 'profile email phone', issuer: idp.issuer };
    const addConnector = async (options: { syncProfile?: boolean } = {}) => {
      const { id } = await createSocialConnector(suite.t, suite.token, 'oidc', config);
      if (options.syncProfile) await suite.admin('PATCH', `/api/connectors/${id}`, { syncProfile: true });
      // The identity key as the Experience API reads it (the stored metadata's target).
      return { id, target: (await found(socialConnectorsOf(suite.t), id)).target };
    };
    const { id, target } = await addConnector();
    Object.assign(world, { idp, connectorId: id, target, account: (claims = {}) => idp.addAccount(claims), addConnector });
  });
  afterAll(async () => {
    await world.idp?.close();
  });
  return world;
}

type Answer = { status: number; body: any };

/** E9 for the connector: the answer, and the authorization URI when there is one. */
export async function authorizationUri(s: ExperienceSession, connectorId: string, state = newState()): Promise<Answer> {
  return s.call('POST', `/api/experience/verification/social/${connectorId}/authorization-uri`, { state, redirectUri: REDIRECT_URI });
}

/** E9, then the user's login at the IdP: the record id and the callback parameters (not yet sent). */
export async function authorized(s: ExperienceSession, world: SocialWorld, account: IdpAccount, connectorId = world.connectorId) {
  const started = await authorizationUri(s, connectorId);
  if (started.status !== 200) throw new Error(`E9: ${started.status} ${JSON.stringify(started.body)}`);
  const { params } = await world.idp.login(started.body.authorizationUri, account.sub);
  return { verificationId: started.body.verificationId as string, params, authorizationUri: started.body.authorizationUri as string };
}

/** E10 with the callback parameters. */
export function verifySocial(s: ExperienceSession, connectorId: string, verificationId: string | undefined, connectorData: Record<string, unknown>): Promise<Answer> {
  return s.call('POST', `/api/experience/verification/social/${connectorId}/verify`, { connectorData, ...(verificationId ? { verificationId } : {}) });
}

/** E9 → login → E10: a verified Social record's id. */
export async function socialVerified(s: ExperienceSession, world: SocialWorld, account: IdpAccount, connectorId = world.connectorId): Promise<string> {
  const { verificationId, params } = await authorized(s, world, account, connectorId);
  const verified = await verifySocial(s, connectorId, verificationId, params);
  if (verified.status !== 200) throw new Error(`E10: ${verified.status} ${JSON.stringify(verified.body)}`);
  return verificationId;
}

/** E4 and the way back to the client: the ID token's subject and amr. */
export async function submitted(s: ExperienceSession): Promise<{ sub: string; amr: unknown }> {
  const answer = await s.call('POST', '/api/experience/submit');
  if (answer.status !== 200) throw new Error(`E4: ${answer.status} ${JSON.stringify(answer.body)}`);
  const tokens = await s.finish(answer.body.redirectTo);
  const claims = tokens.claims()!;
  return { sub: claims.sub, amr: claims.amr };
}

/** A4 for the connector with the user's access token. */
export function accountAuthorization(suite: AccountSuite, token: string, connectorId: string, state = newState()): Promise<Answer> {
  return suite.account('POST', '/api/verifications/social', token, { connectorId, state, redirectUri: REDIRECT_URI });
}

/** A5 with the callback parameters. */
export function accountVerify(suite: AccountSuite, token: string, verificationRecordId: string, connectorData: Record<string, unknown>): Promise<Answer> {
  return suite.account('POST', '/api/verifications/social/verify', token, { verificationRecordId, connectorData });
}

/** A4, then the user's login at the IdP: the record id and the callback parameters (not yet sent). */
export async function accountAuthorized(suite: AccountSuite, token: string, world: SocialWorld, account: IdpAccount, connectorId = world.connectorId) {
  const started = await accountAuthorization(suite, token, connectorId);
  if (started.status !== 201) throw new Error(`A4: ${started.status} ${JSON.stringify(started.body)}`);
  const { params } = await world.idp.login(started.body.authorizationUri, account.sub);
  return { verificationRecordId: started.body.verificationRecordId as string, params };
}

/** A4 → login → A5: a verified Social record's id. */
export async function accountSocialVerified(suite: AccountSuite, token: string, world: SocialWorld, account: IdpAccount, connectorId = world.connectorId): Promise<string> {
  const { verificationRecordId, params } = await accountAuthorized(suite, token, world, account, connectorId);
  const verified = await accountVerify(suite, token, verificationRecordId, params);
  if (verified.status !== 200) throw new Error(`A5: ${verified.status} ${JSON.stringify(verified.body)}`);
  return verificationRecordId;
}
