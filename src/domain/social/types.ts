// Owns the contract between the social connectors (one module per factory kind: generic OIDC, generic
// OAuth 2.0, and the Google / GitHub presets built on them) and their users: the Experience API
// (E9/E10, the Social verification record), the Account API (A4/A5) and the Management identities
// route (POST /api/users/{id}/identities). A user of a social connector never sees a provider's
// protocol: it asks for an authorization URI (and keeps the session it gets back), then hands the
// provider's callback parameters in and gets the provider's user.

/** What an authorization started and its callback must match: kept by the caller (in the
 *  interaction's Social record, or the Account API's record) and handed back, used once. */
export interface SocialSession {
  /** The stored connector's id (connectors.id), not its factory. */
  connectorId: string;
  state: string;
  redirectUri: string;
  /** PKCE code verifier (S256), sent with the code exchange. */
  codeVerifier?: string;
  /** OIDC: the nonce the ID token must carry. */
  nonce?: string;
}

/** The provider's user. `email` / `phone` are present only when the provider says it verified them
 *  (an unverified email is never used to find, link or create a user). */
export interface SocialUserInfo {
  /** The provider's stable user id (OIDC `sub`, GitHub's numeric id as a string). */
  id: string;
  email?: string;
  phone?: string;
  name?: string;
  avatar?: string;
  /** The provider's own fields, kept as the identity's `details.rawData` (never tokens). */
  rawData?: Record<string, unknown>;
}

/** A stored social connector, ready to use. */
export interface SocialConnector {
  /** connectors.id */
  id: string;
  /** The factory id (connectors.connector_id), e.g. `google-universal`. */
  factoryId: string;
  /** The identity key in users.identities: the factory's target, or the stored metadata's. */
  target: string;
  syncProfile: boolean;
  /** Starts an authorization: the URI to send the user to, and the session to keep. */
  authorizationUri(input: { state: string; redirectUri: string }): Promise<{ uri: string; session: SocialSession }>;
  /**
   * Finishes one: `connectorData` is what the provider sent back to the redirect URI (`code`, `state`,
   * or `error`). Throws LogtoError: `session.connector_validation_session_not_found` (no session
   * where one is needed), `connector.social_auth_code_invalid` (401: wrong state, an error answer, a
   * code refused by the provider, an ID token that fails validation), `connector.general` (the
   * provider unreachable or answering nonsense).
   */
  userInfo(session: SocialSession | undefined, connectorData: Record<string, unknown>): Promise<SocialUserInfo>;
}

/** Finds stored social connectors. */
export interface SocialConnectors {
  /** The Social connector with this id; null when there is none (or the id names an Email/SMS
   *  connector: `isSocial` tells the two apart for the callers whose spec distinguishes them). */
  find(connectorId: string): Promise<SocialConnector | null>;
  /** Whether a connector with this id exists but is not social (connector.unexpected_type). */
  isNonSocial(connectorId: string): Promise<boolean>;
}
