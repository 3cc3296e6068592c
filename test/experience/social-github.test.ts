// Social sign-in through the Experience API with the GitHub connector (OAuth 2.0 + GitHub's user and
// emails API) against a loopback server playing GitHub: registration takes the primary *verified*
// email (never the unverified public one), the linked user signs in again, and a related user is
// named only by a verified address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useExperienceSuite } from '../helpers/experience-suite.ts';
import { startGithubIdp, type GithubIdp, type GithubUser } from '../helpers/github-idp.ts';
import { createSocialConnector } from '../helpers/social.ts';
import { REDIRECT_URI, submitted, verifySocial } from '../helpers/social-flow.ts';
import type { ExperienceSession } from '../helpers/experience.ts';

const x = useExperienceSuite();
const E3 = '/api/experience/identification';
let gh: GithubIdp;
let connectorId: string;

beforeAll(async () => {
  gh = await startGithubIdp();
  ({ id: connectorId } = await createSocialConnector(x.t, x.token, 'github-universal', { ...gh.endpoints, ...gh.addClient() }));
});
afterAll(async () => {
  await gh?.close();
});

/** E9 → login at "GitHub" → E10: the verified record's id. */
async function githubVerified(s: ExperienceSession, user: GithubUser): Promise<string> {
  const started = await s.call('POST', `/api/experience/verification/social/${connectorId}/authorization-uri`, { state: `st-${x.unique()}`, redirectUri: REDIRECT_URI });
  expect(started.status).toBe(200);
  const { params } = await gh.login(started.body.authorizationUri, user.id);
  const verified = await verifySocial(s, connectorId, started.body.verificationId, params);
  expect(verified.status).toBe(200);
  return started.body.verificationId;
}

const userRow = async (id: string) => (await x.t.db.query<any>('SELECT * FROM users WHERE id = $1', [id]))[0];

describe('GitHub social sign-in', () => {
  it('registers with the primary verified email, then signs the linked user in', async () => {
    await x.settings({ signUp: { identifiers: [], password: false, verify: false } });
    const n = x.unique();
    const octo = gh.addUser({
      login: `octo${n}`,
      name: 'Octo Cat',
      email: `public.${n}@octo.test`,
      emails: [
        { email: `unverified.${n}@octo.test`, verified: false, primary: false },
        { email: `verified.${n}@octo.test`, verified: true, primary: true },
      ],
    });
    const s = await x.session('Register');
    expect(await s.call('POST', E3, { verificationId: await githubVerified(s, octo) })).toEqual({ status: 201, body: null });
    const { sub, amr } = await submitted(s);
    expect(amr).toEqual(['fed']);
    const row = await userRow(sub);
    expect(row).toMatchObject({ primary_email: `verified.${n}@octo.test`, name: 'Octo Cat' });
    expect(row.identities.github).toMatchObject({ userId: String(octo.id) });

    const again = await x.session('SignIn');
    expect((await again.call('POST', E3, { verificationId: await githubVerified(again, octo) })).status).toBe(204);
    expect((await submitted(again)).sub).toBe(sub);
  });

  it('names a related user only by a verified address, never by the public or an unverified one', async () => {
    const n = x.unique();
    const owner = await x.newUser({ primaryEmail: `mine.${n}@example.com` });
    const unverifiedOnly = gh.addUser({ login: `u${n}`, email: `mine.${n}@example.com`, emails: [{ email: `mine.${n}@example.com`, verified: false, primary: true }] });
    const s = await x.session('SignIn');
    const refused = await s.call('POST', E3, { verificationId: await githubVerified(s, unverifiedOnly) });
    expect(refused).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect(refused.body).not.toHaveProperty('data');

    const verified = gh.addUser({ login: `v${n}`, emails: [{ email: `mine.${n}@example.com`, verified: true, primary: true }] });
    const related = await s.call('POST', E3, { verificationId: await githubVerified(s, verified) });
    expect(related).toMatchObject({ status: 404, body: { data: { relatedUser: { type: 'email', value: `mine.${n}@example.com` } } } });
    expect((await userRow(owner.id)).identities).toEqual({});
  });
});
