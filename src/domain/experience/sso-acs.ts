// Use case of the SAML assertion consumer route (POST /api/authn/single-sign-on/saml/{connectorId},
// Logto's path): the IdP's POST arrives from the browser without the interaction's cookies (a
// cross-site form post), so the record is found by the RelayState E11 gave the IdP: the interaction
// and the record's unguessable relay token (compared in constant time). The response is validated
// (sso/saml.ts) against that record's AuthnRequest; then, in one transaction holding the interaction's
// row, the assertion's id is consumed (saml_assertions_consumed: the insert is the check, so a
// replayed assertion is refused, even in another interaction) and the verified user is kept in the
// record's session for E12, which the session still must be waiting for. Answers the URL to send the
// browser back to: the record's redirect URI with its state, as Logto does, and a one-time `code` that
// E12 must present (only its digest is kept): the IdP's post is not tied to the browser that started
// the sign-in, so the code is what ties E12 to the browser the IdP's response came through — whoever
// started the interaction cannot complete it with an assertion a lured victim's browser delivered
// unless the redirect URI is theirs (E11 accepts only redirect URIs on trusted origins). Every outcome
// is audited.
// Throws LogtoError connector.not_found (404), connector.unexpected_type (400),
// session.connector_validation_session_not_found (404), connector.authorization_failed (400: the
// response is refused), connector.invalid_metadata (500).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { findExperience, saveExperience } from '../../storage/repos/experience.ts';
import { consumeSamlAssertion } from '../../storage/repos/sso-sign-in.ts';
import { recordAudit } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import { usableSsoConnector } from '../sso/connector.ts';
import { acceptSamlResponse, SamlRefusal, serviceProviderOf, type AttributeMapping } from '../sso/saml.ts';
import type { EnterpriseSsoRecord } from '../verification/enterprise-sso.ts';
import type { ExperienceDeps } from './deps.ts';
import { samlIdpOf } from './sso.ts';
import { ExperienceState, withRecord } from './state.ts';

const noSession = () => new LogtoError('session.connector_validation_session_not_found', undefined, 404);

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The SAML record waiting for a response that `relayToken` names, in `state`. */
function waitingRecord(state: ExperienceState, connectorId: string, relayToken: string): EnterpriseSsoRecord & { session: { protocol: 'saml' } } {
  const record = state.verificationRecords.find(
    (r): r is EnterpriseSsoRecord => r.type === 'EnterpriseSso' && r.session?.protocol === 'saml' && sameToken(r.session.relayToken, relayToken),
  );
  if (!record || record.connectorId !== connectorId || record.session?.protocol !== 'saml' || record.session.assertion) throw noSession();
  return record as EnterpriseSsoRecord & { session: { protocol: 'saml' } };
}

/** The audit row of one response for an interaction: the refusal's reason (never a secret) says more
 *  to an operator than the catalogue message. */
function auditAssertion(
  deps: ExperienceDeps,
  where: { uid: string; applicationId: string | null; event: ExperienceState['interactionEvent'] },
  request: { ip: string | null; userAgent: string | null },
  error?: unknown,
) {
  const note = error instanceof LogtoError ? (error.data as { message?: string } | undefined)?.message : undefined;
  const code = error instanceof LogtoError ? error.code : 'internal';
  return recordAudit(deps, {
    key: `Interaction.${where.event}.Verification.EnterpriseSso.Assertion`,
    result: error ? 'Error' : 'Success',
    interactionId: where.uid,
    applicationId: where.applicationId,
    method: 'EnterpriseSso',
    ip: request.ip,
    userAgent: request.userAgent,
    ...(error ? { error: { code, ...(note ? { message: note } : {}) } } : {}),
  });
}

export async function consumeSamlResponse(
  deps: ExperienceDeps,
  connectorId: string,
  body: { SAMLResponse: string; RelayState?: string },
  request: { ip: string | null; userAgent: string | null },
): Promise<{ redirectTo: string }> {
  const relay = body.RelayState ?? '';
  const dot = relay.lastIndexOf('.');
  const uid = dot > 0 ? relay.slice(0, dot) : '';
  const connector = await usableSsoConnector(deps, connectorId);
  if (connector.provider.providerType !== 'saml') throw new LogtoError('connector.unexpected_type');
  if (!uid) throw noSession();
  const row = await findExperience(deps.db, uid, deps.clock.now());
  if (!row) throw noSession();
  const state = ExperienceState.parse(row.state);
  const relayToken = relay.slice(dot + 1);
  const record = waitingRecord(state, connectorId, relayToken);
  const where = { uid, applicationId: row.application_id, event: state.interactionEvent };
  try {
    const idp = await samlIdpOf(deps, connector);
    const sp = serviceProviderOf(deps.sso.publicUrl, connector.id);
    const mapping = (connector.config.attributeMapping ?? {}) as AttributeMapping;
    let accepted;
    try {
      accepted = await acceptSamlResponse(body.SAMLResponse, { idp, sp, requestId: record.session.requestId, skewSeconds: deps.sso.clockSkewSeconds, mapping });
    } catch (error) {
      if (error instanceof SamlRefusal) throw new LogtoError('connector.authorization_failed', { message: error.message }, 400);
      throw error;
    }
    const { assertionId, expiresAt, issuer, userInfo } = accepted;
    const redirectTo = await deps.db.tx(async (q) => {
      const locked = await findExperience(q, uid, deps.clock.now(), true);
      if (!locked) throw noSession();
      const current = ExperienceState.parse(locked.state);
      const waiting = waitingRecord(current, connectorId, relayToken);
      if (waiting.session.requestId !== record.session.requestId) throw noSession();
      if (!(await consumeSamlAssertion(q, `${connectorId}:${assertionId}`, expiresAt)))
        throw new LogtoError('connector.authorization_failed', { message: 'the assertion has been used before' }, 400);
      const code = randomBytes(32).toString('base64url');
      const codeDigest = createHash('sha256').update(code).digest('base64url');
      const next = withRecord(current, { ...waiting, session: { ...waiting.session, assertion: { issuer, userInfo, codeDigest } } });
      await saveExperience(q, uid, { state: next, binding: locked.binding, previous_binding: locked.previous_binding });
      const url = new URL(waiting.session.redirectUri);
      url.searchParams.append('state', waiting.session.state);
      url.searchParams.append('code', code);
      return url.href;
    });
    await auditAssertion(deps, where, request);
    return { redirectTo };
  } catch (error) {
    await auditAssertion(deps, where, request, error);
    throw error;
  }
}
