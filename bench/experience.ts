// Owns the Verity target of the Experience suite: the bench's Verity app (verity.ts) on PostgreSQL
// or PGlite whose Email connector is a recorder that delivers nothing and records each code (in the
// shared code book, slot = the user's number; memory.ts's child server sends it to the bench
// process instead), a sign-in experience with username + password and email + password or code, one SPA (public client, PKCE) with one redirect URI, and `users` users made
// through the domain (createUser), all storing the same argon2id hash of the bench password: it is
// imported as a digest, so setup hashes once instead of once per user, and each sign-in still costs
// one full argon2id verification at the current parameters (no rehash).
import type { Sender } from '../src/connectors/types.ts';
import { systemClock } from '../src/domain/clock.ts';
import { fixedSenders } from '../src/domain/connectors/senders.ts';
import { createManagedApplication } from '../src/domain/management/applications.ts';
import { updateSignInExperience } from '../src/domain/sign-in-experience/index.ts';
import type { SignInExperiencePatch } from '../src/domain/sign-in-experience/schema.ts';
import { createUser } from '../src/domain/users/create.ts';
import type { Keyring } from '../src/crypto/keyring.ts';
import type { Db } from '../src/storage/db.ts';
import { insertTotp } from '../src/storage/repos/mfa-factors.ts';
import { updateAccountCenter } from '../src/domain/account/account-center.ts';
import { randomString } from '../src/crypto/keyring.ts';
import { createConnector } from '../src/domain/connectors/index.ts';
import type { Egress } from '../src/net/egress.ts';
import { startGithubIdp } from '../test/helpers/github-idp.ts';
import { benchTotpSecret, benchTotpUser, benchUser, type ExperienceSpec, type SocialSpec } from './experience-flow.ts';
import { building, type Teardown } from './lifecycle.ts';
import type { Target } from './target.ts';
import { startVerityApp } from './verity.ts';

const REDIRECT_URI = 'https://bench-spa.example.com/callback';
/** Where the social provider sends the browser back to (the sign-in page's own callback). */
const SOCIAL_REDIRECT_URI = 'https://bench-signin.example.com/social-callback';

/** A sign-in method: a password always, a code when asked (both primary: the password). */
const method = (identifier: 'username' | 'email', verificationCode: boolean) => ({ identifier, password: true, verificationCode, isPasswordPrimary: true });

/** Sign-up by username + password; sign-in by username with a password, by email with a password or
 *  a code; TOTP enabled as a second factor the user may skip (the password and code users have
 *  skipped it, the TOTP users have one bound). */
const SIGN_IN_EXPERIENCE: SignInExperiencePatch = {
  signInMode: 'SignInAndRegister',
  signUp: { identifiers: ['username'], password: true, verify: false },
  signIn: { methods: [method('username', false), method('email', true)] },
  mfa: { factors: ['Totp'], policy: 'UserControlled' },
};

/** TOTP users: at a few hundred flows/s each comes round again long after its last step (a step is
 *  accepted once per user). */
export const TOTP_USERS = 8192;

/** Where a recorder puts a code: the shared code book, or (memory.ts) a message to the bench process. */
export type RecordCode = (slot: number, code: string) => void | Promise<void>;

/** A sender that delivers nothing and records the code under the recipient's slot (`slotOf` keys: lower-case). */
export function codeRecorder(channel: 'email' | 'sms', record: RecordCode, slotOf: ReadonlyMap<string, number>): Sender {
  return {
    name: `bench-${channel}-recorder`,
    channel,
    send: async ({ to, code }) => {
      const slot = slotOf.get(to.toLowerCase());
      if (slot === undefined) throw new Error(`unexpected recipient ${to}`);
      await record(slot, code);
      return {};
    },
  };
}

/** The email address → code book slot of every bench user. */
export const userSlots = (users: number): Map<string, number> => new Map(Array.from({ length: users }, (_, i) => [benchUser(i).email, i]));

export type ExperienceTarget = Target & { experience: Omit<ExperienceSpec, 'method'> };

/** The social flow's provider: the tests' GitHub stand-in on loopback (test/helpers/github-idp.ts),
 *  with one OAuth application and one provider account per bench user, numbered in the same order. */
