// Account API M4–M10 (my-account-api.md): the routes that need the identity proof header
// (`logto-verification-id`), in the spec's order of checks (proof → Account Center field → scope →
// the route's own rules); the password change ending the user's other sessions; primary email and
// phone changes with their change notices (SMTP capture) and audit rows; identity unlinking. Records
// are made through the domain (helpers/account-records.ts) until A1–A3 land.
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { ALL_EDITABLE, useAccountSuite } from '../helpers/account.ts';
import { codeRecord, passwordRecord, proof } from '../helpers/account-records.ts';
import { BASE_SETTINGS, PASSWORD } from '../helpers/experience-suite.ts';

const suite = useAccountSuite();

const NEW_PASSWORD = 'Tq4!rWz9#kPe';
const codeOf = (answer: { status: number; body: any }) => [answer.status, answer.body?.code];
const mailsTo = (address: string) => suite.smtp!.received.filter((m) => m.envelopeTo.some((to) => to.toLowerCase() === address.toLowerCase()));
const auditKeys = async (userId: string) =>
  (await suite.t.db.query<{ key: string }>('SELECT key FROM audit_logs WHERE user_id = $1 ORDER BY created_at, key', [userId])).map((r) => r.key);

interface Route {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  field: string;
  scope: string | null;
}

const ROUTES: Route[] = [
  { name: 'M4', method: 'POST', path: '/api/my-account/password', body: { password: NEW_PASSWORD }, field: 'password', scope: null },
  { name: 'M5', method: 'POST', path: '/api/my-account/primary-email', body: { email: 'x@example.com', newIdentifierVerificationRecordId: 'r' }, field: 'email', scope: 'email' },
  { name: 'M6', method: 'DELETE', path: '/api/my-account/primary-email', field: 'email', scope: 'email' },
  { name: 'M7', method: 'POST', path: '/api/my-account/primary-phone', body: { phone: '15550000000', newIdentifierVerificationRecordId: 'r' }, field: 'phone', scope: 'phone' },
  { name: 'M8', method: 'DELETE', path: '/api/my-account/primary-phone', field: 'phone', scope: 'phone' },
  { name: 'M9', method: 'POST', path: '/api/my-account/identities', body: { newIdentifierVerificationRecordId: 'r' }, field: 'social', scope: 'identities' },
  { name: 'M10', method: 'DELETE', path: '/api/my-account/identities/github', field: 'social', scope: 'identities' },
];

describe('the identity proof, the Account Center field and the scope, in that order (M4–M10)', () => {
  it('401 verification_record.permission_denied for a missing, unknown, unbound, unverified, expired or another user’s header record', async () => {
    const user = await suite.signedInUser();
    const other = await suite.signedInUser();
    const expired = await passwordRecord(suite, user.id);
    const cases: Record<string, Record<string, string>> = {
      missing: {},
      unknown: proof('nosuchrecord'),
      unbound: proof(await passwordRecord(suite, user.id, { bound: false })),
      unverified: proof(await codeRecord(suite, user.id, 'email', user.primaryEmail, { bound: true, verified: false })),
      newIdentifier: proof(await codeRecord(suite, user.id, 'email', `n.${suite.unique()}@example.com`)),
      another: proof(await passwordRecord(suite, other.id)),
    };
    suite.t.clock.advance(600_001);
    cases.expired = proof(expired);
    // the header comes before the field: everything Off still answers 401
    await suite.accountCenter({ fields: {} });
    for (const route of ROUTES) {
      for (const [name, headers] of Object.entries(cases)) {
        const answer = await suite.account(route.method, route.path, user.accessToken, route.body, headers);
        expect([route.name, name, ...codeOf(answer)]).toEqual([route.name, name, 401, 'verification_record.permission_denied']);
      }
    }
  });

  it('400 account_center.filed_not_editable with a good header even without the scope; then 400 auth.unauthorized without the scope', async () => {
    const user = await suite.signedInUser();
    const openid = await suite.signIn(user.username, 'openid');
    const header = proof(await passwordRecord(suite, user.id));
    for (const route of ROUTES) {
      for (const control of ['Off', 'ReadOnly']) {
        await suite.accountCenter({ fields: { ...ALL_EDITABLE, [route.field]: control } });
        const refused = await suite.account(route.method, route.path, openid.accessToken, route.body, header);
        expect([route.name, control, ...codeOf(refused)]).toEqual([route.name, control, 400, 'account_center.filed_not_editable']);
      }
    }
    await suite.accountCenter({ fields: ALL_EDITABLE });
    for (const route of ROUTES.filter((r) => r.scope)) {
      const refused = await suite.account(route.method, route.path, openid.accessToken, route.body, header);
      expect([route.name, ...codeOf(refused)]).toEqual([route.name, 400, 'auth.unauthorized']);
    }
  });

  it('accepts a bound code record to the user’s own email as the header', async () => {
    const user = await suite.signedInUser();
    const header = proof(await codeRecord(suite, user.id, 'email', user.primaryEmail, { bound: true }));
    expect((await suite.account('DELETE', '/api/my-account/primary-phone', user.accessToken, undefined, header)).status).toBe(204);
  });
});

