// The browser binding of an interaction (issue 8 §3, oidc/browser-binding.ts): an attacker who starts
// an authorization request and plants its interaction cookies in a victim's browser cannot use the
// interaction the victim signs in on, nor collect the victim's authorization code; E1 issues the
// binding, E3 rotates it, submit carries it onto the provider, and the provider's resume needs it.
import { describe, expect, it } from 'vitest';
import { initExperience, loadSnapshot, updateExperience, type InteractionContext } from '../../src/domain/experience/store.ts';
import { BINDING_COOKIE } from '../../src/oidc/browser-binding.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';
import { CookieJar, browse, follow } from '../helpers/oidc-flow.ts';

const x = useExperienceSuite();

const E1 = '/api/experience';
const E3 = '/api/experience/identification';
const E4 = '/api/experience/submit';
const E6 = '/api/experience/verification/password';
const notFound = { status: 404, body: { code: 'session.interaction_not_found' } };

/** One Experience API call from the browser holding `jar`, with the cookies it was sent. */
async function call(jar: CookieJar, method: string, path: string, body?: unknown) {
  const response = await browse(jar, `${x.t.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, setCookie: response.headers.getSetCookie() };
}

const password = (username: string) => ({ identifier: { type: 'username', value: username }, password: PASSWORD });

/** An attacker's fresh interaction (GET /oidc/auth in its browser: valid interaction cookies) planted
 *  in a victim's browser, whose sign-in page then starts the Experience API on it (E1) and verifies
 *  the victim's password (E6). */
async function plantedSignIn() {
  const user = await x.newUser();
  const attacker = await x.session(null);
  const victim = new CookieJar();
  victim.plant(attacker.jar);
  expect((await call(victim, 'PUT', E1, { interactionEvent: 'SignIn' })).status).toBe(204);
  const { verificationId } = (await call(victim, 'POST', E6, password(user.username))).body as { verificationId: string };
  return { user, attacker, victim, verificationId };
}

describe('an attacker planting its interaction cookies in a victim browser', () => {
  it('is refused every step once the victim signs in, and its resume yields no code; the victim completes', async () => {
    const { user, attacker, victim, verificationId } = await plantedSignIn();
    expect(victim.get(BINDING_COOKIE)).toBeTruthy();
    expect(attacker.jar.get(BINDING_COOKIE)).toBeUndefined();

    // The attacker, with the same interaction cookies, can neither identify nor submit, nor add records.
    expect(await call(attacker.jar, 'POST', E3, { verificationId })).toMatchObject(notFound);
    expect(await call(attacker.jar, 'POST', E4)).toMatchObject(notFound);
    expect(await call(attacker.jar, 'POST', E6, password(user.username))).toMatchObject(notFound);

    const beforeIdentification = victim.get(BINDING_COOKIE);
    expect((await call(victim, 'POST', E3, { verificationId })).status).toBe(204);
    expect(victim.get(BINDING_COOKIE)).not.toBe(beforeIdentification);
    expect(await call(attacker.jar, 'POST', E4)).toMatchObject(notFound);
    const submitted = await call(victim, 'POST', E4);
    expect(submitted.status).toBe(200);
    const { redirectTo } = submitted.body as { redirectTo: string };

    // The attacker resumes first, with every cookie it has: to the provider there is no such
    // interaction in this browser, and there is no code; nor on other spellings of the path.
    const resumed = await follow(attacker.jar, redirectTo);
    expect(resumed.response.status).toBe(400);
    expect(resumed.location).toBeNull();
    expect(await resumed.response.json()).toMatchObject({ error: 'invalid_request', error_description: 'interaction session not found' });
    const cookie = attacker.jar.header(redirectTo);
    expect(cookie).toMatch(/_interaction_resume=/);
    for (const [method, url] of [
      ['HEAD', redirectTo],
      ['GET', redirectTo.replace('/oidc/auth/', '/oidc/AUTH/')],
      ['GET', `${redirectTo}/`],
      ['GET', `${x.t.url}/oidc/auth/another-uid`],
    ] as const) {
      const response = await fetch(url, { method, headers: { cookie }, redirect: 'manual' });
      expect(response.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(response.headers.get('location')).toBeNull();
      await response.arrayBuffer();
    }
    await expect(attacker.finish(redirectTo)).rejects.toThrow('did not redirect back to the client');

    // The victim's own browser still completes: the code lands at the client's redirect URI there.
    const completed = await follow(victim, redirectTo);
    expect(completed.location).toMatch(new RegExp(`^${x.rp.redirectUri}\\?code=`));
    // … and the attacker, holding its PKCE verifier and state, still has no code to exchange.
    await expect(attacker.finish(redirectTo)).rejects.toThrow();

    const refusals = await x.t.db.query<{ key: string; error: { code: string } }>(
      `SELECT key, error FROM audit_logs WHERE interaction_id = $1 AND key LIKE '%.BrowserBinding'`,
      [attacker.uid],
    );
    expect(refusals).toHaveLength(4);
    expect(refusals.every((r) => r.key === 'Interaction.SignIn.BrowserBinding' && r.error.code === 'session.interaction_not_found')).toBe(true);
  });

  it('a resume racing the victim\'s submit yields no code, whichever read comes first', async () => {
    // The interleaving a separate check before the provider would lose: the attacker's resume reads the
    // interaction before the victim's submit stores the result on it, and the provider reads it again
    // after. Every read the resume makes goes through the binding check, so there is still no code.
    const { attacker, victim, verificationId } = await plantedSignIn();
    expect((await call(victim, 'POST', E3, { verificationId })).status).toBe(204);
    const resumeUrl = `${x.t.config.issuer}/auth/${attacker.uid}`;
    const cookie = attacker.jar.header(resumeUrl);

    const db = x.t.db as { query: (sql: string, params?: unknown[]) => Promise<unknown[]> };
    const query = db.query.bind(db);
    let attackerResume: Promise<Response> | undefined;
    let firstReadDone!: () => void;
    const firstRead = new Promise<void>((resolve) => (firstReadDone = resolve));
    let saveHeld = false;
    db.query = async (sql, params) => {
      const saving = sql.includes('INSERT INTO oidc_models') && JSON.stringify(params ?? []).includes('verityBrowserBinding');
      if (saving && !saveHeld) {
        saveHeld = true;
        attackerResume = fetch(resumeUrl, { headers: { cookie }, redirect: 'manual' });
        await firstRead; // the victim's result is stored only once the attacker's resume has read once
        return query(sql, params);
      }
      const rows = await query(sql, params);
      const readsInteraction = /FROM oidc_models/.test(sql) && params?.[0] === 'Interaction' && params?.[1] === attacker.uid;
      if (saveHeld && readsInteraction) firstReadDone();
      return rows;
    };
    let submitted;
    try {
      submitted = await call(victim, 'POST', E4);
    } finally {
      db.query = query;
    }
    expect(submitted.status).toBe(200);
    const answer = await attackerResume!;
    expect(answer.headers.get('location') ?? '').not.toMatch(/[?&]code=/);
    await answer.arrayBuffer();
    // The attacker's resume read the interaction before its result existed, so the provider went on
    // without a sign-in and ended that interaction: the victim's sign-in is lost (it starts again),
    // and no browser ever holds a code for it.
    const completed = await follow(victim, submitted.body.redirectTo as string);
    expect(completed.location).toBeNull();
    expect(await completed.response.json()).toMatchObject({ error: 'invalid_request', error_description: 'interaction session not found' });
  });

  it('a planted resume cookie of a bound interaction does not stop the victim signing in anew', async () => {
    // The attacker finishes a sign-in of its own but does not resume it, then plants that
    // interaction's cookies: the victim's new authorization request and logout still work.
    const own = await x.newUser();
    const attacker = await x.session('SignIn');
    const { verificationId } = (await call(attacker.jar, 'POST', E6, password(own.username))).body;
    expect((await call(attacker.jar, 'POST', E3, { verificationId })).status).toBe(204);
    expect((await call(attacker.jar, 'POST', E4)).status).toBe(200);
    const victim = await x.session(null);
    victim.jar.plant(attacker.jar);
    const again = await browse(victim.jar, String(victim.request.url));
    await again.arrayBuffer();
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toMatch(/\/sign-in\?uid=/);
  });

  it('the attacker restarting with E1 only resets the state: the victim then fails safely', async () => {
    const { attacker, victim, verificationId } = await plantedSignIn();

    expect((await call(attacker.jar, 'PUT', E1, { interactionEvent: 'SignIn' })).status).toBe(204);
    // the victim's binding no longer matches; the attacker's fresh state has none of the victim's records
    expect(await call(victim, 'POST', E3, { verificationId })).toMatchObject(notFound);
    expect(await call(victim, 'POST', E4)).toMatchObject(notFound);
    expect(await call(attacker.jar, 'POST', E3, { verificationId })).toMatchObject({ status: 404, body: { code: 'session.verification_session_not_found' } });
    expect(await call(attacker.jar, 'POST', E4)).toMatchObject({ status: 404, body: { code: 'session.identifier_not_found' } });
  });
});

describe('the binding cookie and its rotation', () => {
  it('E1 sets it HttpOnly, SameSite=Lax, path /, for the life of the interaction; only a keyed digest is stored', async () => {
    const s = await x.session(null);
    const started = await call(s.jar, 'PUT', E1, { interactionEvent: 'SignIn' });
    const [line, ...others] = started.setCookie;
    expect(others).toEqual([]);
    const [pair, ...attributes] = line!.split('; ');
    expect(pair).toMatch(new RegExp(`^${BINDING_COOKIE}=[\\w-]{43}$`));
    expect(attributes.filter((a) => !a.startsWith('Max-Age=')).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Lax']);
    const maxAge = Number(attributes.find((a) => a.startsWith('Max-Age='))!.slice(8));
    expect(maxAge).toBeGreaterThan(3500);
    expect(maxAge).toBeLessThanOrEqual(3600);

    const token = s.jar.get(BINDING_COOKIE)!;
    const [row] = await x.t.db.query<{ binding: string }>('SELECT binding FROM experience_interactions WHERE uid = $1', [s.uid]);
    expect(row!.binding).toMatch(/^[0-9a-f]{12}\.[\w-]{43}$/);
    expect(row!.binding).not.toContain(token);

    // E1 again issues another binding; the one before no longer holds the interaction
    const again = await call(s.jar, 'PUT', E1, { interactionEvent: 'SignIn' });
    expect(again.setCookie).toHaveLength(1);
    expect(s.jar.get(BINDING_COOKIE)).not.toBe(token);
    const stale = new CookieJar();
    stale.plant(s.jar);
    stale.set(BINDING_COOKIE, token);
    expect(await call(stale, 'POST', E6, password('nobody'))).toMatchObject(notFound);
  });

  it('E3 rotates it; the binding it replaced may repeat the identification (no cookie) but not change the state or submit', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    // the binding as it was before identification, as a fixation attacker might hold it
    const fixed = new CookieJar();
    fixed.plant(s.jar);
    const { verificationId } = (await call(s.jar, 'POST', E6, password(user.username))).body;
    const identified = await call(s.jar, 'POST', E3, { verificationId });
    expect(identified.status).toBe(204);
    expect(identified.setCookie).toHaveLength(1);
    expect(s.jar.get(BINDING_COOKIE)).not.toBe(fixed.get(BINDING_COOKIE));

    // a second click with the old cookie answers as the first did, and issues nothing
    expect(await call(fixed, 'POST', E3, { verificationId })).toEqual({ status: 204, body: null, setCookie: [] });
    expect(await call(fixed, 'POST', E6, password(user.username))).toMatchObject(notFound);
    expect(await call(fixed, 'PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).toMatchObject(notFound);
    expect(await call(fixed, 'POST', E4)).toMatchObject(notFound);
    // the current binding identifies again without rotating (nothing changes) and submits
    expect(await call(s.jar, 'POST', E3, { verificationId })).toEqual({ status: 204, body: null, setCookie: [] });
    const submitted = await call(s.jar, 'POST', E4);
    expect(submitted.status).toBe(200);
    expect((await s.finish(submitted.body.redirectTo)).claims()?.sub).toBe(user.id);
  });

  it('a state stored before bindings existed answers as if there were none until E1 starts over', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    await x.t.db.query('UPDATE experience_interactions SET binding = NULL WHERE uid = $1', [s.uid]);
    expect(await call(s.jar, 'POST', E6, password(user.username))).toMatchObject(notFound);
    expect((await call(s.jar, 'PUT', E1, { interactionEvent: 'SignIn' })).status).toBe(204);
    expect((await call(s.jar, 'POST', E6, password(user.username))).status).toBe(200);
  });
});

describe('the store', () => {
  it('does not store a change computed before E1 restarted the interaction, even onto an equal state', async () => {
    const deps = { db: x.t.db, clock: x.t.clock, keyring: x.t.keyring };
    const uid = `binding-race-${x.unique()}`;
    const context = (): InteractionContext => ({
      uid,
      applicationId: null,
      expiresAt: new Date(Date.now() + 3_600_000),
      ip: null,
      userAgent: null,
      binding: { presented: null },
    });
    const victim = context();
    await initExperience(deps, victim, 'SignIn');
    victim.binding.presented = victim.binding.issued!;
    const snapshot = await loadSnapshot(deps, victim);
    // the attacker's E1 lands between the victim's read and write: the same initial state, a new binding
    await initExperience(deps, context(), 'SignIn');
    await expect(updateExperience(deps, victim, snapshot, (state) => ({ ...state, userId: 'victim' }))).rejects.toMatchObject({
      code: 'session.interaction_not_found',
    });
    const [row] = await x.t.db.query<{ state: { userId?: string } }>('SELECT state FROM experience_interactions WHERE uid = $1', [uid]);
    expect(row!.state.userId).toBeUndefined();
  });
});
