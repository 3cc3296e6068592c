// GET/PATCH /api/sign-in-exp (management-core-api.md §4) over HTTP with a real Management API
// token, and getSignInExperience's effective settings.
import { beforeAll, describe, expect, it } from 'vitest';
import { getSignInExperience } from '../../src/domain/sign-in-experience/index.ts';
import { useTestApp } from '../helpers/app.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

// No connectors from configuration: the connector rules are checked against what the tests add.
const t = useTestApp({ env: { VERITY_SMS_CONNECTOR: 'none' } });
let token: string;
beforeAll(async () => {
  token = await managementToken(t);
});

const api = (method: string, path: string, body?: unknown) => managementCall(t, token, method, path, body);
const patch = (body: unknown) => api('PATCH', '/api/sign-in-exp', body);
const refused = async (body: unknown, code: string) => expect(await patch(body)).toMatchObject({ status: 400, body: { code } });

const templates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, content: 'Code {{code}}' }));
const addConnector = (connectorId: string, config: unknown) => api('POST', '/api/connectors', { connectorId, config });

const method = (identifier: string, password: boolean, verificationCode: boolean) => ({
  identifier,
  password,
  verificationCode,
  isPasswordPrimary: true,
});
const usernameSignUp = { identifiers: ['username'], password: true, verify: false };
const usernameSignIn = { methods: [method('username', true, false)] };

const freshInstall = {
  tenantId: 'default',
  id: 'default',
  color: { primaryColor: '#6139F6', isDarkModeEnabled: false, darkPrimaryColor: '#8768F8' },
  branding: { logoUrl: 'https://logto.io/logo.svg', darkLogoUrl: 'https://logto.io/logo-dark.svg' },
  languageInfo: { autoDetect: true, fallbackLanguage: 'en' },
  termsOfUseUrl: null,
  privacyPolicyUrl: null,
  agreeToTermsPolicy: 'Automatic',
  signIn: usernameSignIn,
  signUp: usernameSignUp,
  socialSignIn: {},
  socialSignInConnectorTargets: [],
  signInMode: 'SignInAndRegister',
  customCss: null,
  customContent: {},
  customUiAssets: null,
  passwordPolicy: {},
  mfa: { factors: [], policy: 'UserControlled' },
  singleSignOnEnabled: false,
  supportEmail: null,
  supportWebsiteUrl: null,
  unknownSessionRedirectUrl: null,
};

describe('GET /api/sign-in-exp', () => {
  it('returns the fresh-install settings, field for field', async () => {
    const res = await api('GET', '/api/sign-in-exp');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(freshInstall);
    expect(Object.keys(res.body)).toEqual(Object.keys(freshInstall));
  });

  it('needs a Management API token', async () => {
    const res = await fetch(`${t.url}/api/sign-in-exp`);
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('auth.authorization_header_missing');
  });
});

describe('PATCH /api/sign-in-exp', () => {
  it('replaces each top-level field given, keeps the rest, and answers the full object', async () => {
    const res = await patch({ color: { primaryColor: '#123', isDarkModeEnabled: true, darkPrimaryColor: '#abcdef' }, branding: { logoUrl: 'https://example.com/l.png' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...freshInstall,
      color: { primaryColor: '#123', isDarkModeEnabled: true, darkPrimaryColor: '#abcdef' },
      branding: { logoUrl: 'https://example.com/l.png' },
    });
    expect((await api('GET', '/api/sign-in-exp')).body).toEqual(res.body);
    expect((await patch({})).body).toEqual(res.body);
  });

  it('drops unknown keys and never changes the id', async () => {
    const res = await patch({ id: 'other', tenantId: 'x', foo: 1, signInMode: 'SignIn' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'default', tenantId: 'default', signInMode: 'SignIn' });
    expect(res.body).not.toHaveProperty('foo');
  });

  it('URL fields and supportEmail accept "", null or a value', async () => {
    const body = { termsOfUseUrl: '', privacyPolicyUrl: 'https://example.com/p', supportEmail: 'help@example.com', supportWebsiteUrl: null, customCss: 'a{}' };
    expect((await patch(body)).body).toMatchObject(body);
    expect((await patch({ supportEmail: null, termsOfUseUrl: null })).body).toMatchObject({ supportEmail: null, termsOfUseUrl: null });
  });

  it('400 guard.invalid_input for a body that fails its guard', async () => {
    for (const body of [
      { color: { primaryColor: 'red', isDarkModeEnabled: false, darkPrimaryColor: '#fff' } },
      { signInMode: 'Anything' },
      { termsOfUseUrl: 'not a url' },
      { supportEmail: 'nope' },
      { signUp: { identifiers: ['nickname'], password: true, verify: false } },
      { signIn: { methods: [{ identifier: 'username' }] } },
      { mfa: { factors: ['Sms'], policy: 'UserControlled' } },
      { passwordPolicy: { characterTypes: { min: 5 } } },
      { singleSignOnEnabled: 'yes' },
    ]) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('guard.invalid_input');
    }
  });

  it('stores the password policy as given; getSignInExperience fills the defaults', async () => {
    const res = await patch({ passwordPolicy: { length: { min: 12 }, rejects: { words: ['verity'] } } });
    expect(res.body.passwordPolicy).toEqual({ length: { min: 12 }, rejects: { words: ['verity'] } });
    const effective = await getSignInExperience(t.db);
    expect(effective.passwordPolicy).toEqual({
      length: { min: 12, max: 256 },
      characterTypes: { min: 1 },
      rejects: { pwned: true, repetitionAndSequence: true, userInfo: true, words: ['verity'] },
    });
    expect(effective.signUp).toEqual(usernameSignUp);
    await patch({ passwordPolicy: {} });
    expect((await getSignInExperience(t.db)).passwordPolicy.length).toEqual({ min: 8, max: 256 });
  });

  it('drops social targets without a Social connector', async () => {
    expect((await patch({ socialSignInConnectorTargets: ['github', 'google'] })).body.socialSignInConnectorTargets).toEqual([]);
  });
});

