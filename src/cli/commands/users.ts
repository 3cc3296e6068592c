// Owns `users *`: people's accounts, through the use cases the Management API runs (domain/users),
// so hashing, uniqueness and suspension behave alike. A new password must also pass the sign-in
// experience's password policy (the rules people meet when they choose one). A password is never
// printed, except one `users reset-password --generate` made, once, and never taken from the command
// line (other local users read it in /proc/<pid>/cmdline): stdin or a no-echo prompt only.
import { ALNUM, randomString } from '../../crypto/keyring.ts';
import { userLockoutIdentifiers } from '../../domain/account/lockout.ts';
import { keyOf, type LockoutIdentifier } from '../../domain/experience/lockout.ts';
import { parseSearch } from '../../domain/search.ts';
import { assertPasswordAccepted, type PasswordUserInfo } from '../../domain/sign-in-experience/password-check.ts';
import { getSignInExperience } from '../../domain/sign-in-experience/index.ts';
import { createUser } from '../../domain/users/create.ts';
import { emailRule, phoneRule, usernameRule } from '../../domain/users/identifier-rules.ts';
import { setUserPassword } from '../../domain/users/password.ts';
import { listUsers } from '../../domain/users/read.ts';
import { setSuspended } from '../../domain/users/update.ts';
import { toUserView, type UserView } from '../../domain/users/view.ts';
import { deleteLockouts } from '../../storage/repos/lockouts.ts';
import * as repo from '../../storage/repos/users.ts';
import { parseArgs } from '../args.ts';
import { CliUsageError, type CliCommand } from '../command.ts';
import type { CliDeps } from '../context.ts';
import { readNewPassword } from '../prompt.ts';
import { details, render, table } from '../table.ts';

const PAGE = 50;

/** The Management API's rules for a new user's identifiers (domain/users/identifier-rules.ts). */
const IDENTIFIER_RULES = { username: usernameRule, primaryEmail: emailRule, primaryPhone: phoneRule } as const;

function checkIdentifiers(input: Partial<Record<keyof typeof IDENTIFIER_RULES, string | undefined>>) {
  for (const [field, rule] of Object.entries(IDENTIFIER_RULES)) {
    const value = input[field as keyof typeof IDENTIFIER_RULES];
    if (value !== undefined && !rule.safeParse(value).success) throw new CliUsageError(`${field}: not a valid value`);
  }
}

/** A user by id, else by the identifier it looks like: an email (has @), a phone (digits, +, spaces,
 *  dashes, parentheses), else a username. Throws when there is none. */
async function findUserArg(deps: Pick<CliDeps, 'db'>, given: string | undefined, verb: string): Promise<repo.UserRow> {
  if (!given) throw new CliUsageError(`users ${verb} needs a user id, username, email or phone`);
  const byId = await repo.findUser(deps.db, given);
  if (byId) return byId;
  const identifier: LockoutIdentifier = given.includes('@')
    ? { type: 'email', value: given }
    : /^\+?[\d\s()-]{5,}$/.test(given)
      ? { type: 'phone', value: given.replace(/\D/g, '') }
      : { type: 'username', value: given };
  const row = await repo.findUserByIdentifier(deps.db, identifier);
  if (!row) throw new Error(`no user ${given}`);
  return row;
}

async function checkPolicy(deps: Pick<CliDeps, 'db'>, password: string, user: PasswordUserInfo) {
  const { passwordPolicy } = await getSignInExperience(deps.db);
  assertPasswordAccepted(passwordPolicy, password, user);
}

/** 4 groups of 5 letters and digits: ~119 bits, and every character kind the default policy counts. */
function generatePassword(): string {
  return Array.from({ length: 4 }, () => randomString(5, ALNUM)).join('-');
}

/** `--password <p>` existed once; it is refused by name, so the mistake says what to use instead. */
function refusePasswordArg(args: readonly string[]) {
  if (args.some((a) => a === '--password' || a.startsWith('--password=')))
    throw new CliUsageError('--password is not accepted: a password in the command line is visible to other local users. Use --password-stdin (or the prompt)');
}

const summaryOf = (u: UserView) => ({
  id: u.id,
  username: u.username,
  primaryEmail: u.primaryEmail,
  primaryPhone: u.primaryPhone,
  name: u.name,
  hasPassword: u.hasPassword,
  isSuspended: u.isSuspended,
  createdAt: new Date(u.createdAt),
  lastSignInAt: u.lastSignInAt === null ? null : new Date(u.lastSignInAt),
});

function suspension(suspend: boolean): CliCommand {
  const verb = suspend ? 'suspend' : 'unsuspend';
  return {
    name: `users ${verb}`,
    args: '<userIdOrIdentifier>',
    summary: suspend ? 'suspend a user: sign-in refused, sessions and tokens revoked' : 'lift a suspension',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const deps = await context.open();
      const user = await setSuspended(deps, (await findUserArg(deps, positional[0], verb)).id, suspend);
      return render(context, summaryOf(user), details);
    },
  };
}

