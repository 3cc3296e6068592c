// A2 through the stored connectors, in an app that starts with none: 501 connector.not_found without
// one; with one, the template of the record (UserPermissionValidation for the user's own address,
// BindNewIdentifier for another), its Generic template when the connector has no such template, and
// the connector's failure answered as the Experience API answers it.
import { describe, expect, it } from 'vitest';
import { defaultTemplate } from '../../src/domain/connectors/build-sender.ts';
import { useAccountSuite } from '../helpers/account.ts';

const suite = useAccountSuite({ env: { VERITY_EMAIL_CONNECTOR: 'none', VERITY_SMS_CONNECTOR: 'none' } });

const A2 = '/api/verifications/verification-code';
const outcome = (answer: { status: number; body: any }) => ({ status: answer.status, code: answer.body?.code });

const BASE_USAGES = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];
const emailTemplates = (usages: string[]) =>
  usages.map((usageType) => ({ usageType, contentType: 'text/plain', subject: `${usageType} subject`, content: `${usageType} text {{code}}` }));
const smsTemplates = (usages: string[]) => usages.map((usageType) => ({ usageType, content: `${usageType} text {{code}}` }));
const smtpConnector = (usages: string[]) =>
  suite.admin('POST', '/api/connectors', {
    connectorId: 'simple-mail-transfer-protocol',
    config: {
      host: '127.0.0.1',
      port: suite.smtp!.port,
      fromEmail: 'verity@example.com',
      auth: { user: suite.smtp!.user, pass: suite.smtp!.pass },
      templates: emailTemplates(usages),
    },
  });
const smsConnector = (usages: string[]) =>
  suite.admin('POST', '/api/connectors', { connectorId: 'verity-sms-webhook', config: { url: suite.t.sms.url, templates: smsTemplates(usages) } });
const lastMailTo = (address: string) => [...suite.smtp!.received].reverse().find((m) => m.envelopeTo.includes(address))!;

describe('A2 through the stored connectors', () => {
  it('answers 501 connector.not_found without an email or SMS connector, and stores no record', async () => {
    expect(await suite.admin('GET', '/api/connectors')).toEqual([]);
    const user = await suite.signedInUser();
    for (const identifier of [
      { type: 'email', value: user.primaryEmail },
      { type: 'phone', value: user.primaryPhone },
    ]) {
      expect(outcome(await suite.account('POST', A2, user.accessToken, { identifier }))).toEqual({ status: 501, code: 'connector.not_found' });
    }
    expect(await suite.t.db.query('SELECT id FROM verification_records WHERE owner_id = $1', [user.id])).toEqual([]);
    const rows = await suite.t.db.query<{ key: string; result: string; error: any }>("SELECT key, result, error FROM audit_logs WHERE user_id = $1 AND key LIKE 'Account.%' ORDER BY seq", [
      user.id,
    ]);
    expect(rows.map((r) => [r.key, r.result, r.error?.code])).toEqual([
      ['Account.Verification.EmailVerificationCode.Create', 'Error', 'connector.not_found'],
      ['Account.Verification.PhoneVerificationCode.Create', 'Error', 'connector.not_found'],
    ]);
  });

  it("mails the UserPermissionValidation template to the user's own address and BindNewIdentifier to another", async () => {
    await smtpConnector([...BASE_USAGES, 'UserPermissionValidation', 'BindNewIdentifier']);
    await smsConnector([...BASE_USAGES, 'UserPermissionValidation', 'BindNewIdentifier']);
    const user = await suite.signedInUser();
    const other = `new.${suite.unique()}@example.com`;
    expect((await suite.account('POST', A2, user.accessToken, { identifier: { type: 'email', value: user.primaryEmail } })).status).toBe(201);
    expect(lastMailTo(user.primaryEmail)).toMatchObject({ headers: { subject: 'UserPermissionValidation subject' } });
    expect(lastMailTo(user.primaryEmail).body).toMatch(/UserPermissionValidation text \d{6}/);
    expect((await suite.account('POST', A2, user.accessToken, { identifier: { type: 'email', value: other } })).status).toBe(201);
    expect(lastMailTo(other)).toMatchObject({ headers: { subject: 'BindNewIdentifier subject' } });
    expect(lastMailTo(other).body).toMatch(/BindNewIdentifier text \d{6}/);

    const phone = suite.phone();
    for (const [to, usage] of [
      [user.primaryPhone, 'UserPermissionValidation'],
      [phone, 'BindNewIdentifier'],
    ] as const) {
      expect((await suite.account('POST', A2, user.accessToken, { identifier: { type: 'phone', value: to } })).status).toBe(201);
      expect(suite.t.sms.messages.at(-1)).toMatchObject({ to: `+${to}`, text: expect.stringMatching(new RegExp(`^${usage} text \\d{6}$`)) });
    }
  });

  it('sends the Generic template from a connector without those templates', async () => {
    await smtpConnector(BASE_USAGES);
    await smsConnector(BASE_USAGES);
    const user = await suite.signedInUser();
    const other = `new.${suite.unique()}@example.com`;
    for (const value of [user.primaryEmail, other]) {
      expect((await suite.account('POST', A2, user.accessToken, { identifier: { type: 'email', value } })).status).toBe(201);
      expect(lastMailTo(value)).toMatchObject({ headers: { subject: 'Generic subject' } });
    }
    expect((await suite.account('POST', A2, user.accessToken, { identifier: { type: 'phone', value: user.primaryPhone } })).status).toBe(201);
    expect(suite.t.sms.messages.at(-1)!.text).toMatch(/^Generic text \d{6}$/);
  });

  it('answers a failed send as the Experience API does: 400 connector.general', async () => {
    await smsConnector(BASE_USAGES);
    const user = await suite.signedInUser();
    suite.t.sms.failNext(1);
    const failed = await suite.account('POST', A2, user.accessToken, { identifier: { type: 'phone', value: user.primaryPhone } });
    expect(outcome(failed)).toEqual({ status: 400, code: 'connector.general' });
  });

  it('has built-in texts for both templates (connectors without templates of their own)', () => {
    expect(defaultTemplate('UserPermissionValidation')).toMatchObject({ subject: 'Confirm it is you', content: expect.stringContaining('{{code}}') });
    expect(defaultTemplate('BindNewIdentifier')).toMatchObject({ subject: 'Verify your new address', content: expect.stringContaining('{{code}}') });
  });
});