describe('PATCH /api/sign-in-exp rules', () => {
  it('unsupported_default_language', async () => {
    await refused({ languageInfo: { autoDetect: true, fallbackLanguage: 'xx' } }, 'sign_in_experiences.unsupported_default_language');
    expect((await patch({ languageInfo: { autoDetect: false, fallbackLanguage: 'pt-BR' } })).status).toBe(200);
  });

  it('username_requires_password', async () => {
    await refused({ signUp: { identifiers: ['username'], password: false, verify: false } }, 'sign_in_experiences.username_requires_password');
  });

  it('enabled_connector_not_found: email or phone sign-up without that connector', async () => {
    await refused({ signUp: { identifiers: ['email'], password: true, verify: true } }, 'sign_in_experiences.enabled_connector_not_found');
    await refused({ signUp: { identifiers: ['phone'], password: true, verify: true } }, 'sign_in_experiences.enabled_connector_not_found');
  });

  it('passwordless_requires_verify (with a connector)', async () => {
    expect((await addConnector('verity-sms-webhook', { url: 'http://127.0.0.1:9/', templates })).status).toBe(200);
    await refused({ signUp: { identifiers: ['phone'], password: true, verify: false } }, 'sign_in_experiences.passwordless_requires_verify');
  });

  it('at_least_one_authentication_factor', async () => {
    await refused({ signIn: { methods: [method('username', false, false)] } }, 'sign_in_experiences.at_least_one_authentication_factor');
  });

  it('miss_sign_up_identifier_in_sign_in: checked against the stored sign-up when none is sent', async () => {
    await patch({ signUp: usernameSignUp, signIn: usernameSignIn });
    await refused({ signIn: { methods: [method('phone', true, true)] } }, 'sign_in_experiences.miss_sign_up_identifier_in_sign_in');
  });

  it('password_sign_in_must_be_enabled', async () => {
    await refused(
      { signUp: usernameSignUp, signIn: { methods: [method('username', true, false), method('phone', false, true)] } },
      'sign_in_experiences.password_sign_in_must_be_enabled',
    );
  });

  it('code_sign_in_must_be_enabled', async () => {
    await refused(
      { signUp: { identifiers: ['phone'], password: false, verify: true }, signIn: { methods: [method('phone', true, false)] } },
      'sign_in_experiences.code_sign_in_must_be_enabled',
    );
  });

  it('duplicated_mfa_factors and backup_code_cannot_be_enabled_alone', async () => {
    await refused({ mfa: { factors: ['Totp', 'Totp'], policy: 'UserControlled' } }, 'sign_in_experiences.duplicated_mfa_factors');
    await refused({ mfa: { factors: ['BackupCode'], policy: 'Mandatory' } }, 'sign_in_experiences.backup_code_cannot_be_enabled_alone');
    expect((await patch({ mfa: { factors: ['Totp', 'BackupCode'], policy: 'Mandatory' } })).body.mfa).toEqual({
      factors: ['Totp', 'BackupCode'],
      policy: 'Mandatory',
    });
  });

  it('a consistent passwordless setup is accepted; signUp sent alone is not cross-checked', async () => {
    const signUp = { identifiers: ['phone'], password: false, verify: true };
    const signIn = { methods: [method('phone', false, true), method('username', true, false)] };
    expect((await patch({ signUp, signIn })).body).toMatchObject({ signUp, signIn });
    const alone = { identifiers: ['username', 'phone'], password: true, verify: true };
    expect((await patch({ signUp: alone })).body).toMatchObject({ signUp: alone, signIn });
  });

  it('a refused PATCH changes nothing', async () => {
    const before = (await api('GET', '/api/sign-in-exp')).body;
    await refused({ color: { primaryColor: '#000', isDarkModeEnabled: false, darkPrimaryColor: '#000' }, mfa: { factors: ['BackupCode'], policy: 'Mandatory' } }, 'sign_in_experiences.backup_code_cannot_be_enabled_alone');
    expect((await api('GET', '/api/sign-in-exp')).body).toEqual(before);
  });
});

describe('missing row', () => {
  it('404 entity.not_exists_with_id when the default row is gone', async () => {
    await t.db.query("DELETE FROM sign_in_experiences WHERE id = 'default'");
    expect(await api('GET', '/api/sign-in-exp')).toMatchObject({ status: 404, body: { code: 'entity.not_exists_with_id' } });
    expect((await patch({ signInMode: 'Register' })).status).toBe(404);
  });
});
