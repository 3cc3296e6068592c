// Owns reading what the operator types or pipes instead of putting it in the command line (where every
// local user can read it in /proc/<pid>/cmdline and the shell keeps it in its history): a secret line
// from stdin or, on a terminal, a prompt whose input is not echoed; a JSON document from stdin.
// Nothing read here is ever printed.
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { jsonObject } from './args.ts';

/** What commands read from: process.stdin, or a stream a test gives the context. */
export type Input = NodeJS.ReadableStream & { isTTY?: boolean };

/** More than any config or password needs; a larger input is refused rather than buffered. */
const MAX_INPUT = 1024 * 1024;

/** Reads `stdin` to its end (at most 1 MiB) as UTF-8, decoded once so no character is split. */
export async function readStdinText(stdin: Input = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += bytes.length;
    if (size > MAX_INPUT) throw new Error('stdin is larger than 1 MiB');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A JSON object from stdin (`what` names it in errors); on a terminal, says how to end the input. */
export async function readStdinJson(stdin: Input = process.stdin, what: string): Promise<Record<string, unknown>> {
  if (stdin.isTTY) process.stderr.write(`${what} as JSON (end with Ctrl-D on a line of its own):\n`);
  return jsonObject(await readStdinText(stdin), `${what} on stdin`);
}

/** Reads stdin to its end; the secret is its first line. */
export async function readStdinSecret(stdin: Input = process.stdin): Promise<string> {
  return (await readStdinText(stdin)).split(/\r?\n/)[0] ?? '';
}

/** Prompts on stderr and reads one line from a terminal without echoing it. */
function promptHidden(question: string, stdin: Input = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    // readline echoes what is typed to its output; this one discards it, so the input stays hidden.
    const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
    const rl = readline.createInterface({ input: stdin, output: muted, terminal: true });
    rl.once('line', (line) => {
      rl.close();
      process.stderr.write('\n');
      resolve(line);
    });
    rl.once('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}

/** A new password from the operator: piped stdin, or typed twice on a terminal. */
export async function readNewPassword(stdin: Input = process.stdin): Promise<string> {
  if (!stdin.isTTY) return readStdinSecret(stdin);
  const first = await promptHidden('New password: ', stdin);
  const again = await promptHidden('Repeat it: ', stdin);
  if (first !== again) throw new Error('the two passwords differ');
  return first;
}
