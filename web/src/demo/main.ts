// The demo application (/demo, VERITY_DEMO_APP): an OIDC public client that starts an authorization
// request with PKCE, lets the sign-in page do its work, exchanges the code at /oidc/token on its return
// to /demo/callback, and shows the ID token's claims and the userinfo endpoint's. The PKCE verifier and state wait in this tab's
// sessionStorage during the round trip and are removed at the callback; no token is kept anywhere.
import './demo.css';

const CLIENT_ID = 'demo';
const origin = window.location.origin;
const redirectUri = `${origin}/demo/callback`;
const PENDING = 'verity.demo.pending';

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

async function signIn() {
  const verifier = random();
  const state = random();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const url = new URL('/oidc/auth', origin);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile email phone',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    prompt: 'login',
  }).toString();
  window.location.assign(url);
}

function claimsTable(caption: string, claims: Record<string, unknown>): HTMLTableElement {
  const table = el('table');
  table.append(el('caption', caption));
  for (const [name, value] of Object.entries(claims)) {
    const row = el('tr');
    row.append(el('th', name, { scope: 'row' }), el('td', typeof value === 'string' ? value : JSON.stringify(value)));
    table.append(row);
  }
  return table;
}

function home(main: HTMLElement) {
  main.append(el('h1', 'Verity demo application'), el('p', 'Sign in through the hosted sign-in page; this page then shows who you are.'));
  const button = el('button', 'Sign in', { type: 'button', class: 'primary' });
  button.addEventListener('click', () => void signIn());
  main.append(button);
}

async function callback(main: HTMLElement) {
  const params = new URLSearchParams(window.location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(PENDING);
  window.history.replaceState(null, '', '/demo/callback');
  // Nothing from the query is shown before its state proves this tab started the sign-in.
  if (!pending || params.get('state') !== pending.state) throw new Error('This callback does not match a sign-in started here.');
  if (params.get('error')) throw new Error(`${params.get('error')}: ${params.get('error_description') ?? ''}`);
  const response = await fetch('/oidc/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code') ?? '',
      redirect_uri: redirectUri,
      client_id: CLIENT_ID,
      code_verifier: pending.verifier,
    }),
  });
  const tokens = (await response.json()) as { id_token?: string; access_token?: string; error?: string; error_description?: string };
  if (!response.ok || !tokens.id_token) throw new Error(`${tokens.error ?? response.status}: ${tokens.error_description ?? ''}`);
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(tokens.id_token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  main.append(el('h1', 'Signed in'), el('p', 'The ID token Verity issued says:'), claimsTable('ID token claims', claims));
  // The profile claims (name, email, phone) come from the userinfo endpoint, with the access token.
  const me = tokens.access_token ? await fetch('/oidc/me', { headers: { authorization: `Bearer ${tokens.access_token}` } }) : null;
  if (me?.ok) main.append(claimsTable('Userinfo claims', (await me.json()) as Record<string, unknown>));
  const end = new URL('/oidc/session/end', origin);
  end.search = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: `${origin}/demo`, id_token_hint: tokens.id_token }).toString();
  const again = el('button', 'Sign in again', { type: 'button', class: 'primary' });
  again.addEventListener('click', () => void signIn());
  main.append(again, el('a', 'Sign out', { href: end.href }));
}

const main = el('main');
document.getElementById('app')!.append(main);
(window.location.pathname.startsWith('/demo/callback') ? callback(main) : Promise.resolve(home(main))).catch((error: unknown) => {
  main.replaceChildren(el('h1', 'Sign-in did not finish'), el('p', error instanceof Error ? error.message : String(error), { role: 'alert' }));
  const retry = el('a', 'Back to the demo', { href: '/demo' });
  main.append(retry);
});