describe('M4 POST /api/my-account/password', () => {
  const change = (token: string, header: Record<string, string>, password: string) =>
    suite.account('POST', '/api/my-account/password', token, { password }, header);

  it('applies the sign-in experience password policy (422 password.rejected with the issues) before comparing', async () => {
    const user = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const short = await change(user.accessToken, header, 'k7#Vq2!');
    expect(short).toMatchObject({ status: 422, body: { code: 'password.rejected', data: [{ code: 'password_rejected.too_short', interpolation: { min: 8 } }] } });
    const mine = await change(user.accessToken, header, `${user.username}1`);
    expect(mine.body.data).toContainEqual({ code: 'password_rejected.restricted.user_info' });
    expect(codeOf(await change(user.accessToken, header, ''))).toEqual([400, 'guard.invalid_input']);
  });

  it('422 user.same_password for the current password', async () => {
    const user = await suite.signedInUser();
    expect(codeOf(await change(user.accessToken, proof(await passwordRecord(suite, user.id)), PASSWORD))).toEqual([422, 'user.same_password']);
  });

  it('sets a password for a user without one (no scope needed)', async () => {
    const user = await suite.signedInUser();
    const openid = await suite.signIn(user.username, 'openid');
    await suite.t.db.query('UPDATE users SET password_hash = NULL WHERE id = $1', [user.id]);
    expect((await change(openid.accessToken, proof(await passwordRecord(suite, user.id)), NEW_PASSWORD)).status).toBe(204);
    const [row] = await suite.t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [user.id]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    await expect(suite.signIn(user.username, 'openid', NEW_PASSWORD)).resolves.toBeTruthy();
  });

  it('ends the other sessions and tokens and keeps the caller’s; the new password signs in and the old does not', async () => {
    const user = await suite.newUser();
    const first = await suite.signIn(user.username);
    const second = await suite.signIn(user.username);
    const header = proof(await passwordRecord(suite, user.id));
    expect((await change(first.accessToken, header, NEW_PASSWORD)).status).toBe(204);

    expect(codeOf(await suite.account('GET', '/api/my-account', second.accessToken))).toEqual([401, 'auth.unauthorized']);
    await expect(client.refreshTokenGrant(second.config, second.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });

    expect((await suite.account('GET', '/api/my-account', first.accessToken)).status).toBe(200);
    const refreshed = await client.refreshTokenGrant(first.config, first.refreshToken!);
    expect((await suite.account('GET', '/api/my-account', refreshed.access_token)).body.id).toBe(user.id);

    await expect(suite.signIn(user.username, 'openid', NEW_PASSWORD)).resolves.toBeTruthy();
    await expect(suite.signIn(user.username, 'openid', PASSWORD)).rejects.toThrow(/E6: 422/);
    expect(await auditKeys(user.id)).toContain('Account.Password.Update');
    const [log] = await suite.t.db.query<{ application_id: string }>(`SELECT application_id FROM audit_logs WHERE user_id = $1 AND key = 'Account.Password.Update'`, [
      user.id,
    ]);
    expect(log!.application_id).toBe(suite.rp.id);
  });
});

