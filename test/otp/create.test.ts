// POST /otp: the 201 shape, defaults, normalisation, parts and cost, and every create error 2001–2020.
import { describe, expect, it } from 'vitest';
import { call, useTestApp } from '../helpers/app.ts';
import { phone } from '../helpers/phones.ts';

const KEYS = [
  'otpId', 'trackId', 'phoneNumber', 'countryIso', 'status', 'cost', 'parts',
  'maxAttempts', 'attempts', 'ttl', 'otpCallbackUrl', 'dateCreated', 'dateExpires',
];

const t = useTestApp({ env: { VERITY_SMS_PRICES: '{"default":0.05,"FR":0.07}' } });

describe('POST /otp', () => {
  it('creates a pending OTP with all 13 keys, the documented headers, and sends the PIN', async () => {
    const to = phone();
    const res = await call(t, 'POST', '/otp', { phoneNumber: to });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([...KEYS].sort());
    expect(res.body).toMatchObject({
      trackId: null, phoneNumber: to, countryIso: 'US', status: 'PENDING', attempts: 0,
      maxAttempts: 3, ttl: 300, parts: 1, cost: 0.05, otpCallbackUrl: null,
    });
    expect(res.body.otpId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Date(res.body.dateExpires).getTime() - new Date(res.body.dateCreated).getTime()).toBe(300_000);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('x-response-time')).toMatch(/^\d+(\.\d+)?ms$/);
    expect(res.headers.get('x-rate-limit-limit')).toBe('600');
    expect(Number(res.headers.get('x-rate-limit-remaining'))).toBeLessThan(600);
    expect(t.sms.lastCode(to)).toMatch(/^\d{6}$/);
    expect(t.sms.messages.at(-1)).toMatchObject({ to, text: `Your verification code is ${t.sms.lastCode(to)}`, from: 'Verity' });
  });

  it('honours every optional field', async () => {
    const to = phone();
    const trackId = 'bf325375-e030-4ccb-a009-17317c574773';
    const res = await call(t, 'POST', '/otp', {
      phoneNumber: to, from: 'InfoText', template: 'Code: {{pin}}', trackId, ttl: 180, maxAttempts: 4,
      pinType: 'letters', pinLength: 8, otpCallbackUrl: 'https://example.com/hook',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ trackId, ttl: 180, maxAttempts: 4, otpCallbackUrl: 'https://example.com/hook' });
    expect(t.sms.lastCode(to)).toMatch(/^[A-Z]{8}$/);
    expect(t.sms.messages.at(-1)?.from).toBe('InfoText');
  });

  it('generates alphanumeric PINs of the requested length', async () => {
    const to = phone();
    expect((await call(t, 'POST', '/otp', { phoneNumber: to, pinType: 'alphanumeric', pinLength: 10 })).status).toBe(201);
    expect(t.sms.lastCode(to)).toMatch(/^[0-9A-Z]{10}$/);
  });

  it('normalises national numbers with countryIso and prices by destination', async () => {
    const res = await call(t, 'POST', '/otp', { phoneNumber: '06 12 34 56 78', countryIso: 'fr' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ phoneNumber: '+33612345678', countryIso: 'FR', cost: 0.07 });
  });

  it('ignores countryIso for E.164 numbers', async () => {
    const res = await call(t, 'POST', '/otp', { phoneNumber: phone(), countryIso: 'ZZZ' });
    expect(res.status).toBe(201);
    expect(res.body.countryIso).toBe('US');
  });

  it('counts SMS parts from GSM-7 and UCS-2 segmentation of the rendered text', async () => {
    const long = await call(t, 'POST', '/otp', { phoneNumber: phone(), template: `${'a'.repeat(160)} {{pin}}` });
    expect(long.body).toMatchObject({ parts: 2, cost: 0.1 });
    const unicode = await call(t, 'POST', '/otp', { phoneNumber: phone(), template: `Код подтверждения {{pin}} ${'ж'.repeat(50)}` });
    expect(unicode.body.parts).toBe(2);
  });

  it('uses the application defaults for omitted fields', async () => {
    const other = await t.newApplication({ pinType: 'letters', pinLength: 5, ttl: 900, maxAttempts: 7, template: 'Hi {{pin}}' });
    const to = phone();
    const res = await call({ url: t.url, apiKey: other.apiKey }, 'POST', '/otp', { phoneNumber: to });
    expect(res.body).toMatchObject({ ttl: 900, maxAttempts: 7 });
    expect(t.sms.messages.at(-1)?.text).toMatch(/^Hi [A-Z]{5}$/);
  });
});

