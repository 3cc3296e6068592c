// Owns reading a secret the operator types or pipes: a line from stdin, or, on a terminal, a prompt
// whose input is not echoed. Nothing read here is ever printed.
import readline from 'node:readline';
import { Writable } from 'node:stream';

/** Reads stdin to its end; the secret is its first line. */
export async function readStdinSecret(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

/** Prompts on stderr and reads one line from a terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
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
export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdinSecret();
  const first = await promptHidden('New password: ');
  const again = await promptHidden('Repeat it: ');
  if (first !== again) throw new Error('the two passwords differ');
  return first;
}
