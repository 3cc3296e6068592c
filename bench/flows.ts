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
  apiKey?: string;
}

function expect(response: JsonResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
  }
}

export function makeFlow(kind: FlowKind, ctx: FlowContext): Flow {
  const slotOf = (n: number) => (ctx.firstPhone + n) % ctx.phones.length;
  if (kind === 'pair') {
    return async (n) => {
      const created = await ctx.client.post('/pair', { value: ctx.phones[slotOf(n)] });
      expect(created, 201, 'POST /pair');
      expect(await ctx.client.post(`/pair/${created.body.id}`, {}), 200, 'POST /pair/:id');
    };
  }
  const headers = { 'x-api-key': ctx.apiKey ?? '' };
  return async (n) => {
    const slot = slotOf(n);
    const created = await ctx.client.post('/otp', { phoneNumber: ctx.phones[slot] }, headers);
    expect(created, 201, 'POST /otp');
    const pin = ctx.book.take(slot);
    if (pin === undefined) throw new Error(`no code recorded for ${ctx.phones[slot]}`);
    const verified = await ctx.client.post(`/otp/${created.body.otpId}`, { pin }, headers);
    expect(verified, 200, 'POST /otp/:id');
    if (verified.body?.status !== 'VERIFIED') throw new Error(`POST /otp/:id: ${JSON.stringify(verified.body)}`);
  };
}
