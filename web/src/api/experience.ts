// The Experience API as the page calls it (experience-api.md; E-numbers in the comments). Every call
// rides on the interaction cookies the browser already holds.
import { request } from './client.ts';

export type InteractionEvent = 'SignIn' | 'Register' | 'ForgotPassword';
export type IdentifierType = 'username' | 'email' | 'phone';
export interface Identifier {
  type: IdentifierType;
  value: string;
}
export type MfaFactor = 'Totp' | 'WebAuthn' | 'BackupCode';
interface Verification {
  verificationId: string;
}

const V = '/api/experience/verification';

/** E1: starts (or restarts) the interaction's experience with an event. */
export const startExperience = (interactionEvent: InteractionEvent) => request('PUT', '/api/experience', { interactionEvent });
/** E2: SignIn ⇄ Register. */
export const switchEvent = (interactionEvent: InteractionEvent) => request('PUT', '/api/experience/interaction-event', { interactionEvent });
/** E3: identify the user from a verified record (Register: creates the user). */
export const identify = (body: { verificationId?: string; linkSocialIdentity?: boolean } = {}) =>
  request('POST', '/api/experience/identification', body);
/** E4: finish; SignIn/Register answer where the browser goes next. */
export const submit = () => request<{ redirectTo?: string } | undefined>('POST', '/api/experience/submit');
/** E5: the enterprise SSO connectors serving an email's domain. */
export const ssoConnectorsFor = (email: string) =>
  request<{ connectorIds: string[] }>('GET', `/api/experience/sso-connectors?email=${encodeURIComponent(email)}`);

/** E6 */
export const verifyPassword = (identifier: Identifier, password: string) => request<Verification>('POST', `${V}/password`, { identifier, password });
/** E7 */
export const sendCode = (identifier: Identifier, interactionEvent: InteractionEvent) =>
  request<Verification>('POST', `${V}/verification-code`, { identifier, interactionEvent });
/** E8 */
export const verifyCode = (identifier: Identifier, verificationId: string, code: string) =>
  request<Verification>('POST', `${V}/verification-code/verify`, { identifier, verificationId, code });
/** E9 */
export const socialAuthorizationUri = (connectorId: string, state: string, redirectUri: string) =>
  request<Verification & { authorizationUri: string }>('POST', `${V}/social/${encodeURIComponent(connectorId)}/authorization-uri`, { state, redirectUri });
/** E10 */
export const verifySocial = (connectorId: string, connectorData: Record<string, unknown>, verificationId?: string) =>
  request<Verification>('POST', `${V}/social/${encodeURIComponent(connectorId)}/verify`, { connectorData, ...(verificationId ? { verificationId } : {}) });
/** E11 */
export const ssoAuthorizationUri = (connectorId: string, state: string, redirectUri: string) =>
  request<Verification & { authorizationUri: string }>('POST', `${V}/sso/${encodeURIComponent(connectorId)}/authorization-uri`, { state, redirectUri });
/** E12 */
export const verifySso = (connectorId: string, connectorData: Record<string, unknown>, verificationId: string) =>
  request<Verification>('POST', `${V}/sso/${encodeURIComponent(connectorId)}/verify`, { connectorData, verificationId });
/** E13 */
export const createTotpSecret = () => request<Verification & { secret: string; secretQrCode: string }>('POST', `${V}/totp/secret`);
/** E14: with a verificationId (from E13) checks a new secret; without, the user's bound one. */
export const verifyTotp = (code: string, verificationId?: string) =>
  request<Verification>('POST', `${V}/totp/verify`, { code, ...(verificationId ? { verificationId } : {}) });
/** E15 */
export const webAuthnRegistration = () => request<Verification & { registrationOptions: Record<string, unknown> }>('POST', `${V}/web-authn/registration`);
/** E16 */
export const verifyWebAuthnRegistration = (verificationId: string, payload: Record<string, unknown>) =>
  request<Verification>('POST', `${V}/web-authn/registration/verify`, { verificationId, payload });
/** E17 */
export const webAuthnAuthentication = () =>
  request<Verification & { authenticationOptions: Record<string, unknown> }>('POST', `${V}/web-authn/authentication`);
/** E18 */
export const verifyWebAuthnAuthentication = (verificationId: string, payload: Record<string, unknown>) =>
  request<Verification>('POST', `${V}/web-authn/authentication/verify`, { verificationId, payload });
/** E19 */
export const generateBackupCodes = () => request<Verification & { codes: string[] }>('POST', `${V}/backup-code/generate`);
/** E20 */
export const verifyBackupCode = (code: string) => request<Verification>('POST', `${V}/backup-code/verify`, { code });
/** E21 */
export const newPasswordIdentity = (identifier: Identifier, password: string) =>
  request<Verification>('POST', `${V}/new-password-identity`, { identifier, password });
/** E22 */
export const bindMfa = (type: MfaFactor, verificationId: string) => request('POST', '/api/experience/profile/mfa', { type, verificationId });
/** E23 */
export const skipMfa = () => request('POST', '/api/experience/profile/mfa/mfa-skipped');
/** E24 */
export type ProfileInput =
  | { type: 'username'; value: string }
  | { type: 'password'; value: string }
  | { type: 'email' | 'phone' | 'social'; verificationId: string };
export const addProfile = (profile: ProfileInput) => request('POST', '/api/experience/profile', profile);
/** E25 */
export const resetPassword = (password: string) => request('PUT', '/api/experience/profile/password', { password });
