// password-check.ts: every `password_rejected.*` reason with a failing and a passing password, the
// interpolations, Logto's tolerance for restricted phrases, the default policy and the speed of a check.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { LogtoError } from '../../src/domain/errors.ts';
import {
  assertPasswordAccepted,
  checkPassword,
  type PasswordIssue,
  type PasswordUserInfo,
} from '../../src/domain/sign-in-experience/password-check.ts';
import { effectivePasswordPolicy, type PasswordPolicy } from '../../src/domain/sign-in-experience/password-policy.ts';

const defaults = effectivePasswordPolicy();
const noRejects = { pwned: false, repetitionAndSequence: false, userInfo: false, words: [] };

/** The default policy with every reject off, then `rejects` and the other parts overridden. */
function policy(parts: Partial<Omit<PasswordPolicy, 'rejects'>> & { rejects?: Partial<PasswordPolicy['rejects']> } = {}) {
  return { ...defaults, ...parts, rejects: { ...noRejects, ...parts.rejects } };
}

const codes = (issues: PasswordIssue[]) => issues.map((issue) => issue.code);
const strong = 'k7#Vq2!mZx9p';

describe('length', () => {
  it('too_short carries {min}; the minimum itself passes', () => {
    expect(checkPassword(policy(), 'k7#Vq2!')).toEqual([{ code: 'password_rejected.too_short', interpolation: { min: 8 } }]);
    expect(checkPassword(policy(), 'k7#Vq2!m')).toEqual([]);
  });

  it('too_long carries {max}; the maximum itself passes', () => {
    const short = policy({ length: { min: 8, max: 12 } });
    expect(checkPassword(short, `${strong}Q`)).toEqual([{ code: 'password_rejected.too_long', interpolation: { max: 12 } }]);
    expect(checkPassword(short, strong)).toEqual([]);
  });

  it('is measured in Unicode NFC: a combining accent is not an extra character', () => {
    const decomposed = 'k7#Vq2e\u0301'; // 7 characters once composed, 8 UTF-16 units as typed
    expect(codes(checkPassword(policy(), decomposed))).toContain('password_rejected.too_short');
    expect(codes(checkPassword(policy(), 'k7#Vq2!e\u0301'))).not.toContain('password_rejected.too_short');
  });

  it('an empty password is too short and has no character type', () => {
    expect(codes(checkPassword(policy(), ''))).toEqual(['password_rejected.too_short', 'password_rejected.character_types']);
  });
});

describe('characters', () => {
  it('character_types carries {min} and counts lowercase, uppercase, digits and symbols', () => {
    const three = policy({ characterTypes: { min: 3 } });
    expect(checkPassword(three, 'kvqmzxpt19')).toEqual([
      { code: 'password_rejected.character_types', interpolation: { min: 3 } },
    ]);
    expect(checkPassword(three, 'kvqmzxpT19')).toEqual([]);
    expect(checkPassword(three, 'kvqmzxp~19')).toEqual([]);
    expect(checkPassword(policy({ characterTypes: { min: 4 } }), strong)).toEqual([]);
  });

  it('every printable ASCII special is a symbol', () => {
    const symbols = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    expect(checkPassword(policy({ length: { min: 1, max: 256 } }), symbols)).toEqual([]);
  });

  it('unicode, emoji and spaces are unsupported_characters, reported instead of character_types', () => {
    const four = policy({ characterTypes: { min: 4 } });
    for (const password of ['pässwörd12', 'k7#Vq2!m😀', 'correct horse battery', 'tab\there1', 'Пароль2024']) {
      expect(codes(checkPassword(four, password))).toEqual(['password_rejected.unsupported_characters']);
    }
  });
});

