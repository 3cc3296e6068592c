// A real SMS webhook gateway on loopback that records each message; the OTP suites read codes from it.
import { startHttpServer, json } from './http-server.ts';

export interface SmsGateway {
  url: string;
  messages: { to: string; text: string; from?: string }[];
  /** The code in the latest message to `to`. */
  lastCode(to: string): string;
  /** Answer the next n messages with HTTP `status` (503 unless given). */
  failNext(n: number, status?: number): void;
  /** Leave every request unanswered until release() (a gateway that hangs). */
  hold(): void;
  /** Answer the held requests (200) and stop holding. */
  release(): void;
  /** Requests received so far, and the most ever held at once. */
  readonly received: number;
  readonly maxHeld: number;
  close(): Promise<void>;
}

export async function startSmsGateway(): Promise<SmsGateway> {
  const messages: SmsGateway['messages'] = [];
  let failures = 0;
  let failStatus = 503;
  let holding = false;
  let held: Array<() => void> = [];
  let maxHeld = 0;
  const server = await startHttpServer((req, res) => {
    if (holding) {
      held.push(() => json(res, 200, { id: 'held' }));
      maxHeld = Math.max(maxHeld, held.length);
      return;
    }
    if (failures > 0) {
      failures -= 1;
      return json(res, failStatus, { error: failStatus === 503 ? 'unavailable' : 'refused' });
    }
    const body = JSON.parse(req.body) as { to: string; text: string; from?: string };
    messages.push(body);
    json(res, 200, { id: `msg-${messages.length}` });
  });
  return {
    url: server.url,
    messages,
    lastCode(to) {
      const message = [...messages].reverse().find((m) => m.to === to);
      const code = [...(message?.text ?? '').matchAll(/\b([0-9A-Z]{4,10})\b/g)].pop()?.[1];
      if (!code) throw new Error(`no code sent to ${to}`);
      return code;
    },
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const answer of held) answer();
      held = [];
    },
    get received() {
      return server.requests.length;
    },
    get maxHeld() {
      return maxHeld;
    },
    close: () => server.close(),
  };
}
