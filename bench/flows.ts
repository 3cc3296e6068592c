// Owns what one unit of work is, for either target, as the client performs it:
// a baseline pair (POST /pair, then POST /pair/:id) or an OTP flow (POST /otp, then POST /otp/:id
// with the code the no-op sender recorded). Any unexpected status throws, so it counts as an error.
import type { Client, JsonResponse } from './client.ts';
import type { CodeBook } from './codebook.ts';
import type { Flow } from './load.ts';

export type FlowKind = 'pair' | 'otp';

export interface FlowContext {
  client: Client;
  phones: readonly string[];
  /** Index of the first phone number this run uses; flows take the next ones, wrapping around. */
  firstPhone: number;
  book: CodeBook;
  apiKeys?: string[];
  spread?: boolean;
}

function expect(response: JsonResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
  }
}

export function makeFlow(kind: FlowKind, ctx: FlowContext): Flow {
  const slotOf = (n: number) => (ctx.firstPhone + n) % ctx.phones.length;
  // Diagnostic spread: 64 loopback source addresses (each its own per-IP counter in Verity).
  const sourceOf = (n: number) => (ctx.spread ? `127.0.${(n % 64) + 1}.1` : undefined);
  if (kind === 'pair') {
    return async (n) => {
      const from = sourceOf(n);
      const created = await ctx.client.post('/pair', { value: ctx.phones[slotOf(n)] }, {}, from);
      expect(created, 201, 'POST /pair');
      expect(await ctx.client.post(`/pair/${created.body.id}`, {}, {}, from), 200, 'POST /pair/:id');
    };
  }
  const keys = ctx.apiKeys ?? [''];
  return async (n) => {
    const slot = slotOf(n);
    const headers = { 'x-api-key': ctx.spread ? keys[n % keys.length]! : keys[0]! };
    const from = sourceOf(n);
    const created = await ctx.client.post('/otp', { phoneNumber: ctx.phones[slot] }, headers, from);
    expect(created, 201, 'POST /otp');
    const pin = ctx.book.take(slot);
    if (pin === undefined) throw new Error(`no code recorded for ${ctx.phones[slot]}`);
    const verified = await ctx.client.post(`/otp/${created.body.otpId}`, { pin }, headers, from);
    expect(verified, 200, 'POST /otp/:id');
    if (verified.body?.status !== 'VERIFIED') throw new Error(`POST /otp/:id: ${JSON.stringify(verified.body)}`);
  };
}