describe('pwned (bundled common-password list)', () => {
  const pwned = policy({ rejects: { pwned: true } });

  it('rejects common passwords, whatever their case', () => {
    for (const password of ['password1', 'qwerty123', 'iloveyou', 'PassWord1', 'ILOVEYOU', 'sunshine']) {
      expect(codes(checkPassword(pwned, password))).toEqual(['password_rejected.pwned']);
    }
  });

  it('rejects a listed word of 4+ letters followed only by digits and symbols', () => {
    expect(codes(checkPassword(pwned, 'Dragon2024!'))).toEqual(['password_rejected.pwned']);
    expect(codes(checkPassword(pwned, 'monkey!!12'))).toEqual(['password_rejected.pwned']);
  });

  it('accepts a strong random password and a listed word inside other letters', () => {
    expect(checkPassword(pwned, strong)).toEqual([]);
    expect(checkPassword(pwned, 'dragonfly7Pq')).toEqual([]);
    expect(checkPassword(pwned, '2024!Dragon')).toEqual([]);
  });

  it('is off when the policy says so', () => {
    expect(checkPassword(policy(), 'password1')).toEqual([]);
  });
});

describe('restricted.repetition and restricted.sequence', () => {
  const rs = policy({ rejects: { repetitionAndSequence: true } });

  it('repetition: a run of 3+ identical characters, case-insensitive', () => {
    expect(codes(checkPassword(rs, 'aaaaaa1Z'))).toEqual(['password_rejected.restricted.repetition']);
    expect(codes(checkPassword(rs, 'AaAaaA#9'))).toEqual(['password_rejected.restricted.repetition']);
    expect(checkPassword(rs, 'aabbcc!Z')).toEqual([]);
  });

  it('sequence: alphabet, digits and keyboard lines, forwards or backwards', () => {
    for (const password of ['abcdef1Z', 'ZYXWVU!q', '98765432', 'qwertyui', 'LKJHGF#1', '1qaz2wsx', 'MNBVCXZ7']) {
      expect(codes(checkPassword(rs, password)), password).toEqual(['password_rejected.restricted.sequence']);
    }
  });

  it('sequences never wrap and pairs are not sequences', () => {
    expect(checkPassword(rs, '890yza!Q')).toEqual([]);
    expect(checkPassword(rs, 'ab#de!gh')).toEqual([]);
  });

  it('tolerates phrases while 3+ other characters remain (Logto)', () => {
    expect(checkPassword(rs, 'Tr7#aaaPqz')).toEqual([]);
    expect(checkPassword(rs, 'abc7#Vq2!m')).toEqual([]);
    expect(checkPassword(rs, 'aaaaaa!Zq')).toEqual([]);
    expect(codes(checkPassword(rs, 'aaaaaa!Z'))).toEqual(['password_rejected.restricted.repetition']);
  });

  it('coverage adds up across kinds: each phrase alone is tolerated, together they are not', () => {
    expect(codes(checkPassword(rs, 'zzzabc!!'))).toEqual([
      'password_rejected.restricted.repetition',
      'password_rejected.restricted.sequence',
    ]);
  });
});

describe('restricted.user_info', () => {
  const ui = policy({ rejects: { userInfo: true } });
  const user: PasswordUserInfo = {
    username: 'JohnSmith',
    primaryEmail: 'jane.doe@example.com',
    primaryPhone: '8613800138000',
    name: 'Ada Lovelace',
  };
  const rejected = ['password_rejected.restricted.user_info'];

  it('matches the username and both email forms, case-insensitively', () => {
    expect(codes(checkPassword(ui, 'johnsmith!', user))).toEqual(rejected);
    expect(codes(checkPassword(ui, 'Jane.Doe99', user))).toEqual(rejected);
    expect(codes(checkPassword(ui, 'JANE.DOE@EXAMPLE.COM', user))).toEqual(rejected);
  });

  it('matches the phone digits and the national number inside them', () => {
    expect(codes(checkPassword(ui, '+8613800138000', user))).toEqual(rejected);
    expect(codes(checkPassword(ui, '13800138000', user))).toEqual(rejected);
  });

  it('matches the name, the name without spaces and each name word of 3+ characters', () => {
    expect(codes(checkPassword(ui, 'Ada Lovelace', user))).toEqual(['password_rejected.unsupported_characters', ...rejected]);
    expect(codes(checkPassword(ui, 'AdaLovelace!', user))).toEqual(rejected);
    expect(codes(checkPassword(ui, 'lovelace1!', user))).toEqual(rejected);
    expect(codes(checkPassword(ui, 'Al#Al#AlAl', { name: 'Al Bo' }))).toEqual([]);
  });

  it('accepts passwords that only touch the user info, or without user info', () => {
    expect(checkPassword(ui, 'johnsmith!Q7#', user)).toEqual([]);
    expect(checkPassword(ui, 'johnsmith!')).toEqual([]);
    expect(checkPassword(ui, 'johnsmith!', { username: null, primaryEmail: null, primaryPhone: null, name: null })).toEqual([]);
    expect(checkPassword(policy(), 'johnsmith!', user)).toEqual([]);
  });
});