describe('POST /otp errors', () => {
  const cases: [string, Record<string, unknown>, number][] = [
    ['phoneNumber missing', {}, 2001],
    ['phoneNumber empty', { phoneNumber: '' }, 2001],
    ['phoneNumber blank', { phoneNumber: '   ' }, 2001],
    ['national number without countryIso', { phoneNumber: '0612345678' }, 2002],
    ['national number with empty countryIso', { phoneNumber: '0612345678', countryIso: '' }, 2002],
    ['countryIso UK', { phoneNumber: '0612345678', countryIso: 'UK' }, 2003],
    ['countryIso three letters', { phoneNumber: '0612345678', countryIso: 'FRA' }, 2003],
    ['from empty', { phoneNumber: '+12125550100', from: '' }, 2004],
    ['from too short', { phoneNumber: '+12125550100', from: 'ab' }, 2005],
    ['from too long', { phoneNumber: '+12125550100', from: 'a'.repeat(16) }, 2005],
    ['template empty', { phoneNumber: '+12125550100', template: '' }, 2006],
    ['template without {{pin}}', { phoneNumber: '+12125550100', template: 'Your code' }, 2006],
    ['ttl not a number', { phoneNumber: '+12125550100', ttl: 'soon' }, 2007],
    ['ttl fractional', { phoneNumber: '+12125550100', ttl: 90.5 }, 2007],
    ['ttl < 60', { phoneNumber: '+12125550100', ttl: 59 }, 2008],
    ['ttl > 1800', { phoneNumber: '+12125550100', ttl: 1801 }, 2009],
    ['maxAttempts not a number', { phoneNumber: '+12125550100', maxAttempts: true }, 2010],
    ['maxAttempts < 1', { phoneNumber: '+12125550100', maxAttempts: 0 }, 2011],
    ['maxAttempts > 10', { phoneNumber: '+12125550100', maxAttempts: 11 }, 2012],
    ['pinType empty', { phoneNumber: '+12125550100', pinType: '' }, 2013],
    ['pinType unknown', { phoneNumber: '+12125550100', pinType: 'emoji' }, 2014],
    ['pinLength not a number', { phoneNumber: '+12125550100', pinLength: [6] }, 2015],
    ['pinLength < 4', { phoneNumber: '+12125550100', pinLength: 3 }, 2016],
    ['pinLength > 10', { phoneNumber: '+12125550100', pinLength: 11 }, 2017],
    ['trackId not a UUID', { phoneNumber: '+12125550100', trackId: 'abc' }, 2018],
    ['trackId UUID v7', { phoneNumber: '+12125550100', trackId: '01890a5d-ac96-774b-bcce-b302099a8057' }, 2018],
    ['otpCallbackUrl not a URL', { phoneNumber: '+12125550100', otpCallbackUrl: 'not a url' }, 2019],
    ['otpCallbackUrl not http(s)', { phoneNumber: '+12125550100', otpCallbackUrl: 'ftp://example.com/x' }, 2019],
    ['phone number invalid', { phoneNumber: '+1212' }, 2020],
    ['phone number letters', { phoneNumber: 'call me' , countryIso: 'US' }, 2020],
    ['phone number not a string', { phoneNumber: 12125550100 }, 2020],
  ];
  it.each(cases)('%s → %i', async (_name, body, code) => {
    const res = await call(t, 'POST', '/otp', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_param', code });
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'type', 'uri']);
  });

  it('accepts numeric strings for integer fields', async () => {
    const res = await call(t, 'POST', '/otp', { phoneNumber: phone(), ttl: '120', pinLength: '4' });
    expect(res.status).toBe(201);
    expect(res.body.ttl).toBe(120);
  });
});