async function startSocialIdp(users: number, down: Teardown) {
  const idp = await startGithubIdp();
  down.add(() => idp.close());
  const app = idp.addClient();
  let firstAccount = 0;
  for (let i = 0; i < users; i += 1) {
    const account = idp.addUser({ login: `bench_gh_${i}`, emails: [] });
    if (i === 0) firstAccount = account.id;
  }
  return { config: { clientId: app.clientId, clientSecret: app.clientSecret, ...idp.endpoints }, firstAccount };
}

/** A `github-universal` connector on the provider, and bench user i linked to its account i. */
async function prepareSocial(
  deps: { db: Db; keyring: Keyring; egress: Egress },
  idp: Awaited<ReturnType<typeof startSocialIdp>>,
): Promise<SocialSpec> {
  const connector = await createConnector(
    { ...deps, clock: systemClock, mode: 'production', dataDir: 'unused' },
    { connectorId: 'github-universal', config: idp.config },
  );
  const prefix = benchUser(0).username.replace(/0$/, '');
  await deps.db.query(
    `UPDATE users SET identities = jsonb_build_object('github', jsonb_build_object('userId', ($1::bigint + substring(username FROM $2::int)::bigint)::text))
     WHERE username LIKE $3`,
    [idp.firstAccount, prefix.length + 1, `${prefix.replaceAll('_', '\\_')}%`],
  );
  return { connectorId: connector.id, firstAccount: idp.firstAccount, redirectUri: SOCIAL_REDIRECT_URI };
}

/**
 * On a migrated database: the sign-in experience, the SPA, `users` bench users storing
 * `passwordHash`, and `totpUsers` (TOTP_USERS unless given; none where no flow signs in with a
 * TOTP) with a bound TOTP each; answers what a flow needs to sign them in.
 */
export async function prepareExperience(
  deps: { db: Db; keyring: Keyring },
  options: { users: number; password: string; passwordHash: string; totpUsers?: number },
): Promise<Omit<ExperienceSpec, 'method'>> {
  const { users, password, passwordHash, totpUsers = TOTP_USERS } = options;
  const full = { ...deps, clock: systemClock };
  await updateSignInExperience(full, SIGN_IN_EXPERIENCE);
  const spa = await createManagedApplication(full, {
    name: 'bench SPA',
    type: 'SPA',
    oidcClientMetadata: { redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] },
  });
  const skipped: string[] = [];
  for (let i = 0; i < users; i += 1) {
    const { username, email } = benchUser(i);
    skipped.push((await createUser(full, { username, primaryEmail: email, passwordDigest: passwordHash, passwordAlgorithm: 'Argon2id' })).id);
  }
  await deps.db.query('UPDATE users SET mfa_skipped = true WHERE id = ANY($1::text[])', [skipped]);
  // The Account API, for the password-account flow: on, the fields it reads readable.
  await updateAccountCenter(deps, { enabled: true, fields: { username: 'ReadOnly', email: 'ReadOnly', name: 'ReadOnly', password: 'Edit' } });
  const now = new Date();
  for (let i = 0; i < totpUsers; i += 1) {
    const { username, email } = benchTotpUser(i);
    const user = await createUser(full, { username, primaryEmail: email, passwordDigest: passwordHash, passwordAlgorithm: 'Argon2id' });
    await insertTotp(deps.db, { id: randomString(21), userId: user.id, sealedSecret: deps.keyring.encrypt(benchTotpSecret(i)), now });
  }
  return { clientId: spa.id, redirectUri: REDIRECT_URI, users, totpUsers, password };
}

export function startVerityExperience(options: {
  driver: 'pg' | 'pglite';
  databaseUrl: string;
  /** Where the Email recorder puts each code (slot = the user's number). */
  record: RecordCode;
  users: number;
  password: string;
  /** The argon2id PHC string of `password` (argon2-baseline.ts). */
  passwordHash: string;
  totpUsers?: number;
}): Promise<ExperienceTarget> {
  return building(async (down) => {
    const senders = fixedSenders({ email: codeRecorder('email', options.record, userSlots(options.users)) });
    const verity = await startVerityApp({ driver: options.driver, databaseUrl: options.databaseUrl, purpose: 'experience', senders }, down);
    const idp = await startSocialIdp(options.users, down);
    const experience = { ...(await prepareExperience(verity, options)), social: await prepareSocial(verity, idp) };
    return {
      name: `verity-${options.driver}`,
      url: verity.url,
      statements: verity.statements,
      experience,
      close: () => down.run(),
    };
  });
}