describe('M5 POST /api/my-account/primary-email, M6 DELETE', () => {
  const setEmail = (token: string, header: Record<string, string>, email: string, recordId: string) =>
    suite.account('POST', '/api/my-account/primary-email', token, { email, newIdentifierVerificationRecordId: recordId }, header);

  it('replaces the email with a verified new one, mails the old address, and writes an audit row', async () => {
    const user = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const email = `new.${suite.unique()}@example.com`;
    expect((await setEmail(user.accessToken, header, email, await codeRecord(suite, user.id, 'email', email))).status).toBe(204);
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).body.primaryEmail).toBe(email);
    const notices = mailsTo(user.primaryEmail);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain(email);
    expect(notices[0]!.headers.subject).toMatch(/email address was changed/);
    expect(mailsTo(email)).toHaveLength(0);
    expect(await auditKeys(user.id)).toContain('Account.PrimaryEmail.Update');
  });

  it('sends nothing when the address did not change, and a failed notice never fails the change', async () => {
    const user = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    expect((await setEmail(user.accessToken, header, user.primaryEmail, await codeRecord(suite, user.id, 'email', user.primaryEmail))).status).toBe(204);
    expect(mailsTo(user.primaryEmail)).toHaveLength(0);
    // the capture refuses mail for nobody@…: the notice fails, the change stands
    const nobody = `nobody@${suite.unique()}.example.com`;
    await suite.t.db.query('UPDATE users SET primary_email = $2 WHERE id = $1', [user.id, nobody]);
    const email = `after.${suite.unique()}@example.com`;
    const answer = await setEmail(user.accessToken, header, email, await codeRecord(suite, user.id, 'email', email));
    expect([answer.status, answer.body]).toEqual([204, null]);
  });

  it('400 verification_record.not_found unless the record is the caller’s live verified email record of exactly that address', async () => {
    const user = await suite.signedInUser();
    const other = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const email = `nf.${suite.unique()}@example.com`;
    const cases = {
      unknown: 'nosuchrecord',
      otherAddress: await codeRecord(suite, user.id, 'email', `x.${email}`),
      otherCase: await codeRecord(suite, user.id, 'email', email.toUpperCase()),
      unverified: await codeRecord(suite, user.id, 'email', email, { verified: false }),
      phone: await codeRecord(suite, user.id, 'phone', '15551234567'),
      password: await passwordRecord(suite, user.id),
      another: await codeRecord(suite, other.id, 'email', email),
    };
    for (const [name, id] of Object.entries(cases)) {
      expect([name, ...codeOf(await setEmail(user.accessToken, header, email, id))]).toEqual([name, 400, 'verification_record.not_found']);
    }
    expect(codeOf(await setEmail(user.accessToken, header, 'not-an-email', cases.unknown))).toEqual([400, 'guard.invalid_input']);
    const long = `${'a'.repeat(120)}@example.com`;
    expect(codeOf(await setEmail(user.accessToken, header, long, await codeRecord(suite, user.id, 'email', long)))).toEqual([400, 'guard.invalid_input']);
  });

  it('422 user.email_already_in_use when another user has it in any case', async () => {
    const user = await suite.signedInUser();
    const other = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const taken = other.primaryEmail.toUpperCase();
    expect(codeOf(await setEmail(user.accessToken, header, taken, await codeRecord(suite, user.id, 'email', taken)))).toEqual([
      422,
      'user.email_already_in_use',
    ]);
    expect(mailsTo(user.primaryEmail)).toHaveLength(0);
  });

  it('M6 removes the email (204 also when already none), mails the removed address; sign-up rules 400', async () => {
    const user = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const remove = () => suite.account('DELETE', '/api/my-account/primary-email', user.accessToken, undefined, header);
    await suite.settings({ signUp: { identifiers: ['email'], password: true, verify: true } });
    expect(codeOf(await remove())).toEqual([400, 'user.email_required']);
    await suite.settings({ signUp: { identifiers: ['email', 'phone'], password: true, verify: true } });
    await suite.t.db.query('UPDATE users SET primary_phone = NULL WHERE id = $1', [user.id]);
    expect(codeOf(await remove())).toEqual([400, 'user.email_or_phone_required']);
    await suite.t.db.query('UPDATE users SET primary_phone = $2 WHERE id = $1', [user.id, user.primaryPhone]);
    expect((await remove()).status).toBe(204);
    await suite.settings(BASE_SETTINGS);
    expect((await remove()).status).toBe(204);
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).body.primaryEmail).toBeNull();
    const notices = mailsTo(user.primaryEmail);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toMatch(/email address was removed/);
    expect(await auditKeys(user.id)).toEqual(expect.arrayContaining(['Account.PrimaryEmail.Delete']));
  });
});

