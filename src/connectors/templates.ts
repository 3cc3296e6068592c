// Owns message templates: the default text per purpose, the {{pin}} / {{code}} placeholders, and
// which usage types a connector without a template of their own answers with its Generic one.

export const defaultTemplates: Record<string, { text: string; subject?: string }> = {
  otp: { text: 'Your verification code is {{pin}}' },
  SignIn: { text: 'Your sign-in code is {{code}}. It expires in 10 minutes.', subject: 'Your sign-in code' },
  Register: { text: 'Your registration code is {{code}}. It expires in 10 minutes.', subject: 'Verify your email' },
  ForgotPassword: { text: 'Your password reset code is {{code}}. It expires in 10 minutes.', subject: 'Reset your password' },
  Generic: { text: 'Your verification code is {{code}}. It expires in 10 minutes.', subject: 'Your verification code' },
  // The Account API's codes: one proving the user's own email or phone, one proving a new one.
  UserPermissionValidation: {
    text: 'Your code to confirm it is you is {{code}}. It expires in 10 minutes.',
    subject: 'Confirm it is you',
  },
  BindNewIdentifier: {
    text: 'Your code to link this address to your account is {{code}}. It expires in 10 minutes.',
    subject: 'Verify your new address',
  },
};

/** Usage types that connectors created before them may lack: such a connector sends its Generic
 *  template instead (as Logto's connectors do). */
const GENERIC_FALLBACK = new Set(['UserPermissionValidation', 'BindNewIdentifier']);

/** A connector's template for `usageType` (`lookup` is the connector's own), else its Generic one
 *  for the usage types that fall back; undefined when it has neither. */
export function connectorTemplate<T>(lookup: (usageType: string) => T | undefined, usageType: string): T | undefined {
  return lookup(usageType) ?? (GENERIC_FALLBACK.has(usageType) ? lookup('Generic') : undefined);
}

const placeholder = /\{\{\s*(pin|code)\s*\}\}/g;

export function hasPlaceholder(template: string): boolean {
  return new RegExp(placeholder.source).test(template);
}

/** Replaces every {{pin}} and {{code}} with the code. */
export function renderTemplate(template: string, code: string): string {
  return template.replace(placeholder, () => code);
}

export function templateFor(purpose: string): { text: string; subject?: string } {
  return defaultTemplates[purpose] ?? defaultTemplates.Generic!;
}

/** The usage types a connector created from configuration carries templates for. */
export const CONFIGURED_USAGE_TYPES = ['SignIn', 'Register', 'ForgotPassword', 'Generic'] as const;

/** Logto-shaped `templates[]` built from the defaults: email entries carry a subject and a
 *  contentType, SMS entries only content. */
export function defaultTemplateList(channel: 'sms' | 'email') {
  return CONFIGURED_USAGE_TYPES.map((usageType) => {
    const t = defaultTemplates[usageType]!;
    return channel === 'sms'
      ? { usageType, content: t.text }
      : { usageType, contentType: 'text/plain' as const, subject: t.subject ?? 'Your verification code', content: t.text };
  });
}
