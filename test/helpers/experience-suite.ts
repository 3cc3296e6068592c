// A test file's Experience API world: its own test app (optionally with an SMTP email connector),
// a Management token, an SPA relying party, a sign-in experience reset to BASE_SETTINGS before each
// test, and shortcuts for the steps most tests repeat (start an interaction, send and verify codes).
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startTestApp, type TestApp } from './app.ts';
import { startExperience, type ExperienceSession } from './experience.ts';
import { createRelyingParty, type RelyingParty } from './oidc-flow.ts';
import { startSmtpServer, type SmtpCapture } from './smtp-server.ts';
import { managementToken } from './tokens.ts';

/** Sign-up by username + password; sign-in by username, or email / phone with password or code. */
export const BASE_SETTINGS = {
  signInMode: 'SignInAndRegister',
  signUp: { identifiers: ['username'], password: true, verify: false },
  signIn: {
    methods: [
      { identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true },
      { identifier: 'email', password: true, verificationCode: true, isPasswordPrimary: true },
      { identifier: 'phone', password: true, verificationCode: true, isPasswordPrimary: true },
    ],
  },
  passwordPolicy: {},
  mfa: { factors: [], policy: 'UserControlled' },
};

export const PASSWORD = 'Vq8#mLp2!zR';

export interface ExperienceSuite {
  t: TestApp;
  smtp: SmtpCapture | null;
  rp: RelyingParty;
  token: string;
  /** A Management API call; throws on 4xx/5xx. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  settings(patch: Record<string, unknown>): Promise<void>;
  /** A user made through the Management API (password PASSWORD unless given). */
  newUser(fields?: Record<string, unknown>): Promise<{ id: string; username: string; primaryEmail?: string; primaryPhone?: string }>;
  /** A fresh interaction (cookie jar) on the sign-in page, started with `event` unless null; the
   *  authorization request asks for `scope` (default: openid profile email phone). */
  session(event?: 'SignIn' | 'Register' | 'ForgotPassword' | null, scope?: string): Promise<ExperienceSession>;
  unique(): string;
  /** A phone number no other test in the file uses (digits only). */
  phone(): string;
  /** The latest code sent to an email (in any case) or phone identifier. */
  lastCode(identifier: { type: string; value: string }): string;
  /** E7 then E8 with the right code: a verified record's id. */
  verifiedCode(s: ExperienceSession, identifier: { type: string; value: string }, event?: string): Promise<string>;
  /** A SignIn interaction identified as `username` by its password (PASSWORD): E1, E6, E3. */
  identified(username: string): Promise<ExperienceSession>;
}

export function useExperienceSuite(options: { email?: boolean; env?: Record<string, string>; publicHost?: string } = {}): ExperienceSuite {
  const suite = {} as ExperienceSuite;
  let n = 0;
  beforeAll(async () => {
    const smtp = options.email ? await startSmtpServer() : null;
    const env = { ...(smtp ? { VERITY_EMAIL_CONNECTOR: 'smtp', VERITY_SMTP_URL: smtp.url } : {}), ...options.env };
    const t = await startTestApp({ env, ...(options.publicHost ? { publicHost: options.publicHost } : {}) });
    const token = await managementToken(t);
    const admin = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${t.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    const rp = await createRelyingParty({ url: t.url, token }, 'SPA');
    const unique = () => `${Date.now().toString(36)}${++n}`;
    Object.assign(suite, {
      t,
      smtp,
      rp,
      token,
      admin,
      unique,
      settings: async (patch: Record<string, unknown>) => void (await admin('PATCH', '/api/sign-in-exp', patch)),
      newUser: (fields: Record<string, unknown> = {}) => admin('POST', '/api/users', { username: `u_${unique()}`, password: PASSWORD, ...fields }),
      session: async (event: 'SignIn' | 'Register' | 'ForgotPassword' | null = 'SignIn', scope?: string) => {
        const s = await startExperience(t.url, t.config.issuer, rp, scope);
        if (event) {
          const started = await s.call('PUT', '/api/experience', { interactionEvent: event });
          if (started.status !== 204) throw new Error(`E1: ${started.status}`);
        }
        return s;
      },
      phone: () => `1415${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(++n % 1000).padStart(3, '0')}`,
      lastCode: (identifier: { type: string; value: string }) => {
        if (identifier.type !== 'email') return t.sms.lastCode(`+${identifier.value}`);
        const to = identifier.value.toLowerCase();
        const mail = [...smtp!.received].reverse().find((m) => m.envelopeTo.some((address) => address.toLowerCase() === to));
        const code = mail?.body.match(/\b(\d{6})\b/)?.[1];
        if (!code) throw new Error(`no code mailed to ${identifier.value}`);
        return code;
      },
    } satisfies Partial<ExperienceSuite>);
    suite.verifiedCode = async (s, identifier, event = 'SignIn') => {
      const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier, interactionEvent: event });
      if (sent.status !== 200) throw new Error(`E7: ${sent.status} ${JSON.stringify(sent.body)}`);
      const { verificationId } = sent.body;
      const verified = await s.call('POST', '/api/experience/verification/verification-code/verify', {
        identifier,
        verificationId,
        code: suite.lastCode(identifier),
      });
      if (verified.status !== 200) throw new Error(`E8: ${verified.status} ${JSON.stringify(verified.body)}`);
      return verificationId;
    };
    suite.identified = async (username) => {
      const s = await suite.session('SignIn');
      const verified = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password: PASSWORD });
      if (verified.status !== 200) throw new Error(`E6: ${verified.status} ${JSON.stringify(verified.body)}`);
      const identified = await s.call('POST', '/api/experience/identification', { verificationId: verified.body.verificationId });
      if (identified.status !== 204) throw new Error(`E3: ${identified.status} ${JSON.stringify(identified.body)}`);
      return s;
    };
  });
  beforeEach(() => suite.settings(BASE_SETTINGS));
  afterAll(async () => {
    await suite.t?.close();
    await suite.smtp?.close();
  });
  return suite;
}
