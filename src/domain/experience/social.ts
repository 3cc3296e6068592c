// Use cases E9 (POST …/verification/social/{connectorId}/authorization-uri) and E10 (…/verify): a
// Social record of the interaction, started with the connector's authorization URI (the connector
// session kept in the record) and verified once with the provider's callback. Both are audited as
// `Interaction.<event>.Verification.Social.<Create|Submit>` (verification.ts attempt).
// E10 without a verificationId is Google One Tap in the spec; Verity's Google connector does not
// verify One Tap credentials, so that is always 404 session.verification_session_not_found.
// Throws LogtoError session.insufficient_info (400), entity.not_found (404, E9),
// connector.unexpected_type (400, E9), session.invalid_connector_id (422, E10),
// session.verification_session_not_found (404), session.connector_validation_session_not_found (400),
// connector.* (the connector's refusals).
import { LogtoError } from '../errors.ts';
import { assertSessionUnused, authorizingConnector, startSocialRecord, verifyingConnector, verifySocialRecord, type SocialRecord } from '../verification/social.ts';
import type { ExperienceDeps } from './deps.ts';
import { recordById } from './state.ts';
import { newRecordId, type InteractionContext } from './store.ts';
import { attempt } from './verification.ts';

export async function createSocialAuthorization(
  deps: ExperienceDeps,
  context: InteractionContext,
  connectorId: string,
  input: { state: string; redirectUri: string },
): Promise<{ verificationId: string; authorizationUri: string }> {
  let authorizationUri = '';
  const { verificationId } = await attempt(deps, context, { method: 'Social', action: 'Create' }, async () => {
    const connector = () => authorizingConnector(deps.social, connectorId, () => new LogtoError('entity.not_found'));
    const started = await startSocialRecord(deps.keyring, connector, newRecordId(), input);
    authorizationUri = started.authorizationUri;
    return started.record;
  });
  return { verificationId, authorizationUri };
}

export async function verifySocial(
  deps: ExperienceDeps,
  context: InteractionContext,
  connectorId: string,
  input: { connectorData: Record<string, unknown>; verificationId?: string },
): Promise<{ verificationId: string }> {
  const { connectorData, verificationId } = input;
  let used: SocialRecord | undefined;
  // The session is single use: stored only while the record still holds the one this call used.
  const completes = { completes: verificationId, unchanged: (stored: SocialRecord) => used && assertSessionUnused(used, stored) };
  return attempt(deps, context, { method: 'Social', action: 'Submit', ...completes }, async (state) => {
    const connector = await verifyingConnector(deps.social, connectorId);
    if (verificationId === undefined) throw new LogtoError('session.verification_session_not_found');
    used = recordById(state, verificationId, 'Social');
    if (used.connectorId !== connectorId) throw new LogtoError('session.verification_session_not_found');
    return verifySocialRecord(deps.keyring, connector, used, connectorData);
  });
}