describe('M7 POST /api/my-account/primary-phone, M8 DELETE', () => {
  const setPhone = (token: string, header: Record<string, string>, phone: string, recordId: string) =>
    suite.account('POST', '/api/my-account/primary-phone', token, { phone, newIdentifierVerificationRecordId: recordId }, header);

  it('replaces the phone with a verified new one and tells the primary email; nothing when unchanged', async () => {
    const user = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    expect((await setPhone(user.accessToken, header, user.primaryPhone, await codeRecord(suite, user.id, 'phone', user.primaryPhone))).status).toBe(204);
    expect(mailsTo(user.primaryEmail)).toHaveLength(0);
    const phone = suite.phone();
    expect((await setPhone(user.accessToken, header, phone, await codeRecord(suite, user.id, 'phone', phone))).status).toBe(204);
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).body.primaryPhone).toBe(phone);
    const notices = mailsTo(user.primaryEmail);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain(phone);
    expect(notices[0]!.headers.subject).toMatch(/phone number was changed/);
    expect(await auditKeys(user.id)).toContain('Account.PrimaryPhone.Update');
  });

  it('400 not_found for a record of another number or a `+` number; 400 guard for a non-digit phone; 422 when another user has it', async () => {
    const user = await suite.signedInUser();
    const other = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const phone = suite.phone();
    expect(codeOf(await setPhone(user.accessToken, header, phone, await codeRecord(suite, user.id, 'phone', `+${phone}`)))).toEqual([
      400,
      'verification_record.not_found',
    ]);
    expect(codeOf(await setPhone(user.accessToken, header, phone, await codeRecord(suite, user.id, 'email', `${phone}@example.com`)))).toEqual([
      400,
      'verification_record.not_found',
    ]);
    expect(codeOf(await setPhone(user.accessToken, header, `+${phone}`, 'r'))).toEqual([400, 'guard.invalid_input']);
    expect(codeOf(await setPhone(user.accessToken, header, '1'.repeat(129), 'r'))).toEqual([400, 'guard.invalid_input']);
    expect(codeOf(await setPhone(user.accessToken, header, other.primaryPhone, await codeRecord(suite, user.id, 'phone', other.primaryPhone)))).toEqual([
      422,
      'user.phone_already_in_use',
    ]);
  });

  it('M8 removes the phone, tells the primary email; sign-up rules 400', async () => {
    const user = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const remove = () => suite.account('DELETE', '/api/my-account/primary-phone', user.accessToken, undefined, header);
    await suite.settings({ signUp: { identifiers: ['phone'], password: true, verify: true } });
    expect(codeOf(await remove())).toEqual([400, 'user.phone_required']);
    await suite.settings({ signUp: { identifiers: ['email', 'phone'], password: true, verify: true } });
    await suite.t.db.query('UPDATE users SET primary_email = NULL WHERE id = $1', [user.id]);
    expect(codeOf(await remove())).toEqual([400, 'user.email_or_phone_required']);
    await suite.t.db.query('UPDATE users SET primary_email = $2 WHERE id = $1', [user.id, user.primaryEmail]);
    expect((await remove()).status).toBe(204);
    await suite.settings(BASE_SETTINGS);
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).body.primaryPhone).toBeNull();
    const notices = mailsTo(user.primaryEmail);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toMatch(/phone number was removed/);
    expect(await auditKeys(user.id)).toContain('Account.PrimaryPhone.Delete');
  });
});

describe('M10 DELETE /api/my-account/identities/{target} (M9: social.test.ts)', () => {
  it('M10 removes one target and keeps the others; 404 user.identity_not_exist when there is none', async () => {
    const user = await suite.signedInUser();
    await suite.t.db.query(`UPDATE users SET identities = '{"github": {"userId": "g1"}, "google": {"userId": "o1", "details": {}}}' WHERE id = $1`, [user.id]);
    const header = proof(await passwordRecord(suite, user.id));
    const remove = (target: string) => suite.account('DELETE', `/api/my-account/identities/${target}`, user.accessToken, undefined, header);
    expect((await remove('github')).status).toBe(204);
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).body.identities).toEqual({ google: { userId: 'o1', details: {} } });
    expect(codeOf(await remove('github'))).toEqual([404, 'user.identity_not_exist']);
    expect(codeOf(await remove('facebook'))).toEqual([404, 'user.identity_not_exist']);
    expect(await auditKeys(user.id)).toContain('Account.Identity.Delete');
  });
});
