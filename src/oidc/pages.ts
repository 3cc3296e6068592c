// Owns the HTML the provider renders through our configuration: the RP-initiated logout page and the
// signed-out page. Logout asks first — "Sign out" submits the provider's form with logout=yes (the
// whole Verity session ends), "Stay signed in" submits it without (only the asking application's
// sign-in ends, as the provider defines it) — unless the request carries an id_token_hint for the
// account signed in here, which is then proof enough and the page submits itself. That auto-submit is
// the only inline script; it runs by its hash, added to the response's Content-Security-Policy (the
// headers themselves: http/security-headers.ts), as the provider does for its form_post page.
import crypto from 'node:crypto';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** Adds the sha256 of `script` to the script-src of the response's CSP, if it has one; returns it. */
export function allowInlineScript(ctx: KoaContextWithOIDC, script: string): string {
  const csp = ctx.response.get('content-security-policy');
  if (!csp) return script;
  const hash = `'sha256-${crypto.createHash('sha256').update(script).digest('base64')}'`;
  const directives = csp.split(';').map((d) => d.trim()).filter(Boolean);
  ctx.set('content-security-policy', directives.map((d) => (d.split(/\s+/)[0] === 'script-src' ? `${d} ${hash}` : d)).join('; '));
  return script;
}

const page = (title: string, body: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body>${body}</body></html>`;

const AUTO_SUBMIT = "document.getElementById('op.logoutForm').submit()";

/** features.rpInitiatedLogout.logoutSource: `form` is the provider's form (id op.logoutForm, xsrf). */
export function logoutSource(ctx: KoaContextWithOIDC, form: string): void {
  const hint = (ctx.oidc.entities as { IdTokenHint?: { payload?: { sub?: unknown } } }).IdTokenHint;
  const accountId = ctx.oidc.session?.accountId;
  ctx.type = 'html';
  if (accountId !== undefined && hint?.payload?.sub === accountId) {
    ctx.body = page(
      'Signing out',
      `${form}<input type="hidden" form="op.logoutForm" name="logout" value="yes">
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<script>${allowInlineScript(ctx, AUTO_SUBMIT)}</script>`,
    );
    return;
  }
  ctx.body = page(
    'Sign out',
    `<main><h1>Sign out?</h1><p>An application asked to sign you out.</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button></main>`,
  );
}

/** features.rpInitiatedLogout.postLogoutSuccessSource: where logout ends without a client URI. */
export function postLogoutSuccessSource(ctx: KoaContextWithOIDC): void {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<main><p>Signed out.</p></main>');
}
