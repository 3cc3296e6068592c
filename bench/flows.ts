// Owns what one unit of work is, for any target, as the client performs it:
// a baseline pair (POST /pair, then POST /pair/:id), an OTP flow (POST /otp, then POST /otp/:id
// with the code the no-op sender recorded), one call (the OIDC suite: a token grant or a
// Management API read, described by a CallSpec; the Experience suite's argon2 verification), an
// Experience API sign-in (experience-flow.ts), or a Management API code (the growth suite:
// POST /api/verification-codes to a phone, then /verify with the code the no-op sender recorded). Any unexpected answer throws, so it counts as an error.
import type { Client, JsonResponse } from './client.ts';
import type { CodeBook } from './codebook.ts';
import { experienceFlow, type ExperienceSpec } from './experience-flow.ts';
import type { Flow } from './load.ts';

export type FlowKind = 'pair' | 'otp' | 'call' | 'experience' | 'codes';

/** One HTTP request that is a whole flow: what to send, and what answers it. Plain data (crosses threads). */
export interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  status: number;
  /** A field the JSON answer must carry, non-empty (none: the status is the check, e.g. a list that may be empty). */
  field?: string;
}

export interface FlowContext {
  client: Client;
  phones: readonly string[];
  /** Index of the first phone number this run uses; flows take the next ones, wrapping around. */
  firstPhone: number;
  book: CodeBook;
  apiKeys?: string[];
  spread?: boolean;
  /** What a 'call' flow sends. */
  call?: CallSpec;
  /** Who an 'experience' flow signs in, and how (its users start at firstPhone, as slots). */
  experience?: ExperienceSpec;
  /** A 'codes' flow's Management API access token. */
  bearer?: string;
}

export function expect(response: JsonResponse, status: number, what: string): void {
  if (response.status !== status) {
    throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
  }
}

export function makeFlow(kind: FlowKind, ctx: FlowContext): Flow {
  const slotOf = (n: number) => (ctx.firstPhone + n) % ctx.phones.length;
  // Diagnostic spread: 64 loopback source addresses (each its own per-IP counter in Verity).
  const sourceOf = (n: number) => (ctx.spread ? `127.0.${(n % 64) + 1}.1` : undefined);
  if (kind === 'call') {
    const call = ctx.call;
    if (!call) throw new Error('a call flow needs a CallSpec');
    const what = `${call.method} ${call.path.split('/').slice(0, 3).join('/')}`;
    return async (n) => {
      const response = await ctx.client.send({ ...call, localAddress: sourceOf(n) });
      expect(response, call.status, what);
      if (call.field !== undefined && !response.body?.[call.field]) throw new Error(`${what}: no ${call.field} in ${JSON.stringify(response.body).slice(0, 200)}`);
    };
  }
  if (kind === 'experience') {
    if (!ctx.experience) throw new Error('an experience flow needs an ExperienceSpec');
    return experienceFlow(ctx.client, ctx.experience, ctx.book, ctx.firstPhone);
  }
  if (kind === 'codes') {
    const headers = { authorization: `Bearer ${ctx.bearer ?? ''}` };
    return async (n) => {
      const slot = slotOf(n);
      // The Management API takes digits only; Verity sends to +<digits>.
      const phone = ctx.phones[slot]!.slice(1);
      expect(await ctx.client.post('/api/verification-codes', { phone }, headers), 204, 'POST /api/verification-codes');
      const verificationCode = ctx.book.take(slot);
      if (verificationCode === undefined) throw new Error(`no code recorded for ${ctx.phones[slot]}`);
      expect(await ctx.client.post('/api/verification-codes/verify', { phone, verificationCode }, headers), 204, 'POST /api/verification-codes/verify');
    };
  }
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
