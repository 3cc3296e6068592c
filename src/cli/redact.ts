// Owns how the CLI hides what it must not print: the mask that stands for a credential, and a URL cut
// down to where it points (credentials ride in userinfo, `?token=` queries and fragments).

export const MASK = '********';

/** Scheme, host and path; userinfo, query and fragment only as `…@`, `?…`, `#…`. Not a URL: masked. */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return MASK;
  }
  const userinfo = url.username || url.password ? '…@' : '';
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${url.search ? '?…' : ''}${url.hash ? '#…' : ''}`;
}
