// The webhook SMS connector against a real HTTP server: body, signature, failures and timeout.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type http from 'node:http';
import { createWebhookSmsSender } from '../../src/connectors/sms-webhook.ts';
import { SIGNATURE_HEADER, verifySignature } from '../../src/connectors/signature.ts';
import { DeliveryError } from '../../src/domain/errors.ts';
import type { OutboundMessage } from '../../src/connectors/types.ts';
import { json, startHttpServer, unusedPort, type TestServer } from '../helpers/http-server.ts';
import { testEgress } from '../helpers/egress.ts';

const secret = 'webhook-secret-0123456789';
const message: OutboundMessage = {
  channel: 'sms',
  to: '+447700900123',
  text: 'Your verification code is 482913',
  from: 'Verity',
  code: '482913',
  purpose: 'otp',
};

const egress = testEgress();
let gateway: TestServer;
let hanging: TestServer;
const parked: http.ServerResponse[] = [];

beforeAll(async () => {
  gateway = await startHttpServer((req, res) => {
    if (req.url === '/fail') return json(res, 500, { error: 'boom' });
    if (req.url === '/empty') return void res.writeHead(204).end();
    json(res, 200, { messageId: 'msg-42' });
  });
  // Never answers: the connector's timeout must give up on its own.
  hanging = await startHttpServer((_req, res) => void parked.push(res));
});

afterAll(async () => {
  for (const res of parked) res.destroy();
  await Promise.all([gateway.close(), hanging.close(), egress.close()]);
});

describe('webhook SMS sender', () => {
  it('POSTs a signed JSON body and returns the gateway id', async () => {
    const sender = createWebhookSmsSender({ url: `${gateway.url}/sms`, secret, timeoutMs: 2000, fetch: egress.fetch });
    expect(sender).toMatchObject({ name: 'webhook', channel: 'sms' });

    const result = await sender.send(message);
    expect(result).toEqual({ providerId: 'msg-42' });

    const req = gateway.requests.find((r) => r.url === '/sms')!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body)).toEqual({ to: message.to, text: message.text, from: 'Verity', purpose: 'otp' });
    expect(req.body).not.toContain('"code"');

    const header = req.headers[SIGNATURE_HEADER];
    expect(typeof header).toBe('string');
    expect(verifySignature(secret, req.body, header as string, { toleranceSeconds: 60 })).toBe(true);
    expect(verifySignature('not-the-secret-at-all', req.body, header as string, { toleranceSeconds: 60 })).toBe(false);
  });

  it('sends no signature without a secret, omits an absent from, and accepts an empty 2xx', async () => {
    const sender = createWebhookSmsSender({ url: `${gateway.url}/empty`, timeoutMs: 2000, fetch: egress.fetch });
    const { from: _from, ...withoutFrom } = message;
    expect(await sender.send(withoutFrom)).toEqual({});
    const req = gateway.requests.find((r) => r.url === '/empty')!;
    expect(req.headers[SIGNATURE_HEADER]).toBeUndefined();
    expect(JSON.parse(req.body)).toEqual({ to: message.to, text: message.text, purpose: 'otp' });
  });

  it('turns a 500 into a DeliveryError naming the status', async () => {
    const sender = createWebhookSmsSender({ url: `${gateway.url}/fail`, secret, timeoutMs: 2000, fetch: egress.fetch });
    const error = await sender.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).connector).toBe('webhook');
    expect((error as Error).message).toContain('500');
    expect((error as Error).message).not.toContain(message.code);
    expect((error as Error).message).not.toContain(secret);
  });

  it('gives up after timeoutMs when the gateway never answers', async () => {
    const sender = createWebhookSmsSender({ url: hanging.url, timeoutMs: 200, fetch: egress.fetch });
    const started = Date.now();
    const error = await sender.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hanging.requests).toHaveLength(1);
  });

  it('turns a refused connection into a DeliveryError', async () => {
    const port = await unusedPort();
    const sender = createWebhookSmsSender({ url: `http://127.0.0.1:${port}/sms`, timeoutMs: 2000, fetch: egress.fetch });
    const error = await sender.send(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
