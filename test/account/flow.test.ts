// The Account API end to end, as an application and its user run it: sign in through the provider
// (openid-client: authorization code + PKCE) to a real opaque access token, prove the password
// (A1), change it with the proof (M4: the user's other sessions end, this one goes on), prove a new
// email with a code (A2 + A3) and make it the primary email (M5) under a fresh proof by a code to
// the current address; and the records that must not serve: another user's, expired, of the wrong
// type, not verified.
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/experience-suite.ts';
import { useAccountSuite } from '../helpers/account.ts';

const suite = useAccountSuite();
const NEW_PASSWORD = 'Tq7$wNb4!xK9';

describe('Account API flow', () => {
  it('verifies, changes the password and the primary email, ending the other sessions', async () => {
    const user = await suite.signedInUser();
    const elsewhere = await suite.signIn(user.username);

    // A1 → M4 with the proof as the header
    const proof = await suite.passwordProof(user.accessToken);
    const changed = await suite.account('POST', '/api/my-account/password', user.accessToken, { password: NEW_PASSWORD }, { 'logto-verification-id': proof });
    expect(changed.status).toBe(204);
    // this session goes on (its access token, its refresh token); the other one is over
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).status).toBe(200);
    expect((await suite.account('GET', '/api/my-account', elsewhere.accessToken)).body.code).toBe('auth.unauthorized');
    await expect(client.refreshTokenGrant(elsewhere.config, elsewhere.refreshToken!)).rejects.toThrow();
    const refreshed = await client.refreshTokenGrant(user.config, user.refreshToken!);
    expect((await suite.account('GET', '/api/my-account', refreshed.access_token)).status).toBe(200);
    // the new password signs in, the old one does not
    await expect(suite.signIn(user.username, undefined, PASSWORD)).rejects.toThrow(/E6: 422/);
    const again = await suite.signIn(user.username, undefined, NEW_PASSWORD);

    // A2 + A3 to the current address (a proof of identity) and to a new one (the new identifier)
    const identity = await suite.codeProof(again.accessToken, { type: 'email', value: user.primaryEmail });
    const newEmail = `moved.${suite.unique()}@example.com`;
    const fresh = await suite.codeProof(again.accessToken, { type: 'email', value: newEmail });
    const replaced = await suite.account(
      'POST',
      '/api/my-account/primary-email',
      again.accessToken,
      { email: newEmail, newIdentifierVerificationRecordId: fresh },
      { 'logto-verification-id': identity },
    );
    expect(replaced.status).toBe(204);
    expect((await suite.account('GET', '/api/my-account', again.accessToken)).body.primaryEmail).toBe(newEmail);
    expect((await suite.admin('GET', `/api/users/${user.id}`)).primaryEmail).toBe(newEmail);
    // the old address is told
    const notice = suite.smtp!.received.find((m) => m.envelopeTo.includes(user.primaryEmail) && !/\b\d{6}\b/.test(m.body));
    expect(notice?.body).toContain(newEmail);
  });

  it('refuses records that are not the caller’s own live verified proof, each with the spec’s code', async () => {
    const user = await suite.signedInUser();
    const other = await suite.signedInUser();
    const change = (token: string, header: string) =>
      suite.account('POST', '/api/my-account/password', token, { password: NEW_PASSWORD }, { 'logto-verification-id': header });

    // another user's proof
    const theirs = await suite.passwordProof(other.accessToken);
    expect((await change(user.accessToken, theirs)).body.code).toBe('verification_record.permission_denied');
    // a proof that expired (10 minutes from creation)
    const old = await suite.passwordProof(user.accessToken);
    await suite.t.clock.advance(601_000);
    expect((await change(user.accessToken, old)).body.code).toBe('verification_record.permission_denied');
    // a code sent but not verified
    const sent = await suite.account('POST', '/api/verifications/verification-code', user.accessToken, {
      identifier: { type: 'email', value: user.primaryEmail },
    });
    expect(sent.status).toBe(201);
    expect((await change(user.accessToken, sent.body.verificationRecordId)).body.code).toBe('verification_record.permission_denied');
    // a verified record of the wrong type for the new identifier (a password proof), and an
    // identity proof (bound) as the new email's record
    const proof = await suite.passwordProof(user.accessToken);
    const wrongType = await suite.account(
      'POST',
      '/api/my-account/primary-email',
      user.accessToken,
      { email: `x.${suite.unique()}@example.com`, newIdentifierVerificationRecordId: proof },
      { 'logto-verification-id': proof },
    );
    expect([wrongType.status, wrongType.body.code]).toEqual([400, 'verification_record.not_found']);
    // the wrong type on A3: a phone identifier for an email record
    const verify = await suite.account('POST', '/api/verifications/verification-code/verify', user.accessToken, {
      identifier: { type: 'phone', value: user.primaryPhone },
      verificationId: sent.body.verificationRecordId,
      code: '123456',
    });
    expect([verify.status, verify.body.code]).toEqual([400, 'verification_record.not_found']);
    // the good proof still works after all that
    expect((await change(user.accessToken, proof)).status).toBe(204);
  });
});