export const commands: CliCommand[] = [
  {
    name: 'users list',
    args: '[search]',
    summary: `list users, newest first (the first ${PAGE}); search matches id, username, email, phone or name`,
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const deps = await context.open();
      const search = positional[0] ? parseSearch({ search: `%${positional[0]}%` }, repo.USER_SEARCH_FIELDS) : null;
      const { users, total } = await listUsers(deps, search, { limit: PAGE, offset: 0 });
      const data = { total, users: users.map(summaryOf) };
      return render(context, data, (d) => {
        const rows = table(d.users, [
          { header: 'ID', value: (u) => u.id },
          { header: 'USERNAME', value: (u) => u.username },
          { header: 'EMAIL', value: (u) => u.primaryEmail },
          { header: 'PHONE', value: (u) => u.primaryPhone },
          { header: 'PASSWORD', value: (u) => (u.hasPassword ? 'yes' : 'no') },
          { header: 'SUSPENDED', value: (u) => (u.isSuspended ? 'yes' : 'no') },
          { header: 'CREATED', value: (u) => u.createdAt },
        ]);
        return d.total > d.users.length ? `${rows}\n(${d.users.length} of ${d.total}; narrow with a search)` : rows;
      });
    },
  },
  {
    name: 'users show',
    args: '<userIdOrIdentifier>',
    summary: 'show one user (never the password hash)',
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const deps = await context.open();
      return render(context, summaryOf(toUserView(await findUserArg(deps, positional[0], 'show'))), details);
    },
  },
  {
    name: 'users create',
    args: '[--username x] [--email y] [--phone z] [--name n] [--password-stdin]',
    summary: 'create a user; --password-stdin reads a password (first line of stdin, or typed without echo) that must pass the password policy',
    async run(args, context) {
      refusePasswordArg(args);
      const { flags } = parseArgs(args, { strings: ['username', 'email', 'phone', 'name'], booleans: ['password-stdin'], max: 0 });
      const str = (key: string) => (typeof flags[key] === 'string' ? (flags[key] as string) : undefined);
      const input = { username: str('username'), primaryEmail: str('email'), primaryPhone: str('phone')?.replace(/\D/g, ''), name: str('name') };
      if (!input.username && !input.primaryEmail && !input.primaryPhone)
        throw new CliUsageError('users create needs --username, --email or --phone');
      checkIdentifiers(input);
      const password = flags['password-stdin'] ? await readNewPassword(context.stdin) : undefined;
      const deps = await context.open();
      if (password !== undefined) await checkPolicy(deps, password, input);
      const defined = Object.fromEntries(Object.entries({ ...input, password }).filter(([, v]) => v !== undefined));
      return render(context, summaryOf(await createUser(deps, defined)), details);
    },
  },
  {
    name: 'users reset-password',
    args: '<userIdOrIdentifier> [--generate | --password-stdin]',
    summary: 'set a new password: typed without echo on a terminal, else read from stdin; --generate prints one once',
    async run(args, context) {
      refusePasswordArg(args);
      const { positional, flags } = parseArgs(args, { booleans: ['generate', 'password-stdin'], max: 1 });
      if (flags.generate && flags['password-stdin']) throw new CliUsageError('give --generate or --password-stdin, not both');
      const deps = await context.open();
      const user = await findUserArg(deps, positional[0], 'reset-password');
      const info = { username: user.username, primaryEmail: user.primary_email, primaryPhone: user.primary_phone, name: user.name };
      let password: string | undefined;
      if (flags.generate) {
        password = generatePassword();
        // A random one practically never trips a rule; if it ever did, draw again.
        for (let tries = 0; tries < 5 && !(await checkPolicy(deps, password, info).then(() => true, () => false)); tries += 1)
          password = generatePassword();
      }
      // --password-stdin and no flag read alike: stdin's first line, or typed twice on a terminal.
      password ??= await readNewPassword(context.stdin);
      await checkPolicy(deps, password, info);
      await setUserPassword(deps, user.id, password);
      const data = flags.generate ? { id: user.id, password } : { id: user.id };
      return render(context, data, (d) => (flags.generate ? `password of ${d.id} set to: ${password}` : `password of ${d.id} set`));
    },
  },
  {
    name: 'users unlock',
    args: '<userIdOrIdentifier>',
    summary: "clear the sign-in lockouts of the user's username, email, phone and account",
    async run(args, context) {
      const { positional } = parseArgs(args, { max: 1 });
      const deps = await context.open();
      const user = await findUserArg(deps, positional[0], 'unlock');
      const cleared = await deleteLockouts(deps.db, userLockoutIdentifiers(user).map((identifier) => keyOf(deps, identifier)));
      return render(context, { id: user.id, cleared }, (d) => `unlocked ${d.id} (${d.cleared} lockout record${d.cleared === 1 ? '' : 's'} cleared)`);
    },
  },
  suspension(true),
  suspension(false),
];
