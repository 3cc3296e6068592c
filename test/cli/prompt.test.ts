// cli/prompt.ts: what commands read from stdin — whole UTF-8 text (a character split across chunks
// survives), capped at 1 MiB; a secret is the first line; a new password off a terminal is stdin's.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readNewPassword, readStdinSecret, readStdinText } from '../../src/cli/prompt.ts';

describe('stdin', () => {
  it('decodes UTF-8 once, so a character split between chunks stays whole', async () => {
    const bytes = Buffer.from('{"content":"Ваш код {{code}}"}');
    const split = bytes.indexOf(Buffer.from('В')) + 1;
    expect(await readStdinText(Readable.from([bytes.subarray(0, split), bytes.subarray(split)]))).toBe('{"content":"Ваш код {{code}}"}');
  });

  it('refuses more than 1 MiB', async () => {
    await expect(readStdinText(Readable.from([Buffer.alloc(1024 * 1024 + 1, 'a')]))).rejects.toThrow('1 MiB');
  });

  it('a secret is the first line; off a terminal a new password is read from stdin', async () => {
    expect(await readStdinSecret(Readable.from(['Tangerine-Orbit-58\r\nrest\n']))).toBe('Tangerine-Orbit-58');
    expect(await readNewPassword(Readable.from(['Quiet-Lantern-93\n']))).toBe('Quiet-Lantern-93');
  });
});
