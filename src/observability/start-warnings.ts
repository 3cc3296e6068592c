// Owns what a production start warns about, in one block: a channel no connector can send on, no
// Management API application, an issuer on localhost or plain http. The rules are pure (startWarnings);
// readStartFacts gathers what they look at. Also the one line about an end-of-life Node.js.
import type { SenderDirectory } from '../connectors/types.ts';
import { MANAGEMENT_API_SCOPE } from '../oidc/resources.ts';
import type { Db } from '../storage/db.ts';

export interface StartFacts {
  mode: 'development' | 'production';
  /** The public URL (config.publicUrl) and whether VERITY_PUBLIC_URL set it. */
  publicUrl: string;
  publicUrlSet: boolean;
  /** The name of the connector each channel sends with, or null when none can. */
  sms: string | null;
  email: string | null;
  /** Whether some application holds the Management API scope. */
  adminApplication: boolean;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0|\[::\])$/i;

/** The public URL's problem, if any: on a loopback name, or not https. */
export function publicUrlProblem(publicUrl: string, set: boolean): string | null {
  const url = new URL(publicUrl);
  const name = set ? `VERITY_PUBLIC_URL is ${publicUrl}` : `VERITY_PUBLIC_URL is not set (so ${publicUrl})`;
  if (LOOPBACK.test(url.hostname) || url.hostname.endsWith('.localhost'))
    return `${name}: the OIDC issuer ${publicUrl}/oidc names this machine; set VERITY_PUBLIC_URL to the https URL clients use`;
  if (url.protocol !== 'https:') return `${name}: not https, so cookies are not Secure and passkeys need https; serve Verity over TLS (docs/reverse-proxy.md)`;
  return null;
}

/** The production start's warning block, or null when there is nothing to say (or in development). */
export function startWarnings(facts: StartFacts): string | null {
  if (facts.mode !== 'production') return null;
  const lines: string[] = [];
  if (!facts.sms) lines.push('no SMS connector: codes to phone numbers cannot be sent (set VERITY_SMS_CONNECTOR, or add one: `npm run verity -- connectors create`)');
  if (!facts.email) lines.push('no email connector: codes to email addresses cannot be sent (set VERITY_SMTP_URL, or add one: `npm run verity -- connectors create`)');
  if (!facts.adminApplication)
    lines.push('no Management API application: nothing can manage this server over HTTP (set VERITY_ADMIN_CLIENT_ID and VERITY_ADMIN_CLIENT_SECRET, or `npm run verity -- admin create`)');
  const url = publicUrlProblem(facts.publicUrl, facts.publicUrlSet);
  if (url) lines.push(url);
  if (!lines.length) return null;
  return [`Production start: ${lines.length} ${lines.length === 1 ? 'thing' : 'things'} missing or risky`, ...lines.map((line) => `  - ${line}`)].join('\n');
}

/** One line when this Node.js is end of life (before 22), naming the production target; else null. */
export function nodeVersionWarning(version: string): string | null {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major) || major >= 22) return null;
  return `Node ${version.replace(/^v/, '')} is end of life; run Verity on Node 24 LTS`;
}

/** What startWarnings looks at, read from the running configuration, senders and database. */
export async function readStartFacts(
  deps: { db: Db; senders: SenderDirectory },
  config: { mode: 'development' | 'production'; publicUrl: string; VERITY_PUBLIC_URL?: string | undefined },
): Promise<StartFacts> {
  const [sms, email] = await Promise.all([deps.senders.resolve('sms'), deps.senders.resolve('email')]);
  // Once at start; an application holds the scope through a role (storage/repos/roles.ts managementScopes).
  const [row] = await deps.db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM application_roles ar JOIN roles r ON r.id = ar.role_id WHERE $1 = ANY (r.scopes)) AS found`,
    [MANAGEMENT_API_SCOPE],
  );
  return {
    mode: config.mode,
    publicUrl: config.publicUrl,
    publicUrlSet: config.VERITY_PUBLIC_URL !== undefined,
    sms: sms?.sender.name ?? null,
    email: email?.sender.name ?? null,
    adminApplication: row?.found ?? false,
  };
}
