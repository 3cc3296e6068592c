// Use cases E9 (POST …/verification/social/{connectorId}/authorization-uri) and E10 (…/verify): a
// Social record of the interaction, started with the connector's authorization URI (the connector
// session kept in the record) and verified once with the provider's callback. Both are audited as
// `Interaction.<event>.Verification.Social.<Create|Submit>` (verification.ts attempt).
// E10 without a verificationId is Google One Tap: only for the `google-universal` factory with a
// `credential`, checked against the `g_csrf_token` cookie; it creates a new record.
// Throws LogtoError session.insufficient_info (400), entity.not_found (404, E9),
// connector.unexpected_type (400, E9), session.invalid_connector_id (422, E10),
// session.verification_session_not_found (404), session.csrf_token_mismatch (400),
// session.connector_validation_session_not_found (400), connector.* (the connector's refusals).
import { LogtoError } from '../errors.ts';
import type { SocialConnector } from '../social/types.ts';
import { assertSessionUnused, isOneTap, startSocialRecord, verifySocialRecord, type SocialRecord } from '../verification/social.ts';
import type { ExperienceDeps } from './deps.ts';
import { recordById } from './state.ts';
import { newRecordId, type InteractionContext } from './store.ts';
import { attempt } from './verification.ts';

/** E9's connector: 404 entity.not_found when there is none, 400 connector.unexpected_type when it is not social. */
async function authorizingConnector(deps: ExperienceDeps, connectorId: string): Promise<SocialConnector> {
  const connector = await deps.socialConnectors.find(connectorId);
  if (connector) return connector;
  if (await deps.socialConnectors.isNonSocial(connectorId)) throw new LogtoError('connector.unexpected_type');
  throw new LogtoError('entity.not_found');
}

/** E10's connector (and A5's): 422 session.invalid_connector_id when there is no social one. */
export async function verifyingConnector(deps: Pick<ExperienceDeps, 'socialConnectors'>, connectorId: string): Promise<SocialConnector> {
  const connector = await deps.socialConnectors.find(connectorId);
  if (!connector) throw new LogtoError('session.invalid_connector_id', { connectorId });
  return connector;
}

export async function createSocialAuthorization(
  deps: ExperienceDeps,
  context: InteractionContext,
  connectorId: string,
  input: { state: string; redirectUri: string },
): Promise<{ verificationId: string; authorizationUri: string }> {
  let authorizationUri = '';
  const { verificationId } = await attempt(deps, context, { method: 'Social', action: 'Create' }, async () => {
    if (!input.state || !input.redirectUri) throw new LogtoError('session.insufficient_info');
    const started = await startSocialRecord(await authorizingConnector(deps, connectorId), newRecordId(), input);
    authorizationUri = started.authorizationUri;
    return started.record;
  });
  return { verificationId, authorizationUri };
}

export async function verifySocial(
  deps: ExperienceDeps,
  context: InteractionContext,
  connectorId: string,
  input: { connectorData: Record<string, unknown>; verificationId?: string; csrfCookie?: string },
): Promise<{ verificationId: string }> {
  const { connectorData, verificationId } = input;
  // Only an existing record's session is single use; a One Tap credential makes a record of its own.
  const completes = verificationId === undefined ? {} : { completes: verificationId, unchanged: (stored: SocialRecord) => assertSessionUnused(used!, stored) };
  let used: SocialRecord | undefined;
  return attempt(deps, context, { method: 'Social', action: 'Submit', ...completes }, async (state) => {
    const connector = await verifyingConnector(deps, connectorId);
    if (verificationId === undefined) {
      if (!isOneTap(connector, connectorData)) throw new LogtoError('session.verification_session_not_found');
      const fresh: SocialRecord = { id: newRecordId(), type: 'Social', connectorId, verified: false };
      return verifySocialRecord(connector, fresh, connectorData, input.csrfCookie);
    }
    used = recordById(state, verificationId, 'Social');
    if (used.connectorId !== connectorId) throw new LogtoError('session.verification_session_not_found');
    return verifySocialRecord(connector, used, connectorData, input.csrfCookie);
  });
}
