// Owns the wire shape of a WebAuthn credential as the Experience API takes it (experience-api.md
// E16/E18; README pitfall 8: `type` is "WebAuthn", `clientExtensionResults` is required and spells
// credProps `crepProps`) and its translation to the standard JSON @simplewebauthn/server checks.
// Binary fields stay strings here: a malformed one is the ceremony's failure, not a schema error.
import type { AuthenticationResponseJSON, AuthenticatorTransport, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';

export const Transport = z.enum(['usb', 'nfc', 'ble', 'internal', 'cable', 'hybrid', 'smart-card']);

const ClientExtensionResults = z.object({
  appid: z.boolean().optional(),
  crepProps: z.object({ rk: z.boolean().optional() }).optional(),
  hmacCreateSecret: z.boolean().optional(),
});

const credentialBase = {
  type: z.literal('WebAuthn'),
  id: z.string().min(1),
  rawId: z.string().min(1),
  authenticatorAttachment: z.enum(['cross-platform', 'platform']).optional(),
  clientExtensionResults: ClientExtensionResults,
};

export const RegistrationPayload = z
  .object({
    ...credentialBase,
    response: z.object({
      clientDataJSON: z.string(),
      attestationObject: z.string(),
      authenticatorData: z.string().optional(),
      transports: z.array(Transport).optional(),
      publicKeyAlgorithm: z.number().optional(),
      publicKey: z.string().optional(),
    }),
  })
  .describe('WebAuthnRegistrationPayload');
export type RegistrationPayload = z.infer<typeof RegistrationPayload>;

export const AuthenticationPayload = z
  .object({
    ...credentialBase,
    response: z.object({
      clientDataJSON: z.string(),
      authenticatorData: z.string(),
      signature: z.string(),
      userHandle: z.string().optional(),
    }),
  })
  .describe('WebAuthnAuthenticationPayload');
export type AuthenticationPayload = z.infer<typeof AuthenticationPayload>;

/** Keys whose value is undefined dropped (the library's types are exact about optional keys). */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function extensionsOf(results: RegistrationPayload['clientExtensionResults']) {
  return defined({ appid: results.appid, credProps: results.crepProps, hmacCreateSecret: results.hmacCreateSecret });
}

export function registrationResponseOf(payload: RegistrationPayload): RegistrationResponseJSON {
  const { response } = payload;
  return defined({
    id: payload.id,
    rawId: payload.rawId,
    type: 'public-key' as const,
    response: defined({
      clientDataJSON: response.clientDataJSON,
      attestationObject: response.attestationObject,
      authenticatorData: response.authenticatorData,
      transports: response.transports as AuthenticatorTransport[] | undefined,
      publicKeyAlgorithm: response.publicKeyAlgorithm,
      publicKey: response.publicKey,
    }),
    authenticatorAttachment: payload.authenticatorAttachment,
    clientExtensionResults: extensionsOf(payload.clientExtensionResults),
  });
}

export function authenticationResponseOf(payload: AuthenticationPayload): AuthenticationResponseJSON {
  return defined({
    id: payload.id,
    rawId: payload.rawId,
    type: 'public-key' as const,
    response: defined({ ...payload.response }),
    authenticatorAttachment: payload.authenticatorAttachment,
    clientExtensionResults: extensionsOf(payload.clientExtensionResults),
  });
}
