// Owns the passkey ceremonies in the browser: the Experience API's options (E15/E17, binary fields as
// base64url) turned into what navigator.credentials wants (ArrayBuffers), and the credential turned
// back into the API's payload (E16/E18: `type` "WebAuthn", `clientExtensionResults` required, credProps
// spelled `crepProps` — src/domain/verification/webauthn-payload.ts). A tiny converter instead of a
// dependency: base64url is the only encoding involved.

type Json = Record<string, unknown>;

export function toBase64Url(buffer: ArrayBuffer): string {
  let binary = '';
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): ArrayBuffer {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

interface CredentialDescriptorJson {
  type: 'public-key';
  id: string;
  transports?: AuthenticatorTransport[];
}

const descriptors = (list: unknown): PublicKeyCredentialDescriptor[] | undefined =>
  Array.isArray(list) ? (list as CredentialDescriptorJson[]).map((d) => ({ ...d, id: fromBase64Url(d.id) })) : undefined;

/** E15's registrationOptions as navigator.credentials.create wants them. */
export function creationOptionsOf(json: Json): PublicKeyCredentialCreationOptions {
  const user = json.user as { id: string; name: string; displayName: string };
  const exclude = descriptors(json.excludeCredentials);
  return {
    ...(json as unknown as PublicKeyCredentialCreationOptions),
    challenge: fromBase64Url(json.challenge as string),
    user: { ...user, id: fromBase64Url(user.id) },
    ...(exclude ? { excludeCredentials: exclude } : {}),
  };
}

/** E17's authenticationOptions as navigator.credentials.get wants them. */
export function requestOptionsOf(json: Json): PublicKeyCredentialRequestOptions {
  const allow = descriptors(json.allowCredentials);
  return {
    ...(json as unknown as PublicKeyCredentialRequestOptions),
    challenge: fromBase64Url(json.challenge as string),
    ...(allow ? { allowCredentials: allow } : {}),
  };
}

const TRANSPORTS = new Set(['usb', 'nfc', 'ble', 'internal', 'cable', 'hybrid', 'smart-card']);

/** The parts of a credential both payloads share. */
function basePayload(credential: PublicKeyCredential): Json {
  const extensions = credential.getClientExtensionResults() as AuthenticationExtensionsClientOutputs & {
    appid?: boolean;
    credProps?: { rk?: boolean };
    hmacCreateSecret?: boolean;
  };
  const attachment = credential.authenticatorAttachment;
  return {
    type: 'WebAuthn',
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    ...(attachment === 'platform' || attachment === 'cross-platform' ? { authenticatorAttachment: attachment } : {}),
    clientExtensionResults: {
      ...(extensions.appid !== undefined ? { appid: extensions.appid } : {}),
      ...(extensions.credProps ? { crepProps: { ...extensions.credProps } } : {}),
      ...(extensions.hmacCreateSecret !== undefined ? { hmacCreateSecret: extensions.hmacCreateSecret } : {}),
    },
  };
}

/** A new credential as E16's payload. */
export function registrationPayloadOf(credential: PublicKeyCredential): Json {
  const response = credential.response as AuthenticatorAttestationResponse;
  const publicKey = response.getPublicKey?.();
  return {
    ...basePayload(credential),
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      attestationObject: toBase64Url(response.attestationObject),
      authenticatorData: toBase64Url(response.getAuthenticatorData()),
      transports: response.getTransports().filter((t) => TRANSPORTS.has(t)),
      publicKeyAlgorithm: response.getPublicKeyAlgorithm(),
      ...(publicKey ? { publicKey: toBase64Url(publicKey) } : {}),
    },
  };
}

/** An assertion as E18's payload. */
export function authenticationPayloadOf(credential: PublicKeyCredential): Json {
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    ...basePayload(credential),
    response: {
      clientDataJSON: toBase64Url(response.clientDataJSON),
      authenticatorData: toBase64Url(response.authenticatorData),
      signature: toBase64Url(response.signature),
      ...(response.userHandle ? { userHandle: toBase64Url(response.userHandle) } : {}),
    },
  };
}

/** Whether this browser can hold a passkey at all. */
export const passkeysSupported = (): boolean => typeof window.PublicKeyCredential === 'function' && Boolean(navigator.credentials);

/** A ceremony the person cancelled or that timed out (NotAllowedError), or one the browser refused. */
export class PasskeyCancelled extends Error {}

async function ceremony(run: () => Promise<Credential | null>): Promise<PublicKeyCredential> {
  let credential: Credential | null;
  try {
    credential = await run();
  } catch (error) {
    if (error instanceof DOMException) throw new PasskeyCancelled(error.name);
    throw error;
  }
  if (!credential) throw new PasskeyCancelled('none');
  return credential as PublicKeyCredential;
}

/** navigator.credentials.create with E15's options; E16's payload. */
export async function createPasskey(options: Json): Promise<Json> {
  return registrationPayloadOf(await ceremony(() => navigator.credentials.create({ publicKey: creationOptionsOf(options) })));
}

/** navigator.credentials.get with E17's options; E18's payload. */
export async function getPasskey(options: Json): Promise<Json> {
  return authenticationPayloadOf(await ceremony(() => navigator.credentials.get({ publicKey: requestOptionsOf(options) })));
}
