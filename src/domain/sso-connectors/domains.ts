// Owns the email domains of an SSO connector: normalised to lower case (a domain names the same
// mailboxes in any letter case), never a public mail provider's (anyone can have an address there,
// so routing it to one company's IdP would be wrong), never listed twice.
// Throws LogtoError single_sign_on.forbidden_domains, single_sign_on.duplicated_domains (422),
// with the offending domains as data.
import { LogtoError } from '../errors.ts';

/** Public mailbox providers (Logto's blocklist covers the same ground). */
export const BLOCKED_EMAIL_DOMAINS: ReadonlySet<string> = new Set([
  // global
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com',
  'rocketmail.com', 'icloud.com', 'me.com', 'mac.com', 'aol.com', 'protonmail.com', 'protonmail.ch', 'proton.me', 'pm.me',
  'zoho.com', 'zohomail.com', 'gmx.com', 'gmx.net', 'mail.com', 'fastmail.com', 'tutanota.com', 'tuta.io', 'hey.com',
  'yandex.com', 'yandex.ru', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru',
  // regional
  'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'live.co.uk', 'outlook.fr', 'outlook.de', 'yahoo.co.uk', 'yahoo.fr',
  'yahoo.de', 'yahoo.co.jp', 'yahoo.com.br', 'gmx.de', 'web.de', 't-online.de', 'orange.fr', 'free.fr', 'laposte.net',
  'libero.it', 'naver.com', 'hanmail.net', 'daum.net', 'rediffmail.com',
  // China
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com', '139.com',
]);

/** The domains lower-cased and trimmed, checked. Throws the 422s above. */
export function checkDomains(domains: readonly string[]): string[] {
  const normalized = domains.map((d) => d.trim().toLowerCase());
  const forbidden = [...new Set(normalized.filter((d) => BLOCKED_EMAIL_DOMAINS.has(d)))];
  if (forbidden.length > 0) throw new LogtoError('single_sign_on.forbidden_domains', forbidden);
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const d of normalized) (seen.has(d) ? duplicated : seen).add(d);
  if (duplicated.size > 0) throw new LogtoError('single_sign_on.duplicated_domains', [...duplicated]);
  return normalized;
}
