// Owns the Verity target of the Experience suite: the bench's Verity app (verity.ts) on PostgreSQL
// whose Email connector is a recorder that delivers nothing and writes each code into the shared
// code book (slot = the user's number), a sign-in experience with username + password and email +
// password or code, one SPA (public client, PKCE) with one redirect URI, and `users` users made
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
import type { CodeBook } from './codebook.ts';
import { benchUser, type ExperienceSpec } from './experience-flow.ts';
import { building } from './lifecycle.ts';
import type { Target } from './target.ts';
import { startVerityApp } from './verity.ts';

const REDIRECT_URI = 'https://bench-spa.example.com/callback';

/** A sign-in method: a password always, a code when asked (both primary: the password). */
const method = (identifier: 'username' | 'email', verificationCode: boolean) => ({ identifier, password: true, verificationCode, isPasswordPrimary: true });

/** Sign-up by username + password; sign-in by username with a password, by email with a password or a code. */
const SIGN_IN_EXPERIENCE: SignInExperiencePatch = {
  signInMode: 'SignInAndRegister',
  signUp: { identifiers: ['username'], password: true, verify: false },
  signIn: { methods: [method('username', false), method('email', true)] },
};

/** An Email sender that delivers nothing and records the code under the user's slot in the book. */
function codeRecorder(book: CodeBook, slotOf: ReadonlyMap<string, number>): Sender {
  return {
    name: 'bench-email-recorder',
    channel: 'email',
    send: async ({ to, code }) => {
      const slot = slotOf.get(to.toLowerCase());
      if (slot === undefined) throw new Error(`unexpected recipient ${to}`);
      book.record(slot, code);
      return {};
    },
  };
}

export type ExperienceTarget = Target & { experience: Omit<ExperienceSpec, 'method'> };

export function startVerityExperience(options: {
  databaseUrl: string;
  book: CodeBook;
  users: number;
  password: string;
  /** The argon2id PHC string of `password` (argon2-baseline.ts). */
  passwordHash: string;
}): Promise<ExperienceTarget> {
  return building(async (down) => {
    const { users, password, passwordHash } = options;
    if (users > options.book.size) throw new Error(`${users} users, but the code book has ${options.book.size} slots`);
    const slotOf = new Map(Array.from({ length: users }, (_, i) => [benchUser(i).email, i]));
    const senders = fixedSenders({ email: codeRecorder(options.book, slotOf) });
    const verity = await startVerityApp({ driver: 'pg', databaseUrl: options.databaseUrl, purpose: 'experience', senders }, down);
    const deps = { db: verity.db, clock: systemClock, keyring: verity.keyring };
    await updateSignInExperience(deps, SIGN_IN_EXPERIENCE);
    const spa = await createManagedApplication(deps, {
      name: 'bench SPA',
      type: 'SPA',
      oidcClientMetadata: { redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] },
    });
    for (let i = 0; i < users; i += 1) {
      const { username, email } = benchUser(i);
      await createUser(deps, { username, primaryEmail: email, passwordDigest: passwordHash, passwordAlgorithm: 'Argon2id' });
    }
    return {
      name: 'verity-pg',
      url: verity.url,
      statements: verity.statements,
      experience: { clientId: spa.id, redirectUri: REDIRECT_URI, users, password },
      close: () => down.run(),
    };
  });
}
