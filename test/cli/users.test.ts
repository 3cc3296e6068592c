// users commands in process, end to end: a created user's password verifies through the domain
// function the Management API uses, and never appears in the output; passwords come from stdin, never
// the command line; the password policy applies; reset-password sets a password that verifies; unlock
// lifts a running lockout on every identifier.
import { describe, expect, it } from 'vitest';
import { keyOf, ownLockoutIdentifier } from '../../src/domain/experience/lockout.ts';
import { verifyUserPassword } from '../../src/domain/users/password.ts';
import { addFailure, findLockout } from '../../src/storage/repos/lockouts.ts';
import { findUser, findUserByIdentifier } from '../../src/storage/repos/users.ts';
import { testCli } from '../helpers/cli.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();
const cli = testCli(t);
const PASSWORD = 'Tangerine-Orbit-58';

async function create(username: string, ...extra: string[]) {
  const run = extra.includes('--password-stdin')
    ? await cli.runWithInput(`${PASSWORD}\n`, 'users', 'create', '--username', username, ...extra, '--json')
    : await cli.run('users', 'create', '--username', username, ...extra, '--json');
  expect(run.code, run.err).toBe(0);
  return JSON.parse(run.out) as { id: string };
}

describe('users create', () => {
  it('creates a user whose password verifies, without echoing it', async () => {
    const run = await cli.runWithInput(`${PASSWORD}\n`, 'users', 'create', '--username', 'alice', '--email', 'Alice@Example.com', '--phone', '+1 555 010 0000', '--password-stdin');
    expect(run.code, run.err).toBe(0);
    expect(run.out).not.toContain(PASSWORD);
    expect(run.out).toMatch(/hasPassword:\s+true/);
    const id = /id:\s+(\S+)/.exec(run.out)![1]!;
    await expect(verifyUserPassword(await cli.deps(), id, PASSWORD)).resolves.toBeUndefined();
    expect((await findUser(t.db, id))!.primary_phone).toBe('15550100000');
  });

  it('applies the password policy and the uniqueness rules', async () => {
    const weak = await cli.runWithInput('password\n', 'users', 'create', '--username', 'bob', '--password-stdin');
    expect(weak.code).toBe(1);
    expect(weak.err).toContain('password.rejected');
    expect(weak.err).not.toContain('"password"');
    const taken = await cli.runWithInput(PASSWORD, 'users', 'create', '--username', 'alice', '--password-stdin');
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('user.username_already_in_use');
    expect((await cli.runWithInput(PASSWORD, 'users', 'create', '--password-stdin')).code).toBe(2);
    expect((await cli.run('users', 'create', '--username', 'x', '--pasword-stdin')).code).toBe(2);
    expect((await cli.run('users', 'create', '--username', '1st user')).code).toBe(2);
    expect((await cli.run('users', 'create', '--email', 'not-an-email')).code).toBe(2);
  });

  it('users list shows a table of users without password hashes, and searches', async () => {
    await create('carol', '--password-stdin');
    const hashes = (await t.db.query<{ password_hash: string | null }>('SELECT password_hash FROM users')).map((r) => r.password_hash).filter(Boolean);
    const list = await cli.run('users', 'list');
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+USERNAME\s+EMAIL\s+PHONE\s+PASSWORD\s+SUSPENDED\s+CREATED$/);
    expect(list.out).toContain('carol');
    for (const hash of hashes) expect(list.out).not.toContain(hash!);
    const found = JSON.parse((await cli.run('users', 'list', 'aro', '--json')).out) as { total: number; users: { username: string }[] };
    expect(found.users.map((u) => u.username)).toEqual(['carol']);
  });
});

describe('users reset-password', () => {
  it('--generate prints a new password once, and it verifies', async () => {
    const { id } = await create('dave', '--password-stdin');
    const run = await cli.run('users', 'reset-password', 'dave', '--generate');
    expect(run.code, run.err).toBe(0);
    const password = /set to: (\S+)/.exec(run.out)![1]!;
    await expect(verifyUserPassword(await cli.deps(), id, password)).resolves.toBeUndefined();
    await expect(verifyUserPassword(await cli.deps(), id, PASSWORD)).rejects.toThrow();
  });

  it('stdin sets the given one by email, subject to the policy', async () => {
    const { id } = await create('erin', '--email', 'erin@example.com');
    expect((await cli.runWithInput('aaaaaaaa\n', 'users', 'reset-password', 'erin@example.com', '--password-stdin')).code).toBe(1);
    // Without a flag on a stdin that is not a terminal, the first line of stdin.
    const run = await cli.runWithInput('Quiet-Lantern-93\nignored\n', 'users', 'reset-password', 'ERIN@example.com');
    expect(run).toMatchObject({ code: 0, out: `password of ${id} set\n` });
    await expect(verifyUserPassword(await cli.deps(), id, 'Quiet-Lantern-93')).resolves.toBeUndefined();
    expect((await cli.run('users', 'reset-password', 'nobody@example.com', '--generate')).code).toBe(1);
    expect((await cli.run('users', 'reset-password', 'erin', '--generate', '--password-stdin')).code).toBe(2);
  });
});

describe('a password in the command line', () => {
  it('is refused by name (exit 2), never echoed, and nothing is written', async () => {
    const attempts = [
      ['users', 'create', '--username', 'mallory', '--password', PASSWORD],
      ['users', 'create', '--username', 'mallory', `--password=${PASSWORD}`],
      ['users', 'reset-password', 'alice', '--password', PASSWORD],
      ['users', 'reset-password', 'alice', `--password=${PASSWORD}`],
    ];
    for (const argv of attempts) {
      const run = await cli.run(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err).toContain('--password-stdin');
      expect(run.out + run.err).not.toContain(PASSWORD);
    }
    expect(await findUserByIdentifier(t.db, { type: 'username', value: 'mallory' })).toBeNull();
  });
});

describe('users unlock', () => {
  it("clears running lockouts of the user's identifiers", async () => {
    const { id } = await create('frank', '--email', 'frank@example.com', '--password-stdin');
    const deps = await cli.deps();
    const limits = { maxFailures: 1, windowSeconds: 600, blockSeconds: 600 };
    const keys = [keyOf(deps, { type: 'email', value: 'Frank@example.com' }), keyOf(deps, { type: 'username', value: 'frank' }), keyOf(deps, ownLockoutIdentifier(id))];
    for (const key of keys) expect(await addFailure(t.db, key, new Date(), limits)).not.toBeNull();
    const run = await cli.run('users', 'unlock', 'frank@example.com');
    expect(run).toMatchObject({ code: 0, out: `unlocked ${id} (3 lockout records cleared)\n` });
    for (const key of keys) expect(await findLockout(t.db, key)).toBeNull();
  });
});

describe('users suspend', () => {
  it('suspends and unsuspends', async () => {
    const { id } = await create('gina');
    expect((await cli.run('users', 'suspend', id)).out).toMatch(/isSuspended:\s+true/);
    expect((await findUser(t.db, id))!.is_suspended).toBe(true);
    expect((await cli.run('users', 'unsuspend', 'gina')).out).toMatch(/isSuspended:\s+false/);
  });
});