describe('restricted.words', () => {
  const words = policy({ rejects: { words: ['Verity', 'acme', 'ab'] } });

  it('carries the configured words found, matched case-insensitively', () => {
    expect(checkPassword(words, 'VERITYacme!')).toEqual([
      { code: 'password_rejected.restricted.words', interpolation: { words: ['Verity', 'acme'] } },
    ]);
    expect(checkPassword(words, 'acmeacme7')).toEqual([
      { code: 'password_rejected.restricted.words', interpolation: { words: ['acme'] } },
    ]);
  });

  it('ignores words shorter than 3 characters and tolerates a word among other characters', () => {
    expect(checkPassword(words, 'abababab')).toEqual([]);
    expect(checkPassword(words, 'Verity2024!')).toEqual([]);
  });
});

describe('default policy', () => {
  it('is min 8, max 256, one character type, every reject on', () => {
    expect(defaults).toEqual({
      length: { min: 8, max: 256 },
      characterTypes: { min: 1 },
      rejects: { pwned: true, repetitionAndSequence: true, userInfo: true, words: [] },
    });
  });

  it('accepts a strong password and rejects weak ones', () => {
    expect(checkPassword(defaults, strong, { username: 'john', name: 'John Smith' })).toEqual([]);
    expect(checkPassword(defaults, 'correcthorsebatterystaple')).toEqual([]);
    expect(codes(checkPassword(defaults, 'aaaaaaaa'))).toContain('password_rejected.restricted.repetition');
    expect(codes(checkPassword(defaults, '12345678'))).toEqual(['password_rejected.pwned', 'password_rejected.restricted.sequence']);
    expect(codes(checkPassword(defaults, 'abc'))).toEqual([
      'password_rejected.too_short',
      'password_rejected.restricted.sequence',
    ]);
  });

  it('with every reject off, "aaaaaaaa" is acceptable', () => {
    expect(checkPassword(policy(), 'aaaaaaaa')).toEqual([]);
  });
});

describe('assertPasswordAccepted', () => {
  it('throws password.rejected (422) with the issues as data', () => {
    let thrown: unknown;
    try {
      assertPasswordAccepted(defaults, 'qwerty123');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LogtoError);
    const error = thrown as LogtoError;
    expect(error.code).toBe('password.rejected');
    expect(error.status).toBe(422);
    expect(error.message).toBe('The password was rejected.');
    expect(error.data).toEqual(checkPassword(defaults, 'qwerty123'));
    expect(codes(error.data as PasswordIssue[])).toContain('password_rejected.pwned');
  });

  it('returns quietly for an acceptable password', () => {
    expect(() => assertPasswordAccepted(defaults, strong, { username: 'john' })).not.toThrow();
  });
});

describe('speed', () => {
  it('checks 1000 passwords quickly once the list is loaded', () => {
    checkPassword(defaults, 'warm-up!'); // loads the list if no earlier test did

    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%&*';
    const passwords = Array.from({ length: 1000 }, (_, i) =>
      Array.from({ length: 8 + (i % 16) }, (_, j) => alphabet[(i * 31 + j * j * 7 + j) % alphabet.length]).join(''),
    );
    const user = { username: 'johnsmith', primaryEmail: 'john@example.com', primaryPhone: '15551234567', name: 'John Smith' };
    const withWords = { ...defaults, rejects: { ...defaults.rejects, words: ['verity', 'acme'] } };
    const start = performance.now();
    const results = passwords.map((password) => checkPassword(withWords, password, user));
    const checkMs = performance.now() - start;

    console.log(`password-check: 1000 checks (default policy, user info, two words) in ${checkMs.toFixed(1)} ms`);
    expect(results).toHaveLength(1000);
  });
});
