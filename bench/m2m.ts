// Owns the OIDC suite's wire format, shared by Verity and its baseline so both get byte-for-byte
// the same requests: a machine-to-machine client's credentials, the client-credentials grant
// (form body, HTTP Basic client auth, resource = the Management API, scope `all`), and the
// Management API read GET /api/applications/{client id} with the bearer token one grant returned.
import crypto from 'node:crypto';
import { MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE } from '../src/oidc/resources.ts';
import type { CallSpec } from './flows.ts';

export interface M2mClient {
  id: string;
  secret: string;
}

/** Fresh credentials, shaped like the ones the Management API hands out. */
export const newM2mClient = (): M2mClient => ({
  id: `m2m${crypto.randomBytes(8).toString('hex')}`,
  secret: crypto.randomBytes(24).toString('base64url'),
});

export const GRANT_FORM = new URLSearchParams({
  grant_type: 'client_credentials',
  resource: MANAGEMENT_API_RESOURCE,
  scope: MANAGEMENT_API_SCOPE,
}).toString();

/** POST `path` (the token endpoint) for a client-credentials grant; answers 200 with access_token. */
export function grantCall(path: string, client: M2mClient): CallSpec {
  // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
  const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64');
  return {
    method: 'POST',
    path,
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: GRANT_FORM,
    status: 200,
    field: 'access_token',
  };
}

/** GET the client's own application with a bearer token; answers 200 with the application. */
export const readCall = (client: M2mClient, token: string): CallSpec => ({
  method: 'GET',
  path: `/api/applications/${client.id}`,
  headers: { authorization: `Bearer ${token}` },
  status: 200,
  field: 'id',
});

/** Sends one grant outside any measurement and returns its access token (for the read scenario). */
export async function firstToken(baseUrl: string, grant: CallSpec): Promise<string> {
  const response = await fetch(`${baseUrl}${grant.path}`, { method: grant.method, headers: grant.headers, body: grant.body });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`token grant: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Both scenarios' requests for a server whose token endpoint is `tokenPath`. */
export async function m2mCalls(baseUrl: string, tokenPath: string, client: M2mClient): Promise<Record<'grant' | 'read', CallSpec>> {
  const grant = grantCall(tokenPath, client);
  return { grant, read: readCall(client, await firstToken(baseUrl, grant)) };
}
