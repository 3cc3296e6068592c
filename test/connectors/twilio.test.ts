// The Twilio connector against a fake Messages API that checks the path, Basic auth and form fields.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type http from 'node:http';
import { createTwilioSender } from '../../src/connectors/twilio.ts';
import { DeliveryError } from '../../src/domain/errors.ts';
import type { OutboundMessage } from '../../src/connectors/types.ts';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { testEgress } from '../helpers/egress.ts';

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'twilio-auth-token-secret';
const message: OutboundMessage = {
  channel: 'sms',
  to: '+15005550006',
  text: 'Your verification code is 731905',
  code: '731905',
  purpose: 'otp',
};

const egress = testEgress();
let api: TestServer;
let hanging: TestServer;
const parked: http.ServerResponse[] = [];

beforeAll(async () => {
  api = await startHttpServer((req, res) => {
    if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`)
      return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return json(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded')
      return json(res, 400, { code: 99999, message: 'wrong content type', status: 400 });
    const form = new URLSearchParams(req.body);
    if (form.get('To') === '+15005550001')
      return json(res, 400, {
        code: 21211,
        message: "The 'To' number +15005550001 is not a valid phone number.",
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      });
    json(res, 201, { sid: `SM${'0'.repeat(30)}${api.requests.length}`, status: 'queued', to: form.get('To') });
  });
  hanging = await startHttpServer((_req, res) => void parked.push(res));
});

afterAll(async () => {
  for (const res of parked) res.destroy();
  await Promise.all([api.close(), hanging.close(), egress.close()]);
});

const options = () => ({ baseUrl: `${api.url}/`, accountSid, authToken, from: '+15005550000', timeoutMs: 2000, fetch: egress.fetch });

describe('Twilio sender', () => {
  it('posts To/From/Body with Basic auth and returns the sid', async () => {
    const sender = createTwilioSender(options());
    expect(sender).toMatchObject({ name: 'twilio', channel: 'sms' });
    const result = await sender.send(message);
    expect(result.providerId).toMatch(/^SM0+\d+$/);

    const req = api.requests.at(-1)!;
    const form = new URLSearchParams(req.body);
    expect(Object.fromEntries(form)).toEqual({ To: message.to, From: '+15005550000', Body: message.text });
  });

  it("uses the message's own from when given", async () => {
    const sender = createTwilioSender(options());
    await sender.send({ ...message, from: 'VerityApp' });
    expect(new URLSearchParams(api.requests.at(-1)!.body).get('From')).toBe('VerityApp');
  });

  it('sends a Messaging Service SID as MessagingServiceSid', async () => {
    const service = `MG${'ab'.repeat(16)}`;
    await createTwilioSender({ ...options(), from: service }).send(message);
    expect(Object.fromEntries(new URLSearchParams(api.requests.at(-1)!.body))).toEqual({
      To: message.to,
      MessagingServiceSid: service,
      Body: message.text,
    });
  });

  it("turns Twilio's error JSON into a DeliveryError carrying its code and message", async () => {
    const sender = createTwilioSender(options());
    const error = await sender.send({ ...message, to: '+15005550001' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).connector).toBe('twilio');
    expect((error as Error).message).toContain('21211');
    expect((error as Error).message).toContain('not a valid phone number');
    expect((error as Error).message).toContain('400');
  });

  it('reports rejected credentials without revealing them', async () => {
    const sender = createTwilioSender({ ...options(), authToken: 'wrong-token' });
    const error = await sender.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toContain('20003');
    expect((error as Error).message).not.toContain('wrong-token');
    expect((error as Error).message).not.toContain(message.code);
  });

  it('gives up after timeoutMs', async () => {
    const sender = createTwilioSender({ ...options(), baseUrl: hanging.url, timeoutMs: 200 });
    const error = await sender.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(/timed out/);
  });
});
